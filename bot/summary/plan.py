"""The werkgroep's plan: per step the doel and resultaat, per question what members said
(attributed), the agreed answer, and the voice of jongeren and ouders (the step's summary).

Members are professionals whose contributions are attributed by name and organisation on
purpose; jongeren and ouders appear only through the suppressed summary. A contribution in which
the crisis detector hears a disclosure ("ik wil dood") is withheld, as a participant's
crisis-flagged answer is never quoted: the plan counts it without a name (``withheld``); the
member got the help lines when they typed it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import Catalog
from bot.engine.schema import Audience, Flow, Question, ScaleStep, options_of
from bot.privacy.crisis import detect_crisis
from bot.privacy.disclosure import validate_k
from bot.summary.build import collect, load_werkgroep, questions_of
from bot.summary.errors import SummaryError, UnknownStep
from bot.summary.model import StepSummary, Summary
from storage import Session, repo, rounds
from storage.models import AgreedAnswer, Contribution, Member, Werkgroep

__all__ = [
    "MethodsNote",
    "Plan",
    "PlanContribution",
    "PlanQuestion",
    "PlanRound",
    "PlanStep",
    "build_plan",
    "collect_plan",
    "record_agreed_answer",
]


@dataclass(frozen=True, slots=True)
class PlanContribution:
    member: str
    organisation: str | None
    answer: str


@dataclass(frozen=True, slots=True)
class PlanRound:
    """What the werkgroep said and agreed on a question in one round (and for one aanpak)."""

    round: int
    subject: str  # the aanpak or interventie of step 5; "" for none
    contributions: tuple[PlanContribution, ...]
    agreed: str | None
    agreed_by: str | None
    withheld: int = 0  # contributions left out because they read as a disclosure


@dataclass(frozen=True, slots=True)
class PlanQuestion:
    question_id: str
    text: str
    # The latest round's contributions and the latest agreed answer (any round).
    contributions: tuple[PlanContribution, ...]
    agreed: str | None
    agreed_by: str | None
    discuss_input: bool = False
    rounds: tuple[PlanRound, ...] = ()  # oldest first

    @property
    def agreed_round(self) -> int | None:
        """The round of :attr:`agreed` (the newest round with an agreed answer)."""
        found = [r.round for r in self.rounds if r.agreed and not r.subject]
        return max(found) if found else None


@dataclass(frozen=True, slots=True)
class PlanStep:
    key: str
    number: str
    title: str
    doel: str
    resultaat: str
    vragen_vooraf: tuple[str, ...]
    questions: tuple[PlanQuestion, ...]
    voice: StepSummary | None
    # Audiences (jongeren, ouders) the step has a consultation flow for: asked or not.
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodsNote:
    """How the voice of jongeren and ouders was gathered, for the reader of the plan."""

    k: int
    period: tuple[str, str] | None  # months, "2024-03"
    # Participations shown in the plan per audience (a person in two steps counts twice);
    # groups hidden as too small are not added in, so the sums reveal nothing hidden.
    participants: Mapping[str, int]
    rounds: int


@dataclass(frozen=True, slots=True)
class Plan:
    werkgroep_id: str
    werkgroep_name: str
    template_id: str
    template_title: str
    source: str | None
    steps: tuple[PlanStep, ...]
    methods: MethodsNote
    summary: Summary


def format_value(value: Any, step: Question | None) -> str:
    """A member's stored answer as text: option labels instead of option values."""
    labels = {option.value: option.label for option in options_of(step)} if step else {}
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if isinstance(value, int) and isinstance(step, ScaleStep):
        return f"{value} ({step.min}–{step.max})"
    return labels.get(str(value), str(value))


def _werkgroep_flows(catalog: Catalog, template: str, step: str) -> list[Flow]:
    return [
        flow for flow in catalog.flows_for(template, step) if flow.audience == Audience.WERKGROEP
    ]


Key = tuple[str, str]  # (step, question)


async def _contributions(
    session: Session, werkgroep_id: str
) -> dict[Key, list[tuple[Contribution, Member]]]:
    grouped: dict[Key, list[tuple[Contribution, Member]]] = defaultdict(list)
    for contribution, member in await rounds.contributions(session, werkgroep_id):
        grouped[(contribution.step_key, contribution.question_id)].append((contribution, member))
    return grouped


async def _agreed(session: Session, werkgroep_id: str) -> dict[Key, list[AgreedAnswer]]:
    grouped: dict[Key, list[AgreedAnswer]] = defaultdict(list)
    for row in await rounds.agreed_answers(session, werkgroep_id):
        grouped[(row.step_key, row.question_id)].append(row)
    return grouped


def _methods(summary: Summary) -> MethodsNote:
    months: list[str] = []
    participants: dict[str, int] = defaultdict(int)
    rounds = 0
    for step in summary.steps:
        for round_ in step.rounds:
            rounds += 1
            if round_.period:
                months.extend(round_.period)
            for audience in round_.audiences:
                if audience.participants.count:
                    participants[audience.audience] += audience.participants.count
    period = (min(months), max(months)) if months else None
    return MethodsNote(k=summary.k, period=period, participants=dict(participants), rounds=rounds)


async def collect_plan(
    session: Session,
    catalog: Catalog,
    werkgroep: Werkgroep,
    k: int,
    rng: random.Random,
) -> Plan:
    """The plan without an audit entry (the caller writes one for what it does with it)."""
    template = catalog.templates.get(werkgroep.template_id)
    if template is None:
        raise SummaryError(f"plan template {werkgroep.template_id!r} is not in the flows")
    summary = await collect(session, catalog, werkgroep, k, rng)
    contributions = await _contributions(session, werkgroep.id)
    agreed = await _agreed(session, werkgroep.id)
    steps = []
    for step in template.steps:
        questions: list[PlanQuestion] = []
        seen: set[str] = set()
        for flow in _werkgroep_flows(catalog, template.id, step.key):
            for question in questions_of(flow):
                if question.id is None or question.id in seen:
                    continue
                seen.add(question.id)
                questions.append(
                    _plan_question(step.key, question.id, question, contributions, agreed)
                )
        # Answers to questions that were since removed from the flow stay in the plan.
        for step_key, question_id in sorted(set(contributions) | set(agreed)):
            if step_key == step.key and question_id not in seen:
                seen.add(question_id)
                questions.append(_plan_question(step.key, question_id, None, contributions, agreed))
        steps.append(
            PlanStep(
                key=step.key,
                number=step.number,
                title=step.title,
                doel=step.doel,
                resultaat=step.resultaat,
                vragen_vooraf=tuple(step.vragen_vooraf),
                questions=tuple(questions),
                voice=summary.step(step.key),
                audiences=tuple(
                    sorted(
                        {
                            str(flow.audience)
                            for flow in catalog.flows_for(template.id, step.key)
                            if flow.audience != Audience.WERKGROEP
                        }
                    )
                ),
            )
        )
    return Plan(
        werkgroep_id=werkgroep.id,
        werkgroep_name=werkgroep.naam,
        template_id=template.id,
        template_title=template.title,
        source=template.source,
        steps=tuple(steps),
        methods=_methods(summary),
        summary=summary,
    )


def _plan_question(
    step_key: str,
    question_id: str,
    question: Question | None,
    contributions: Mapping[Key, Iterable[tuple[Contribution, Member]]],
    agreed: Mapping[Key, Iterable[AgreedAnswer]],
) -> PlanQuestion:
    given: dict[tuple[int, str], list[PlanContribution]] = defaultdict(list)
    withheld: dict[tuple[int, str], int] = defaultdict(int)
    for contribution, member in contributions.get((step_key, question_id), ()):
        where = (contribution.round, contribution.subject)
        value = contribution.value.get("value")
        if isinstance(value, str) and detect_crisis(value, (member.locale or "nl",)):
            withheld[where] += 1
            continue
        given[where].append(
            PlanContribution(
                member=member.name or "(naam onbekend)",
                organisation=member.organisation,
                answer=format_value(value, question),
            )
        )
    decided = {(row.round, row.subject): row for row in agreed.get((step_key, question_id), ())}
    per_round = tuple(
        PlanRound(
            round=number,
            subject=subject,
            contributions=tuple(given.get((number, subject), ())),
            withheld=withheld.get((number, subject), 0),
            agreed=decided[(number, subject)].text if (number, subject) in decided else None,
            agreed_by=(
                decided[(number, subject)].recorded_by if (number, subject) in decided else None
            ),
        )
        for number, subject in sorted(set(given) | set(withheld) | set(decided))
    )
    plain = [r for r in per_round if not r.subject]
    latest_agreed = next((r for r in reversed(plain) if r.agreed), None)
    latest = plain[-1] if plain else None
    return PlanQuestion(
        question_id=question_id,
        text=question.text if question is not None else "(vraag staat niet meer in de stap)",
        contributions=latest.contributions if latest is not None else (),
        agreed=latest_agreed.agreed if latest_agreed else None,
        agreed_by=latest_agreed.agreed_by if latest_agreed else None,
        discuss_input=bool(question is not None and question.discuss_input),
        rounds=per_round,
    )


async def build_plan(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    k: int,
    *,
    rng: random.Random | None = None,
    actor: str = "system",
) -> Plan:
    """The werkgroep's plan; writes an audit entry. Commit afterwards (releases may be new)."""
    k = validate_k(k)
    werkgroep = await load_werkgroep(session, werkgroep_id)
    plan = await collect_plan(session, catalog, werkgroep, k, rng or random.Random())
    await repo.audit(session, actor, "plan", werkgroep_id)
    return plan


async def record_agreed_answer(
    session: Session,
    werkgroep_id: str,
    step_key: str,
    question_id: str,
    text: str,
    recorded_by: str | None,
    *,
    catalog: Catalog | None = None,
    actor: str | None = None,
    round_number: int | None = None,
    subject: str = "",
) -> AgreedAnswer | None:
    """Record (or replace) the werkgroep's agreed answer to a question; blank text removes it.

    The answer belongs to ``round_number`` (default: the step's current round) and, for step
    5, to the aanpak ``subject``. With ``catalog`` the step is checked against the
    werkgroep's template (UnknownStep). Writes an audit entry (without the text: the plan
    holds it).
    """
    werkgroep = await load_werkgroep(session, werkgroep_id)
    if catalog is not None:
        template = catalog.templates.get(werkgroep.template_id)
        keys = [step.key for step in template.steps] if template else []
        if step_key not in keys:
            raise UnknownStep(step_key, keys)
    if round_number is None:
        round_number = await rounds.current_round(session, werkgroep_id, step_key)
    cleaned = text.strip()
    who = actor or recorded_by or "system"
    stored = await rounds.record_agreed(
        session,
        werkgroep_id,
        step_key,
        question_id,
        cleaned or None,
        recorded_by,
        round_number=round_number,
        subject=subject.strip(),
    )
    action = "agreed_answer" if stored is not None else "agreed_answer.removed"
    await repo.audit(
        session, who, action, werkgroep_id, step=step_key, question=question_id, round=round_number
    )
    return stored
