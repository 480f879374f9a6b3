"""One long-lived ``transitions`` state machine per flow; the only module that imports it.

States are the flow's step ids plus ``end``. One trigger, ``advance``, carries every forward
move; branch conditions are data from the YAML compiled here into closures over the answers,
so YAML never names a Python callable. Conversations are not added to the machine as models
(that binds methods on each object); events are fired on them directly, which needs only their
``state`` attribute. ``back`` is not a machine transition: where to go back to depends on the
path a conversation took, which its history records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from transitions import EventData, Machine

from bot.engine.schema import END, Condition, Flow, InfoStep
from bot.engine.validate import step_ids, successors

AnswerValue = str | int | list[str] | None
Predicate = Callable[[Mapping[str, AnswerValue]], bool]


class HasState(Protocol):
    state: str


def compile_condition(condition: Condition, default_question: str) -> Predicate:
    """Turn a YAML condition into a predicate over the answers given so far."""
    question = condition.question or default_question

    def answer(answers: Mapping[str, AnswerValue]) -> AnswerValue:
        return answers.get(question)

    if condition.answered is not None:
        wanted_answered = condition.answered
        return lambda answers: (answer(answers) is not None) is wanted_answered
    if condition.equals is not None:
        wanted = str(condition.equals)
        return lambda answers: _as_strings(answer(answers)) == [wanted]
    if condition.any_of is not None:
        allowed = set(condition.any_of)
        return lambda answers: bool(allowed & set(_as_strings(answer(answers))))
    if condition.contains is not None:
        needle = condition.contains
        return lambda answers: needle in _as_strings(answer(answers))
    if condition.gte is not None:
        low = condition.gte
        return lambda answers: isinstance(answer(answers), int) and answer(answers) >= low  # type: ignore[operator]
    high = condition.lte
    return lambda answers: isinstance(answer(answers), int) and answer(answers) <= high  # type: ignore[operator]


def _as_strings(value: AnswerValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [str(value)]


class FlowMachine:
    """The compiled state machine of one flow."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.ids = step_ids(flow)
        self.index = {ident: position for position, ident in enumerate(self.ids)}
        self._most_after: dict[str, int] | None = None
        self._machine = Machine(
            model=None,
            states=[*self.ids, END],
            initial=self.ids[0],
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for position, step in enumerate(flow.steps):
            source = self.ids[position]
            branches = getattr(step, "branches", [])
            if branches:
                for branch in branches:
                    conditions: list[str | Callable[..., bool | None]] = []
                    if branch.when is not None:
                        predicate = compile_condition(branch.when, source)
                        conditions = [_on_answers(predicate)]
                    self._machine.add_transition(
                        "advance", source, branch.goto, conditions=conditions
                    )
            else:
                (target,) = successors(flow, position, self.ids)
                self._machine.add_transition("advance", source, target)

    def advance(self, conversation: HasState, answers: Mapping[str, AnswerValue]) -> str:
        """Move ``conversation`` along its first matching transition; return the new state."""
        moved = self._machine.events["advance"].trigger(conversation, answers=answers)
        if not moved:  # validate_flow guarantees a fallback; this guards against bugs only
            raise RuntimeError(f"flow {self.flow.id}: no transition from {conversation.state}")
        return conversation.state

    def default_path_from(self, state: str) -> list[str]:
        """Step ids from ``state`` (excluded) to the end, following fallbacks."""
        path: list[str] = []
        seen = {state}
        current = state
        while current != END:
            targets = successors(self.flow, self.index[current], self.ids)
            current = targets[-1]
            if current in seen:
                break
            seen.add(current)
            if current != END:
                path.append(current)
        return path

    def most_questions_after(self, state: str) -> int:
        """Questions on the longest path from ``state`` (excluded) to the end, over every branch
        (a loop back is not counted twice); computed once per flow, it is asked on every answer."""
        if self._most_after is None:
            self._most_after = {
                ident: self._longest(ident, frozenset({ident})) for ident in self.ids
            }
        return self._most_after[state]

    def _longest(self, state: str, on_path: frozenset[str]) -> int:
        best = 0
        for target in set(successors(self.flow, self.index[state], self.ids)):
            if target == END or target in on_path:
                continue
            own = 0 if isinstance(self.flow.steps[self.index[target]], InfoStep) else 1
            best = max(best, own + self._longest(target, on_path | {target}))
        return best

    def mermaid(self) -> str:
        """The flow as a Mermaid state diagram, for review."""
        lines = ["stateDiagram-v2", f"    [*] --> {_mermaid_id(self.ids[0])}"]
        for position, step in enumerate(self.flow.steps):
            source = _mermaid_id(self.ids[position])
            label = getattr(step, "kind", "")
            lines.append(f"    {source} : {self.ids[position]} ({label})")
            branches = getattr(step, "branches", [])
            if branches:
                for branch in branches:
                    text = _describe_condition(branch.when) if branch.when else "anders"
                    lines.append(f"    {source} --> {_mermaid_id(branch.goto)} : {text}")
            else:
                (target,) = successors(self.flow, position, self.ids)
                lines.append(f"    {source} --> {_mermaid_id(target)}")
        return "\n".join(lines) + "\n"


def _on_answers(predicate: Predicate) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        answers: Any = event.kwargs.get("answers", {})
        return predicate(answers)

    return condition


def _mermaid_id(ident: str) -> str:
    return "[*]" if ident == END else ident.replace("-", "_")


def _describe_condition(condition: Condition) -> str:
    data = condition.model_dump(by_alias=True, exclude_none=True)
    return ", ".join(f"{key} {value}" for key, value in data.items())
