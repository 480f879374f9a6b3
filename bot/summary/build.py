"""Build the samenvatting of a werkgroep: per step, per round, per audience, after suppression.

The caller owns the transaction: building may store new releases (``summary_releases``) and
always writes an audit entry, so commit afterwards.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bot.engine import Catalog
from bot.engine.schema import (
    Flow,
    InfoStep,
    PlanTemplate,
    Question,
    ScaleStep,
    TextStep,
    YesNoStep,
    options_of,
)
from bot.i18n import N_
from bot.privacy.disclosure import OTHER_ANSWERS, validate_k
from bot.summary.errors import UnknownStep, UnknownWerkgroep
from bot.summary.figures import (
    Payload,
    QuestionSpec,
    Unit,
    compute_unit,
    decode_cell,
    gate_open,
    reuse,
)
from bot.summary.matchers import matcher_for
from bot.summary.model import (
    AudienceSummary,
    QuestionSummary,
    RoundSummary,
    Row,
    StepSummary,
    Summary,
)
from bot.summary.quotes import showable_quotes
from bot.summary.themes import OVERIG, ThemeMatcher
from storage import Session, repo
from storage import summary as queries
from storage.models import Werkgroep
from storage.summary import CampaignRow

__all__ = [
    "build_summary",
    "collect",
    "discussion_input",
    "load_werkgroep",
    "question_kind",
    "questions_of",
]

OTHER_ANSWERS_LABEL = N_("Andere antwoorden")  # small options put together before suppression
ROUNDS_SHOWN = 2  # the newest round next to the previous one (learning cycle)


def questions_of(flow: Flow) -> list[Question]:
    return [step for step in flow.steps if not isinstance(step, InfoStep)]


def question_kind(step: Question) -> str:
    return str(step.kind)


def _spec(step: Question, matcher: ThemeMatcher | None) -> QuestionSpec:
    assert step.id is not None  # validated: every question has an id
    if isinstance(step, ScaleStep):
        keys = tuple(str(n) for n in range(step.min, step.max + 1))
    else:
        keys = tuple(option.value for option in options_of(step))
    themes = isinstance(step, TextStep) and step.themes and matcher is not None
    gates = tuple(
        (str(branch.when.equals), branch.goto)
        for branch in step.branches
        if branch.when is not None and branch.when.equals is not None
    )
    return QuestionSpec(id=step.id, kind=question_kind(step), keys=keys, themes=themes, gates=gates)


class _Context:
    """What building needs besides the database: catalog look-ups for one werkgroep."""

    def __init__(self, catalog: Catalog, werkgroep: Werkgroep) -> None:
        self.catalog = catalog
        self.werkgroep = werkgroep
        self.template: PlanTemplate | None = catalog.templates.get(werkgroep.template_id)
        taxonomy = catalog.taxonomy_for(werkgroep.template_id)
        self.matcher = matcher_for(taxonomy) if taxonomy is not None else None

    def flow(self, campaign: CampaignRow) -> Flow | None:
        loaded = self.catalog.flows.get(campaign.flow_id)
        if loaded is not None:
            return loaded.flow
        # A renamed flow file: fall back to the template step's flow for that audience.
        return self.catalog.flow_for(
            self.werkgroep.template_id, campaign.step_key, campaign.audience
        )

    def flows(self, campaigns: Sequence[CampaignRow]) -> dict[str, Flow]:
        flows: dict[str, Flow] = {}
        for campaign in campaigns:
            flow = self.flow(campaign)
            if flow is not None:
                flows.setdefault(campaign.audience, flow)
        return flows

    def unit(self, step_key: str, round_number: int, campaigns: Sequence[CampaignRow]) -> Unit:
        questions = {
            audience: tuple(_spec(step, self.matcher) for step in questions_of(flow))
            for audience, flow in self.flows(campaigns).items()
        }
        theme_keys = tuple(self.matcher.labels) if self.matcher is not None else ()
        return Unit(step_key, round_number, tuple(campaigns), questions, theme_keys, self.matcher)

    def step_keys(self) -> list[str]:
        return [step.key for step in self.template.steps] if self.template else []

    def step_heading(self, step_key: str) -> tuple[str, str]:
        for step in self.template.steps if self.template else ():
            if step.key == step_key:
                return step.number, step.title
        return "", step_key


async def load_werkgroep(session: Session, werkgroep_id: str) -> Werkgroep:
    werkgroep = await queries.werkgroep(session, werkgroep_id)
    if werkgroep is None:
        raise UnknownWerkgroep(werkgroep_id)
    return werkgroep


def _rounds(campaigns: Sequence[CampaignRow], round_number: int | None) -> list[int]:
    rounds = sorted({c.round for c in campaigns}, reverse=True)
    if round_number is not None:
        rounds = [r for r in rounds if r <= round_number]
    return rounds[:ROUNDS_SHOWN]


async def collect(
    session: Session,
    catalog: Catalog,
    werkgroep: Werkgroep,
    k: int,
    rng: random.Random,
    step: str | None = None,
    round_number: int | None = None,
) -> Summary:
    """The summary of ``werkgroep``, releasing new figures where the gate allows."""
    context = _Context(catalog, werkgroep)
    known = context.step_keys()
    campaigns = [
        c
        for c in await queries.scope_campaigns(session, werkgroep.id, step)
        if c.audience != "werkgroep"
    ]
    if step is not None and step not in known and not campaigns:
        raise UnknownStep(step, known)
    by_step: dict[str, list[CampaignRow]] = defaultdict(list)
    for campaign in campaigns:
        by_step[campaign.step_key].append(campaign)
    if step is not None:
        order = [step]
    else:
        order = [key for key in known if key in by_step]
        order += sorted(key for key in by_step if key not in known)

    units: dict[str, list[Unit]] = {}
    for step_key in order:
        step_campaigns = by_step.get(step_key, [])
        units[step_key] = [
            context.unit(step_key, r, [c for c in step_campaigns if c.round == r])
            for r in _rounds(step_campaigns, round_number)
        ]
    everything = [unit for step_units in units.values() for unit in step_units]
    payloads = await _release(session, werkgroep.id, everything, k, rng)

    steps = []
    for step_key in order:
        number, title = context.step_heading(step_key)
        rounds = tuple(
            _round_summary(context, unit, payloads[unit.scope]) for unit in units[step_key]
        )
        steps.append(StepSummary(step_key=step_key, number=number, title=title, rounds=rounds))
    return Summary(
        werkgroep_id=werkgroep.id,
        werkgroep_name=werkgroep.naam,
        template_id=werkgroep.template_id,
        template_title=context.template.title if context.template else werkgroep.template_id,
        k=k,
        steps=tuple(steps),
    )


async def _release(
    session: Session, werkgroep_id: str, units: Sequence[Unit], k: int, rng: random.Random
) -> dict[str, Payload]:
    """The payload to show per unit: the stored release, or a new one when the gate opens."""
    campaign_ids = [campaign.id for unit in units for campaign in unit.campaigns]
    counts = await queries.participant_counts(session, campaign_ids)
    stored = await queries.load_releases(session, werkgroep_id, [unit.scope for unit in units])
    payloads: dict[str, Payload] = {}
    for unit in units:
        previous = stored.get(unit.scope)
        participants = unit.participants(counts)
        if previous is not None and not gate_open(previous, participants, k):
            shown = reuse(previous, k)
            if shown is not previous:
                # k changed: the release is tightened, never recomputed, and stored so.
                await queries.save_release(
                    session, werkgroep_id, unit.scope, int(shown["base"]), shown
                )
            payloads[unit.scope] = shown
            continue
        payload = await compute_unit(session, unit, counts, previous, k, rng)
        await queries.save_release(session, werkgroep_id, unit.scope, participants, payload)
        payloads[unit.scope] = payload
    return payloads


def _round_summary(context: _Context, unit: Unit, payload: Payload) -> RoundSummary:
    flows = context.flows(unit.campaigns)
    audiences = []
    for audience, data in payload["audiences"].items():
        flow = flows.get(audience)
        questions = _questions(flow, data["questions"], context.matcher) if flow else ()
        audiences.append(
            AudienceSummary(
                audience=audience,
                participants=decode_cell(data["participants"]),
                completed=decode_cell(data["completed"]),
                partial=decode_cell(data["partial"]),
                crisis=decode_cell(data["crisis"]),
                questions=questions,
                labels=tuple((label, decode_cell(value)) for label, value in data["labels"]),
            )
        )
    period = payload.get("period")
    return RoundSummary(
        round=unit.round,
        audiences=tuple(audiences),
        period=(period[0], period[1]) if period else None,
    )


def _questions(
    flow: Flow, released: Mapping[str, Any], matcher: ThemeMatcher | None
) -> tuple[QuestionSummary, ...]:
    result = []
    for step in questions_of(flow):
        data = released.get(step.id or "")
        if data is None:
            continue  # added to the flow after the last release
        respondents = decode_cell(data["respondents"])
        labels = _value_labels(step, matcher)
        rows = []
        for key, value in data["values"]:
            cell = decode_cell(value)
            share = (
                cell.count / respondents.count
                if cell.count is not None and respondents.count
                else None
            )
            rows.append(Row(key=key, label=labels.get(key, key), cell=cell, share=share))
        result.append(
            QuestionSummary(
                question_id=step.id or "",
                label=step.summary_label or step.text,
                kind=question_kind(step),
                respondents=respondents,
                rows=tuple(rows),
                themes=isinstance(step, TextStep) and bool(rows),
                segment=step.segment,
                quotes=showable_quotes(data.get("quotes", ())),
                unmatched_words=tuple(data.get("words", ())),
                routing=isinstance(step, YesNoStep) and bool(step.branches),
            )
        )
    return tuple(result)


def _value_labels(step: Question, matcher: ThemeMatcher | None) -> dict[str, str]:
    if isinstance(step, TextStep):
        labels = dict(matcher.labels) if matcher is not None else {}
        labels[OVERIG] = "Overig"
        labels[OTHER_ANSWERS] = OTHER_ANSWERS_LABEL
        return labels
    if isinstance(step, ScaleStep):
        labels = {str(n): str(n) for n in range(step.min, step.max + 1)}
        if step.min_label:
            labels[str(step.min)] = f"{step.min} ({step.min_label})"
        if step.max_label:
            labels[str(step.max)] = f"{step.max} ({step.max_label})"
        # Merged neighbours ("1–2"), named after the end they include.
        for low in range(step.min, step.max + 1):
            for high in range(low + 1, step.max + 1):
                label = f"{low}–{high}"
                if low == step.min and step.min_label:
                    label += f" ({step.min_label})"
                elif high == step.max and step.max_label:
                    label += f" ({step.max_label})"
                labels[f"{low}–{high}"] = label
        return labels
    labels = {option.value: option.label for option in options_of(step)}
    labels[OTHER_ANSWERS] = OTHER_ANSWERS_LABEL
    return labels


async def build_summary(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    step: str | None = None,
    k: int = 10,
    rng: random.Random | None = None,
    *,
    round_number: int | None = None,
    actor: str = "system",
) -> Summary:
    """The samenvatting of a werkgroep (or of one step), with every privacy rule applied.

    Shows per step the newest round (up to ``round_number``) next to the previous one.
    Raises :class:`UnknownWerkgroep` or :class:`UnknownStep`. Writes an audit entry.
    """
    k = validate_k(k)
    werkgroep = await load_werkgroep(session, werkgroep_id)
    summary = await collect(
        session, catalog, werkgroep, k, rng or random.Random(), step, round_number
    )
    await repo.audit(
        session,
        actor,
        "summary",
        werkgroep_id,
        step=step,
        round=round_number,
        steps=[s.step_key for s in summary.steps],
    )
    return summary


async def discussion_input(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    step_key: str,
    k: int,
    *,
    rng: random.Random | None = None,
    actor: str = "system",
) -> Summary | None:
    """What jongeren and ouders said at ``step_key``, for a ``discuss_input`` question.

    None when no campaign of this step exists yet (there is nothing to discuss).
    """
    k = validate_k(k)
    werkgroep = await load_werkgroep(session, werkgroep_id)
    summary = await collect(session, catalog, werkgroep, k, rng or random.Random(), step_key)
    step = summary.step(step_key)
    if step is None or not step.rounds:
        return None
    await repo.audit(session, actor, "discussion_input", werkgroep_id, step=step_key)
    return summary
