"""The flow schema: what a YAML flow file may contain.

A file under ``flows/`` holds either a *plan template* (``kind: template``: the ordered steps of
an NJi stappenplan with doel, resultaat and belangrijke vragen vooraf) or a *flow* (``kind: flow``:
the questions one audience answers for one step). Models forbid unknown fields so a typo is an
error, not a silently ignored key. Graph rules (ids, goto targets, reachability, fallbacks) live
in :mod:`bot.engine.validate`, in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

END = "end"
"""The ``goto`` target that finishes a flow."""

STEP_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
FLOW_ID_PATTERN = r"^[a-z0-9][a-z0-9.-]{0,47}$"


class Audience(StrEnum):
    WERKGROEP = "werkgroep"
    JONGEREN = "jongeren"
    OUDERS = "ouders"

    @property
    def is_participant(self) -> bool:
        return self is not Audience.WERKGROEP


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Strict):
    title: str
    url: str | None = None


class Condition(_Strict):
    """A test on an answer, written as data so YAML never names Python code.

    Exactly one operator is set. ``question`` defaults to the step that carries the branch.
    """

    question: str | None = None
    equals: str | int | None = None
    any_of: list[str] | None = Field(default=None, alias="in")
    contains: str | None = None
    gte: int | None = None
    lte: int | None = None
    answered: bool | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        operators = [
            name
            for name in ("equals", "any_of", "contains", "gte", "lte", "answered")
            if getattr(self, name) is not None
        ]
        if len(operators) != 1:
            raise ValueError(
                "a condition needs exactly one of: equals, in, contains, gte, lte, answered"
            )
        return self


class Branch(_Strict):
    """``if`` absent means: the fallback, taken when no earlier branch matched."""

    when: Condition | None = Field(default=None, alias="if")
    goto: str
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _StepBase(_Strict):
    id: str | None = Field(default=None, pattern=STEP_ID_PATTERN)
    text: str = Field(min_length=1)
    next: str | None = None


class _QuestionBase(_StepBase):
    required: bool = False
    tips: list[str] = Field(default_factory=list)
    # Examples from the worksheet itself (e.g. gemeente Velsen's answers).
    examples: list[str] = Field(default_factory=list)
    # Examples written for this bot, shown apart as "Voorbeeld (bedacht)" so nobody takes them
    # for the worksheet's own.
    invented_examples: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    branches: list[Branch] = Field(default_factory=list)
    summary_label: str | None = None
    # True on the question where the werkgroep discusses what jongeren and ouders said.
    discuss_input: bool = False
    # With discuss_input: the participant questions (ids in the step's jongeren and ouders
    # flows) whose figures /vastleggen shows first; empty: those with this question's own id.
    input_questions: list[str] = Field(default_factory=list)
    # A coarse segment question (age band, role): used as a breakdown dimension in summaries.
    segment: bool = False
    # About the participant's own life (money at home, how they feel): a choice question then
    # offers "Zeg ik liever niet" (value ``geen``), exclusive in a multi_choice.
    sensitive: bool = False


BUTTON_LABEL_MAX = 40
"""Telegram cuts longer inline-button labels mid-word on a phone; longer options need ``short``."""


class Option(_Strict):
    value: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,23}$")
    label: str = Field(min_length=1)
    explanation: str | None = None
    # The button text when ``label`` is too long for a button; the message shows the full label.
    short: str | None = Field(default=None, min_length=1, max_length=BUTTON_LABEL_MAX)
    # Ticking this option ("Niets hiervan", "Weet ik niet") clears the others, and the reverse.
    exclusive: bool = False

    @property
    def button(self) -> str:
        return self.short or self.label


class InfoStep(_StepBase):
    kind: Literal["info"]
    title: str | None = None
    links: list[Link] = Field(default_factory=list)


class TextStep(_QuestionBase):
    kind: Literal["text"]
    max_length: int = Field(default=2000, ge=1, le=4000)
    themes: bool = False


class ChoiceStep(_QuestionBase):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2)


class MultiChoiceStep(_QuestionBase):
    kind: Literal["multi_choice"]
    options: list[Option] = Field(min_length=2)
    min_choices: int = Field(default=1, ge=0)
    max_choices: int | None = Field(default=None, ge=1)


class ScaleStep(_QuestionBase):
    kind: Literal["scale"]
    min: int = 1
    max: int = 5
    min_label: str | None = None
    max_label: str | None = None

    @model_validator(mode="after")
    def _range(self) -> ScaleStep:
        if not self.min < self.max or self.max - self.min > 10:
            raise ValueError("a scale needs min < max and at most 11 points")
        return self


class YesNoStep(_QuestionBase):
    kind: Literal["yes_no"]


Step = Annotated[
    InfoStep | TextStep | ChoiceStep | MultiChoiceStep | ScaleStep | YesNoStep,
    Field(discriminator="kind"),
]
Question = TextStep | ChoiceStep | MultiChoiceStep | ScaleStep | YesNoStep
DECLINE_VALUE = "geen"
"""The option value of "Zeg ik liever niet" in every flow."""
NO_NAMES = "Noem geen namen"
"""What every free-text question of jongeren and ouders says in the question itself."""
ChoiceLike = ChoiceStep | MultiChoiceStep | YesNoStep

YES_NO_OPTIONS: tuple[Option, ...] = (
    Option(value="ja", label="Ja"),
    Option(value="nee", label="Nee"),
)


def options_of(step: Question) -> tuple[Option, ...]:
    if isinstance(step, YesNoStep):
        return YES_NO_OPTIONS
    if isinstance(step, ChoiceStep | MultiChoiceStep):
        return tuple(step.options)
    return ()


class PlanRef(_Strict):
    template: str
    step: str


class Flow(_Strict):
    kind: Literal["flow"]
    id: str = Field(pattern=FLOW_ID_PATTERN)
    title: str
    audience: Audience
    plan: PlanRef
    description: str | None = None
    # The round a learning-cycle consultation compares against is chosen by the campaign, so
    # a flow only says whether it is meant to be repeated.
    periodic: bool = False
    # Words a campaign fills in, per placeholder name: ``{regelingen}`` in a question's text
    # becomes the local schemes the werkgroep named (``--regelingen``), else this default text.
    placeholders: dict[str, str] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _placeholders_declared(self) -> Flow:
        for name in self.placeholders:
            if name not in PLACEHOLDERS:
                raise ValueError(
                    f"unknown placeholder {name!r}; a campaign fills only: {', '.join(PLACEHOLDERS)}"
                )
        for step in self.steps:
            if getattr(step, "input_questions", None) and not getattr(step, "discuss_input", False):
                raise ValueError(f"step {step.id!r}: input_questions needs discuss_input: true")
            names = PLACEHOLDER.findall(step.text)
            if names and isinstance(step, InfoStep):
                raise ValueError(
                    f"only questions can use a placeholder, not info text {{{names[0]}}}"
                )
            for name in names:
                if name not in self.placeholders:
                    raise ValueError(
                        f"step {step.id or step.text[:30]!r} uses {{{name}}}; declare it under "
                        f"placeholders with a default text"
                    )
        return self


PLACEHOLDER = re.compile(r"\{([a-z]+)\}")
"""A placeholder in a question's text, such as ``{regelingen}``."""
PLACEHOLDERS = ("regelingen",)
"""The placeholders a campaign can fill."""


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each declared ``{name}`` replaced by its value (others left alone)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class TemplateStep(_Strict):
    key: str = Field(pattern=STEP_ID_PATTERN)
    number: str
    title: str
    doel: str
    resultaat: str
    vragen_vooraf: list[str] = Field(default_factory=list)
    periodic: bool = False


class PlanTemplate(_Strict):
    kind: Literal["template"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    title: str
    description: str | None = None
    source: str | None = None
    steps: list[TemplateStep] = Field(min_length=1)


class Theme(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    label: str
    # Words and short phrases; matched after Dutch stemming, so one form per word is enough.
    words: list[str] = Field(min_length=1)
    # Keywords in the other languages participants answer in ("en", "tr", "ar", "pl"): matched
    # as written (case and accents folded; "x*" for inflected forms), never stemmed as Dutch.
    words_by_language: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], list[str]] = Field(
        default_factory=dict
    )
    # A frame around any topic (shame, waiting, discrimination, a say, online danger): answers
    # in it name the topic too ("ik schaam me voor ons huis"), so its words weigh 1.5 times
    # when the main theme is chosen.
    frame: bool = False


class Taxonomy(_Strict):
    """Themes used to tag free-text answers of jongeren and ouders in the summary."""

    kind: Literal["taxonomy"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    # The plan templates this taxonomy serves; empty means: every template without its own.
    templates: list[str] = Field(default_factory=list)
    themes: list[Theme] = Field(min_length=1)


AnyFile = Annotated[Flow | PlanTemplate | Taxonomy, Field(discriminator="kind")]
