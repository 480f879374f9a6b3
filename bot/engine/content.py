"""Content rules for the jongeren and ouders flows, checked by ``flows check`` with the B1 lint.

Participants are never pushed to identify anyone or to disclose their own situation: every
free-text question says "Noem geen namen" in the question itself (not behind the Tip button),
and a question about their own life (``sensitive: true``) can be declined with "Zeg ik liever
niet", which in a multi_choice clears the other answers.
"""

from __future__ import annotations

from pathlib import Path

from bot.engine.schema import (
    DECLINE_VALUE,
    NO_NAMES,
    ChoiceStep,
    Flow,
    MultiChoiceStep,
    TextStep,
)
from bot.engine.validate import Problem, step_ids


def content_problems(flow: Flow, path: Path) -> list[Problem]:
    if not flow.audience.is_participant:
        return []
    problems = []
    for step, ident in zip(flow.steps, step_ids(flow), strict=True):
        for message, fix in _step_problems(step):
            problems.append(Problem(path, None, flow.id, ident, message, fix))
    return problems


def _step_problems(step: object) -> list[tuple[str, str]]:
    if isinstance(step, TextStep) and NO_NAMES.casefold() not in step.text.casefold():
        return [
            (
                f"a free-text question for jongeren or ouders must say {NO_NAMES!r}",
                f"end the question with '{NO_NAMES}.'",
            )
        ]
    if not isinstance(step, ChoiceStep | MultiChoiceStep) or not step.sensitive:
        return []
    decline = next((o for o in step.options if o.value == DECLINE_VALUE), None)
    if decline is None:
        return [
            (
                "a sensitive question without a way to decline",
                f"add the option {{value: {DECLINE_VALUE}, label: Zeg ik liever niet}}",
            )
        ]
    if isinstance(step, MultiChoiceStep) and not decline.exclusive:
        return [
            (
                "'Zeg ik liever niet' can be ticked together with other answers",
                "mark it `exclusive: true`",
            )
        ]
    return []
