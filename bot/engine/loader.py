"""Load every YAML file under a flows directory into a validated :class:`Catalog`.

All problems of all files are collected before raising, so one ``flows check`` run shows
everything to fix. Each problem names the file, the YAML line, the flow, the step and the fix.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from bot.engine.schema import AnyFile, Flow, PlanTemplate, Taxonomy
from bot.engine.validate import Problem, validate_catalog, validate_flow
from bot.errors import FlowError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ANY_FILE: TypeAdapter[Flow | PlanTemplate | Taxonomy] = TypeAdapter(AnyFile)


@dataclass(frozen=True)
class LoadedFlow:
    flow: Flow
    path: Path
    digest: str


@dataclass
class Catalog:
    templates: dict[str, PlanTemplate] = field(default_factory=dict)
    flows: dict[str, LoadedFlow] = field(default_factory=dict)
    taxonomies: dict[str, Taxonomy] = field(default_factory=dict)

    def flows_for(self, template: str, step: str) -> list[Flow]:
        return [
            loaded.flow
            for loaded in self.flows.values()
            if loaded.flow.plan.template == template and loaded.flow.plan.step == step
        ]

    def flow_for(self, template: str, step: str, audience: str) -> Flow | None:
        for flow in self.flows_for(template, step):
            if flow.audience == audience:
                return flow
        return None

    def taxonomy_for(self, template: str) -> Taxonomy | None:
        fallback = None
        for taxonomy in self.taxonomies.values():
            if template in taxonomy.templates:
                return taxonomy
            if not taxonomy.templates:
                fallback = taxonomy
        return fallback


def flow_digest(flow: Flow) -> str:
    """A short, stable fingerprint of a flow's content, stored with each conversation."""
    canonical = json.dumps(flow.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The 1-based YAML line of the deepest node that ``loc`` reaches."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    node = value
                    line = key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _describe(data: Any, loc: Sequence[int | str]) -> tuple[str, str]:
    """Flow id and step id (or position) that a pydantic error location points into."""
    flow_id = data.get("id", "?") if isinstance(data, dict) else "?"
    step = "-"
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps") if isinstance(data, dict) else None
        entry = steps[loc[1]] if isinstance(steps, list) and loc[1] < len(steps) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        step = str(ident) if ident else f"#{loc[1] + 1}"
    return str(flow_id), step


_FIXES = {
    "extra_forbidden": "remove it or correct its spelling (see docs/flows.md for the fields)",
    "missing": "add this field",
    "union_tag_invalid": "use one of the kinds listed",
    "union_tag_not_found": "add a `kind:` field",
    "string_pattern_mismatch": "use lowercase letters, digits, '-' or '_'",
}


def _pydantic_problems(
    path: Path, root: yaml.Node | None, data: Any, exc: ValidationError
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        # Discriminated unions put the chosen kind in the location: drop it for readability.
        loc = [part for part in error["loc"] if part not in ("flow", "template", "taxonomy")]
        loc = [part for part in loc if not (isinstance(part, str) and part in _KIND_TAGS)]
        flow_id, step = _describe(data, loc)
        where = ".".join(str(part) for part in loc) or "(file)"
        fix = _FIXES.get(error["type"], "correct the value")
        problems.append(
            Problem(
                path=path,
                line=_line_of(root, loc),
                flow=flow_id,
                step=step,
                message=f"{where}: {error['msg']}",
                fix=fix,
            )
        )
    return problems


_KIND_TAGS = {"info", "text", "choice", "multi_choice", "scale", "yes_no"}


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_catalog(root: Path, extra: Iterable[Path] = ()) -> Catalog:
    """Load and validate all flow files under ``root``; raise FlowError listing every problem."""
    catalog = Catalog()
    problems: list[Problem] = []
    files = _yaml_files(root) + list(extra)
    if not files:
        raise FlowError([f"{root}: no flow files (*.yaml) found"])
    paths: dict[str, Path] = {}
    for path in files:
        problems.extend(_load_file(path, catalog, paths))
    problems.extend(
        validate_catalog(catalog.templates, {k: v.flow for k, v in catalog.flows.items()}, paths)
    )
    if problems:
        raise FlowError([problem.render() for problem in problems])
    return catalog


def _load_file(path: Path, catalog: Catalog, paths: dict[str, Path]) -> list[Problem]:
    try:
        return _load_one(path, catalog, paths)
    except RecursionError:  # parsing, validating or describing a pathologically deep file
        return [Problem(path, None, "?", "-", "the YAML is nested too deeply", "flatten the file")]


def _load_one(path: Path, catalog: Catalog, paths: dict[str, Path]) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
        # Compose once (the node tree gives line numbers), then build the data from it; the C
        # loader (libyaml) when available: start-up parses every flow file.
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(path, None, "?", "-", f"cannot read the file: {exc}", "check the file")]

    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return [Problem(path, line, "?", "-", f"invalid YAML: {reason}", "fix the YAML syntax")]
    if not isinstance(data, dict):
        return [Problem(path, 1, "?", "-", "the file is not a mapping", "start with `kind:`")]
    try:
        parsed = _ANY_FILE.validate_python(data)
    except ValidationError as exc:
        return _pydantic_problems(path, root, data, exc)

    key = f"{parsed.kind}:{parsed.id}"
    if key in paths:
        return [
            Problem(
                path,
                1,
                parsed.id,
                "-",
                f"duplicate {parsed.kind} id (also in {paths[key]})",
                "give it a unique id",
            )
        ]
    paths[key] = path
    if isinstance(parsed, PlanTemplate):
        catalog.templates[parsed.id] = parsed
        return []
    if isinstance(parsed, Taxonomy):
        catalog.taxonomies[parsed.id] = parsed
        return []
    flow_problems = validate_flow(parsed, path, lambda loc: _line_of(root, loc))
    if not flow_problems:
        catalog.flows[parsed.id] = LoadedFlow(parsed, path, flow_digest(parsed))
    return flow_problems
