"""Run conversations through flows: validate input, move state, say what happens next.

Pure: no Telegram, no database. A :class:`Conversation` is a small value that the storage layer
saves as ``state`` plus JSON data; :meth:`Engine.advance` takes it and one :data:`Input` and
returns a :data:`Outcome`. Info steps are passed through automatically and handed back as the
``preamble`` of the next question, so a conversation always rests on a question or on the end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot.engine.loader import Catalog
from bot.engine.machine import AnswerValue, FlowMachine
from bot.engine.schema import (
    END,
    ChoiceStep,
    Flow,
    InfoStep,
    MultiChoiceStep,
    Option,
    Question,
    ScaleStep,
    TextStep,
    YesNoStep,
    options_of,
)

# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Typed text."""

    text: str


@dataclass(frozen=True)
class Pick:
    """A tapped option (its value); on a multi_choice question it toggles the option."""

    value: str


@dataclass(frozen=True)
class Done:
    """Confirms the toggled options of a multi_choice question."""


@dataclass(frozen=True)
class Back:
    """``/terug``: return to the previous question."""


@dataclass(frozen=True)
class Skip:
    """``/overslaan``: leave this question unanswered."""


Input = Reply | Pick | Done | Back | Skip

# --- outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What the storage layer must write: ``value`` None means skipped."""

    question_id: str
    value: AnswerValue


@dataclass(frozen=True)
class NextQuestion:
    question: Question
    position: int
    total: int
    preamble: tuple[InfoStep, ...] = ()
    recorded: Recorded | None = None
    # Answers to delete (going back re-asks a question, so its stored answer is withdrawn).
    withdrawn: tuple[str, ...] = ()
    # The answer given before, shown when a question is asked again after /terug.
    previous: AnswerValue = None
    selected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Invalid:
    """The input does not fit the question; ``reason`` is a message key, ``params`` fill it."""

    question: Question
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finished:
    preamble: tuple[InfoStep, ...] = ()
    recorded: Recorded | None = None


Outcome = NextQuestion | Invalid | Finished

# --- conversation -----------------------------------------------------------------------------


@dataclass
class Conversation:
    flow_id: str
    state: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state == END

    def to_data(self) -> dict[str, Any]:
        return {"answers": self.answers, "history": self.history, "selected": self.selected}

    @classmethod
    def from_data(cls, flow_id: str, state: str, data: dict[str, Any] | None) -> Conversation:
        data = data or {}
        return cls(
            flow_id=flow_id,
            state=state,
            answers=dict(data.get("answers", {})),
            history=list(data.get("history", [])),
            selected=list(data.get("selected", [])),
        )


# --- engine -----------------------------------------------------------------------------------

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
MAX_NUMBER_DIGITS = 6


def clean_text(text: str) -> str:
    """Typed text without control or direction characters, then NFC (removing a character can
    undo normalisation, so it comes first), trimmed."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


def index_in(text: str, length: int) -> int | None:
    """``text`` as an index into a sequence of ``length`` items (button data), or None."""
    number = small_number(text)
    return number if number is not None and 0 <= number < length else None


def small_number(text: str) -> int | None:
    """A short plain number ('7', '-2'), or None: ``isdigit`` also accepts '²' and '①'."""
    digits = text.removeprefix("-")
    if (
        not digits
        or len(digits) > MAX_NUMBER_DIGITS
        or not (digits.isascii() and digits.isdecimal())
    ):
        return None
    return int(text)


class Engine:
    """Holds one compiled machine per flow, built once at start-up."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.machines = {
            flow_id: FlowMachine(loaded.flow) for flow_id, loaded in catalog.flows.items()
        }

    def flow(self, flow_id: str) -> Flow:
        return self.machines[flow_id].flow

    def digest(self, flow_id: str) -> str:
        return self.catalog.flows[flow_id].digest

    def start(self, flow_id: str) -> tuple[Conversation, NextQuestion | Finished]:
        machine = self.machines[flow_id]
        conversation = Conversation(flow_id=flow_id, state=machine.ids[0])
        return conversation, self._settle(conversation, machine, recorded=None)

    def current(self, conversation: Conversation) -> NextQuestion | Finished:
        """What to show a returning user; repairs a state that a changed flow no longer has."""
        machine = self.machines[conversation.flow_id]
        if conversation.state != END and conversation.state not in machine.index:
            conversation.history = [q for q in conversation.history if q in machine.index]
            conversation.answers = {
                q: v for q, v in conversation.answers.items() if q in machine.index
            }
            conversation.state = machine.ids[0]
            conversation.selected = []
            return self._settle(conversation, machine, recorded=None, skip_answered=True)
        if conversation.state == END:
            return Finished()
        return self._ask(conversation, machine)

    def advance(
        self, conversation: Conversation, given: Input, translate: Translate | None = None
    ) -> Outcome:
        """``translate`` gives an option label in the participant's language, so a typed answer
        matches the button text they see as well as the Dutch one."""
        machine = self.machines[conversation.flow_id]
        if conversation.state == END:
            return Finished()
        step = machine.flow.steps[machine.index[conversation.state]]
        assert not isinstance(step, InfoStep)  # _settle never rests on an info step
        if isinstance(given, Back):
            return self._back(conversation, machine, step)
        if isinstance(given, Skip):
            if step.required:
                return Invalid(step, "required")
            return self._record(conversation, machine, step, None)
        if isinstance(step, MultiChoiceStep) and isinstance(given, Pick | Done):
            return self._multi(conversation, machine, step, given)
        parsed = parse_answer(step, given, translate)
        if isinstance(parsed, Invalid):
            return parsed
        return self._record(conversation, machine, step, parsed)

    # -- internals ---------------------------------------------------------------------------

    def _record(
        self, conversation: Conversation, machine: FlowMachine, step: Question, value: AnswerValue
    ) -> Outcome:
        assert step.id is not None
        conversation.answers[step.id] = value
        conversation.history.append(step.id)
        conversation.selected = []
        machine.advance(conversation, conversation.answers)
        return self._settle(conversation, machine, Recorded(step.id, value))

    def _multi(
        self,
        conversation: Conversation,
        machine: FlowMachine,
        step: MultiChoiceStep,
        given: Pick | Done,
    ) -> Outcome:
        if isinstance(given, Pick):
            if given.value not in {option.value for option in step.options}:
                return Invalid(step, "stale_option")
            chosen = list(conversation.selected)
            exclusive = {option.value for option in step.options if option.exclusive}
            if given.value in chosen:
                chosen.remove(given.value)
            elif given.value in exclusive:
                chosen = [given.value]  # "Niets hiervan" clears the others
            else:
                chosen = [value for value in chosen if value not in exclusive]
                if step.max_choices is not None and len(chosen) >= step.max_choices:
                    return Invalid(step, "too_many", {"max": step.max_choices})
                chosen.append(given.value)
            conversation.selected = chosen
            return self._ask(conversation, machine)
        checked = _check_count(step, list(conversation.selected))
        if isinstance(checked, Invalid):
            return checked
        ordered = [option.value for option in step.options if option.value in checked]
        return self._record(conversation, machine, step, ordered)

    def _back(self, conversation: Conversation, machine: FlowMachine, step: Question) -> Outcome:
        if not conversation.history:
            return Invalid(step, "no_previous")
        previous_id = conversation.history.pop()
        previous = conversation.answers.pop(previous_id, None)
        conversation.state = previous_id
        # Back at a multiple choice: the earlier choices are ticked again, ready to change.
        back_at = machine.flow.steps[machine.index[previous_id]]
        multi = isinstance(back_at, MultiChoiceStep) and isinstance(previous, list)
        conversation.selected = list(previous) if isinstance(previous, list) and multi else []
        asked = self._ask(conversation, machine)
        return NextQuestion(
            asked.question,
            asked.position,
            asked.total,
            withdrawn=(previous_id,),
            previous=previous,
            selected=asked.selected,
        )

    def _settle(
        self,
        conversation: Conversation,
        machine: FlowMachine,
        recorded: Recorded | None,
        skip_answered: bool = False,
    ) -> NextQuestion | Finished:
        """Pass through info steps (and, when repairing, answered questions) to a resting state."""
        preamble: list[InfoStep] = []
        while conversation.state != END:
            step = machine.flow.steps[machine.index[conversation.state]]
            if isinstance(step, InfoStep):
                preamble.append(step)
            elif skip_answered and step.id in conversation.answers:
                if step.id not in conversation.history:
                    conversation.history.append(step.id)
            else:
                asked = self._ask(conversation, machine)
                return NextQuestion(
                    asked.question,
                    asked.position,
                    asked.total,
                    preamble=tuple(preamble),
                    recorded=recorded,
                )
            machine.advance(conversation, conversation.answers)
        return Finished(preamble=tuple(preamble), recorded=recorded)

    def _ask(self, conversation: Conversation, machine: FlowMachine) -> NextQuestion:
        step = machine.flow.steps[machine.index[conversation.state]]
        assert not isinstance(step, InfoStep)
        position = len(conversation.history) + 1
        # The longest path still possible: the total can only shrink as answers rule branches
        # out, never grow ("Vraag 10 van 10" followed by "Vraag 11 van 11").
        remaining = machine.most_questions_after(conversation.state)
        return NextQuestion(
            step, position, position + remaining, selected=tuple(conversation.selected)
        )


# --- parsing ----------------------------------------------------------------------------------

_YES = {"ja", "j", "yes", "y", "jawel", "evet", "tak", "نعم"}
_NO = {"nee", "n", "no", "neen", "hayır", "hayir", "nie", "لا"}


Translate = Callable[[str], str]
"""A Dutch flow string (an option label) in the participant's language."""


def parse_answer(
    step: Question, given: Reply | Pick | Done, translate: Translate | None = None
) -> AnswerValue | Invalid:
    """Validate one input against a question; return the value to store or why it is invalid."""
    if isinstance(given, Done):
        return Invalid(step, "stale_option")
    if isinstance(step, TextStep):
        if isinstance(given, Pick):
            return Invalid(step, "type_answer")
        text = clean_text(given.text)
        if not text:
            return Invalid(step, "empty")
        if len(text) > step.max_length:
            return Invalid(step, "too_long", {"max": step.max_length, "length": len(text)})
        return text
    if isinstance(step, ScaleStep):
        raw = given.value if isinstance(given, Pick) else clean_text(given.text)
        number = small_number(raw)
        if number is not None and step.min <= number <= step.max:
            return number
        return Invalid(step, "scale_range", {"min": step.min, "max": step.max})
    options = options_of(step)
    values = [option.value for option in options]
    if isinstance(given, Pick):
        return given.value if given.value in values else Invalid(step, "stale_option")
    text = clean_text(given.text)
    if isinstance(step, MultiChoiceStep):
        chosen = [
            _match_option(part, options, translate)
            for part in re.split(r"[,;\n]+", text)
            if part.strip()
        ]
        if not chosen or any(choice is None for choice in chosen):
            return Invalid(step, "choose_options")
        unique = [value for value in values if value in chosen]
        exclusive = [option for option in step.options if option.exclusive]
        if len(unique) > 1 and any(option.value in unique for option in exclusive):
            alone = next(option for option in exclusive if option.value in unique)
            return Invalid(step, "exclusive", {"option": alone.label})
        return _check_count(step, unique)
    if isinstance(step, YesNoStep):
        word = text.casefold().rstrip("!.")
        if word in _YES:
            return "ja"
        if word in _NO:
            return "nee"
    assert isinstance(step, ChoiceStep | YesNoStep)
    matched = _match_option(text, options, translate)
    return matched if matched is not None else Invalid(step, "choose_option")


# Typed option text within this similarity (0-100) of exactly one label counts as that option:
# "soms wel" for "Soms", "vaak" for "Vaak", "sik sik" for "Sık sık"; a tie is no match.
FUZZY_CUTOFF = 85


def fold(text: str) -> str:
    """Case- and accent-insensitive form ("Sık sık" and "sik sik" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", kept).split())


def _option_names(option: Option, translate: Translate | None) -> set[str]:
    names = {option.value, option.label, option.button}
    if translate is not None:
        names |= {translate(option.label), translate(option.button)}
    return {folded for folded in map(fold, names) if folded}


def _match_option(
    text: str, options: Sequence[Option], translate: Translate | None = None
) -> str | None:
    """The option a typed answer means: its number, its label (Dutch or translated, any case or
    accents), or a close misspelling of exactly one label."""
    number = small_number(text.strip().rstrip("."))
    if number is not None:
        return str(options[number - 1].value) if 1 <= number <= len(options) else None
    typed = fold(text)
    if not typed:
        return None
    names = {option.value: _option_names(option, translate) for option in options}
    exact = [value for value, folded in names.items() if typed in folded]
    if len(exact) == 1:
        return exact[0]
    choices = {(value, name): name for value, folded in names.items() for name in folded}
    scored = process.extract(typed, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2)
    if not scored:
        return None
    best_value = scored[0][2][0]
    if len(scored) > 1 and scored[1][2][0] != best_value and scored[1][1] == scored[0][1]:
        return None  # equally close to two options: ask again rather than guess
    return str(best_value)


def _check_count(step: MultiChoiceStep, chosen: list[str]) -> list[str] | Invalid:
    if len(chosen) < step.min_choices:
        return Invalid(step, "too_few", {"min": step.min_choices})
    if step.max_choices is not None and len(chosen) > step.max_choices:
        return Invalid(step, "too_many", {"max": step.max_choices})
    return chosen


__all__ = [
    "Back",
    "Conversation",
    "Done",
    "Engine",
    "Finished",
    "Input",
    "Invalid",
    "NextQuestion",
    "Pick",
    "Recorded",
    "Reply",
    "Skip",
    "clean_text",
    "fold",
    "parse_answer",
]
