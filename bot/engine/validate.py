"""Graph rules for flows, in one place.

Every question has an id (answers are keyed by it, and the jongeren and ouders variants of a
consultation share ids so their answers aggregate); info steps without an id get ``info-N``.
Rules: unique ids; ``next``/``goto`` targets exist; every step is reachable from the first;
branches end in exactly one fallback; conditions fit the question they test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.schema import (
    BUTTON_LABEL_MAX,
    END,
    ChoiceStep,
    Condition,
    Flow,
    InfoStep,
    MultiChoiceStep,
    PlanTemplate,
    ScaleStep,
    Step,
    TextStep,
    YesNoStep,
    options_of,
)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    flow: str
    step: str
    message: str
    fix: str

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: flow {self.flow}, step {self.step}: {self.message} — fix: {self.fix}"


def step_ids(flow: Flow) -> list[str]:
    """The id of every step, generating ``info-N`` for info steps without one."""
    return [step.id or f"info-{index + 1}" for index, step in enumerate(flow.steps)]


def successors(flow: Flow, index: int, ids: Sequence[str]) -> list[str]:
    """Where step ``index`` can go next: its branches, its ``next``, or the following step."""
    step = flow.steps[index]
    branches = getattr(step, "branches", [])
    if branches:
        return [branch.goto for branch in branches]
    if step.next is not None:
        return [step.next]
    return [ids[index + 1]] if index + 1 < len(ids) else [END]


LineFinder = Callable[[Sequence[int | str]], int | None]
ProblemSink = Callable[..., None]


def validate_flow(flow: Flow, path: Path, line_of: LineFinder) -> list[Problem]:
    ids = step_ids(flow)
    problems: list[Problem] = []

    def problem(index: int, message: str, fix: str, *loc: int | str) -> None:
        problems.append(
            Problem(path, line_of(("steps", index, *loc)), flow.id, ids[index], message, fix)
        )

    seen: dict[str, int] = {}
    for index, step in enumerate(flow.steps):
        if not isinstance(step, InfoStep) and step.id is None:
            problem(index, "a question needs an id", "add `id:` (answers are stored under it)")
        if ids[index] in seen:
            problem(
                index,
                f"duplicate id {ids[index]!r} (also step #{seen[ids[index]] + 1})",
                "give every step a unique id",
                "id",
            )
        seen.setdefault(ids[index], index)
        if ids[index] == END:
            problem(index, f"{END!r} is reserved for finishing the flow", "choose another id", "id")

    for index, step in enumerate(flow.steps):
        _check_options(step, index, problem)

    targets = set(ids) | {END}
    for index, step in enumerate(flow.steps):
        if step.next is not None and step.next not in targets:
            problem(
                index,
                f"next {step.next!r} is not a step of this flow",
                f"use one of the step ids or {END!r}",
                "next",
            )
        branches = getattr(step, "branches", [])
        if branches and step.next is not None:
            problem(
                index, "both `next` and `branches`", "put the default in a fallback branch", "next"
            )
        for number, branch in enumerate(branches):
            if branch.goto not in targets:
                problem(
                    index,
                    f"goto {branch.goto!r} is not a step of this flow",
                    f"use one of the step ids or {END!r}",
                    "branches",
                    number,
                    "goto",
                )
            if branch.when is None and number != len(branches) - 1:
                problem(
                    index,
                    "a fallback branch (without `if`) must come last",
                    "move it to the end",
                    "branches",
                    number,
                )
            if branch.when is not None:
                _check_condition(flow, index, ids, branch.when, problem, number)
        if branches and branches[-1].when is not None:
            problem(
                index,
                "branches without a fallback",
                "add a last branch with only `goto:` for answers no `if` matches",
                "branches",
            )

    reachable = _reachable(flow, ids)
    finishing = _can_finish(flow, ids)
    for index, ident in enumerate(ids):
        if ident in reachable and ident not in finishing:
            problem(
                index,
                "from this step the flow can never finish (every path loops)",
                f"point a `next`/`goto` of the loop at a later step or {END!r}",
            )
        if ident not in reachable:
            problem(
                index,
                "step is unreachable from the first step",
                "remove it, or point a `next`/`goto` at it",
            )
    return problems


def _check_options(step: Step, index: int, problem: ProblemSink) -> None:
    """Buttons must fit a phone, and exclusive options only make sense where several can be
    ticked."""
    if isinstance(step, InfoStep):
        return
    options = options_of(step)
    for number, option in enumerate(options):
        if option.short is None and len(option.label) > BUTTON_LABEL_MAX:
            problem(
                index,
                f"option {option.value!r}: label of {len(option.label)} characters is too long "
                f"for a button (at most {BUTTON_LABEL_MAX})",
                f"add `short:` (at most {BUTTON_LABEL_MAX} characters) for the button; the full "
                "label is shown in the message",
                "options",
                number,
                "label",
            )
        if option.exclusive and not isinstance(step, MultiChoiceStep):
            problem(
                index,
                f"option {option.value!r} is `exclusive` in a {step.kind} question",
                "use `exclusive` only in a multi_choice question (one answer is exclusive anyway)",
                "options",
                number,
                "exclusive",
            )
    if isinstance(step, MultiChoiceStep) and all(option.exclusive for option in options):
        problem(
            index,
            "every option is `exclusive`",
            "make it a `choice` question instead",
            "options",
        )


def _check_condition(
    flow: Flow,
    index: int,
    ids: Sequence[str],
    condition: Condition,
    problem: Callable[..., None],
    number: int,
) -> None:
    target_id = condition.question or ids[index]
    if target_id not in ids:
        problem(
            index,
            f"condition tests unknown question {target_id!r}",
            "name a question of this flow",
            "branches",
            number,
            "if",
        )
        return
    target: Step = flow.steps[ids.index(target_id)]
    if isinstance(target, InfoStep):
        problem(
            index,
            f"condition tests info step {target_id!r}",
            "test a question",
            "branches",
            number,
            "if",
        )
        return
    values = {option.value for option in options_of(target)}
    wanted = [condition.equals] if condition.equals is not None else (condition.any_of or [])
    if condition.contains is not None:
        wanted = [condition.contains]
        if not isinstance(target, MultiChoiceStep):
            problem(
                index,
                "`contains` only fits a multi_choice question",
                "use `equals` or `in`",
                "branches",
                number,
                "if",
            )
    if (condition.gte is not None or condition.lte is not None) and not isinstance(
        target, ScaleStep
    ):
        problem(
            index,
            "`gte`/`lte` only fit a scale question",
            "use `equals` or `in`",
            "branches",
            number,
            "if",
        )
    if isinstance(target, ChoiceStep | MultiChoiceStep | YesNoStep):
        for value in wanted:
            if str(value) not in values:
                problem(
                    index,
                    f"condition value {value!r} is not an option of {target_id!r}",
                    f"use one of: {', '.join(sorted(values))}",
                    "branches",
                    number,
                    "if",
                )
    if isinstance(target, TextStep) and wanted:
        problem(
            index,
            "a free-text answer can only be tested with `answered`",
            "use `answered: true`",
            "branches",
            number,
            "if",
        )


def _reachable(flow: Flow, ids: Sequence[str]) -> set[str]:
    position = {ident: index for index, ident in enumerate(ids)}
    seen: set[str] = set()
    stack = [ids[0]]
    while stack:
        ident = stack.pop()
        if ident in seen or ident not in position:
            continue
        seen.add(ident)
        stack.extend(successors(flow, position[ident], ids))
    return seen


def _can_finish(flow: Flow, ids: Sequence[str]) -> set[str]:
    """Steps from which some path reaches the end (a backward search from ``end``)."""
    predecessors: dict[str, set[str]] = {}
    for index, ident in enumerate(ids):
        for target in successors(flow, index, ids):
            predecessors.setdefault(target, set()).add(ident)
    finishing: set[str] = set()
    stack = [END]
    while stack:
        for previous in predecessors.get(stack.pop(), ()):
            if previous not in finishing:
                finishing.add(previous)
                stack.append(previous)
    return finishing


def validate_catalog(
    templates: Mapping[str, PlanTemplate], flows: Mapping[str, Flow], paths: Mapping[str, Path]
) -> list[Problem]:
    """Cross-file rules: each flow belongs to an existing template step."""
    problems = []
    for flow in flows.values():
        path = paths.get(f"flow:{flow.id}", Path("?"))
        template = templates.get(flow.plan.template)
        if template is None:
            problems.append(
                Problem(
                    path,
                    None,
                    flow.id,
                    "-",
                    f"plan.template {flow.plan.template!r} does not exist",
                    f"use one of: {', '.join(sorted(templates)) or '(none)'}",
                )
            )
        elif flow.plan.step not in {step.key for step in template.steps}:
            keys = ", ".join(step.key for step in template.steps)
            problems.append(
                Problem(
                    path,
                    None,
                    flow.id,
                    "-",
                    f"plan.step {flow.plan.step!r} is not a step of {template.id}",
                    f"use one of: {keys}",
                )
            )
    return problems
