"""``samenspraak flows``: check, list and draw the flow files."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.config import load_settings
from bot.engine import Catalog, load_catalog
from bot.engine.machine import FlowMachine
from bot.errors import FlowError
from bot.privacy.helplines import load_helplines

# Help-line numbers and hours change; a release must not ship numbers nobody checked for half a
# year. Day-to-day checks only warn: a calendar date alone must not break a developer's build.
HELPLINE_MAX_AGE = timedelta(days=180)

app = typer.Typer(help="Check, list and draw the flows.", no_args_is_help=True)


def _catalog(path: Path | None) -> Catalog:
    return load_catalog(path or load_settings().resolved_flows_dir)


@app.command("check")
def check(
    path: Annotated[Path | None, typer.Argument(help="A flows directory or file.")] = None,
    release: Annotated[
        bool,
        typer.Option(
            "--release",
            help="Release check: also fail (not only warn) on help lines verified > 180 days ago.",
        ),
    ] = False,
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], hidden=True, help="Check as if today were this date."),
    ] = None,
) -> None:
    """Validate every flow (schema, graph rules, plain-language lint); exit 1 on problems."""
    try:
        catalog = _catalog(path)
        problems = _lint(catalog)
    except FlowError as exc:
        problems = exc.problems
    stale = stale_helplines(today.date() if today else date.today())
    if release:
        problems = [*problems, *stale]
    else:
        for warning in stale:
            typer.echo(f"warning: {warning}", err=True)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {len(catalog.templates)} plan templates, {len(catalog.flows)} flows.")


def stale_helplines(today: date) -> list[str]:
    """One line per help line last verified more than :data:`HELPLINE_MAX_AGE` before ``today``."""
    return [
        f"help line {line.name} was last verified on {line.verified_on:%Y-%m-%d}, more than "
        f"{HELPLINE_MAX_AGE.days} days ago: check it at {line.source} and update "
        "bot/privacy/data/helplines.yaml"
        for line in load_helplines()
        if today - line.verified_on > HELPLINE_MAX_AGE
    ]


def _lint(catalog: Catalog) -> list[str]:
    from bot.engine.b1 import lint_catalog

    return lint_catalog(catalog)


def describe(catalog: Catalog) -> list[dict[str, Any]]:
    templates = []
    for template in catalog.templates.values():
        steps = []
        for step in template.steps:
            flows = catalog.flows_for(template.id, step.key)
            steps.append(
                {
                    "key": step.key,
                    "number": step.number,
                    "title": step.title,
                    "periodic": step.periodic,
                    "werkgroep_flow": next(
                        (f.id for f in flows if f.audience == "werkgroep"), None
                    ),
                    "consultations": {
                        f.audience.value: f.id for f in flows if f.audience != "werkgroep"
                    },
                }
            )
        templates.append({"id": template.id, "title": template.title, "steps": steps})
    return templates


@app.command("list")
def list_flows(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List plan templates, their steps, and each step's flows and audiences."""
    templates = describe(_catalog(None))
    if as_json:
        typer.echo(json.dumps({"templates": templates}, ensure_ascii=False, indent=2))
        return
    for template in templates:
        typer.echo(f"{template['id']}: {template['title']}")
        for step in template["steps"]:
            audiences = ", ".join(sorted(step["consultations"])) or "-"
            typer.echo(
                f"  {step['key']:<14} {step['title']}  [werkgroep: "
                f"{step['werkgroep_flow'] or '-'}; consultatie: {audiences}]"
            )


@app.command("diagram")
def diagram(flow_id: Annotated[str, typer.Argument(help="A flow id, see `flows list`.")]) -> None:
    """Print the flow's state machine as a Mermaid diagram."""
    catalog = _catalog(None)
    if flow_id not in catalog.flows:
        typer.echo(f"Unknown flow {flow_id!r}; `samenspraak flows list` shows the flows.", err=True)
        raise typer.Exit(1)
    typer.echo(FlowMachine(catalog.flows[flow_id].flow).mermaid(), nl=False)
