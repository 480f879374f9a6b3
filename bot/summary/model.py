"""What a samenvatting holds, after disclosure control: small frozen dataclasses.

Every count is a :class:`~bot.privacy.disclosure.Cell` (a number, or hidden with the reason
"te weinig antwoorden"); renderers never see a raw count that was suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.privacy.disclosure import Cell

__all__ = [
    "AudienceSummary",
    "Cell",
    "QuestionSummary",
    "RoundSummary",
    "Row",
    "StepSummary",
    "Summary",
]

AUDIENCES = ("jongeren", "ouders")
"""The participant audiences, in the order they are shown."""

NO_LABEL = ""
"""The label key of campaigns without a label."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a distribution: an option, a scale point or a theme."""

    key: str
    label: str
    cell: Cell
    # Share of the question's respondents; None when the count or the base is hidden.
    share: float | None


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    question_id: str
    label: str
    kind: str  # choice | multi_choice | yes_no | scale | text
    respondents: Cell
    rows: tuple[Row, ...]
    themes: bool = False  # rows are themes of free-text answers
    segment: bool = False  # a coarse breakdown question such as an age band
    quotes: tuple[str, ...] = ()
    # Most frequent words of answers no theme matched, each in at least k answers.
    unmatched_words: tuple[str, ...] = ()
    # A yes/no that only decides whether a follow-up question comes ("Wil je nog iets
    # vertellen?"): the report leaves it out, the follow-up carries the content.
    routing: bool = False


@dataclass(frozen=True, slots=True)
class AudienceSummary:
    audience: str
    participants: Cell
    completed: Cell
    partial: Cell
    # Answers that carried a crisis signal (never whose).
    crisis: Cell
    questions: tuple[QuestionSummary, ...]
    # Participants per campaign label (key "" for campaigns without one): the breakdown
    # audience × label. Only these cells and the audience total are shown, never a total
    # over audiences: with the other audience's per-question counts it would give away a
    # hidden audience total.
    labels: tuple[tuple[str, Cell], ...] = ()

    def question(self, question_id: str) -> QuestionSummary | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    round: int
    audiences: tuple[AudienceSummary, ...]
    # First and last month with answers ("2024-03"), never days.
    period: tuple[str, str] | None

    def audience(self, audience: str) -> AudienceSummary | None:
        return next((a for a in self.audiences if a.audience == audience), None)


@dataclass(frozen=True, slots=True)
class StepSummary:
    step_key: str
    number: str
    title: str
    rounds: tuple[RoundSummary, ...]  # newest first; the previous round for comparison

    @property
    def latest(self) -> RoundSummary | None:
        return self.rounds[0] if self.rounds else None

    @property
    def previous(self) -> RoundSummary | None:
        return self.rounds[1] if len(self.rounds) > 1 else None


@dataclass(frozen=True, slots=True)
class Summary:
    werkgroep_id: str
    werkgroep_name: str
    template_id: str
    template_title: str
    k: int
    steps: tuple[StepSummary, ...]

    def step(self, step_key: str) -> StepSummary | None:
        return next((s for s in self.steps if s.step_key == step_key), None)
