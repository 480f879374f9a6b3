"""Aggregation queries for the samenvatting: counts come out of the database, rows never do.

Every count is ``COUNT(DISTINCT participant_id)`` grouped by campaign: a participant belongs
to exactly one campaign, so the caller may add campaign counts up to an audience or a round
without counting anyone twice. The only text that leaves the database is a bounded random
sample of (already redacted) free-text answers, and the caller asks for it only when a group
is large enough to quote from.

Respondent counts per value and per question come from ``answer_tallies``, which triggers
keep inside every transaction that stores or deletes answers (migration 0008): adding up the
tally rows (one per value and answer date) replaces ``COUNT(DISTINCT participant_id)`` over
every answer. Theme counts
are an index-only count of ``answer_themes`` (``ix_answer_themes_scope``) minus the rare theme
rows of crisis-flagged answers; the quote and word samples read ``ix_answers_summary`` per
campaign. docs/performance.md has the timings.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Answer,
    AnswerTally,
    AnswerTheme,
    AuditEntry,
    Campaign,
    Participant,
    SummaryRelease,
    Werkgroep,
    new_id,
    utcnow,
)

OVERIG = "overig"
"""Theme of a free-text answer without any (other) theme."""

__all__ = [
    "OVERIG",
    "CampaignRow",
    "QuestionCount",
    "ValueCount",
    "export_count",
    "load_releases",
    "participant_counts",
    "question_respondents",
    "respondents_with_any",
    "sample_texts",
    "save_release",
    "scope_campaigns",
    "theme_counts",
    "value_counts",
    "werkgroep",
]


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: str
    audience: str
    step_key: str
    flow_id: str
    label: str | None
    round: int


@dataclass(frozen=True, slots=True)
class ValueCount:
    """Respondents of one campaign who gave ``option`` (or ``number``) to a question."""

    campaign_id: str
    question_id: str
    option: str | None
    number: int | None
    crisis: bool  # free-text answers with a crisis signal form their own group
    respondents: int
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class QuestionCount:
    """Respondents of one campaign counted per question and ``key`` (a theme, or "")."""

    campaign_id: str
    question_id: str
    key: str
    respondents: int


async def scope_campaigns(
    session: AsyncSession,
    werkgroep_id: str,
    step_key: str | None = None,
    round_: int | None = None,
) -> list[CampaignRow]:
    """The participant campaigns of a werkgroep, optionally of one step and one round."""
    statement = select(
        Campaign.id,
        Campaign.audience,
        Campaign.step_key,
        Campaign.flow_id,
        Campaign.label,
        Campaign.round,
    ).where(Campaign.werkgroep_id == werkgroep_id)
    if step_key is not None:
        statement = statement.where(Campaign.step_key == step_key)
    if round_ is not None:
        statement = statement.where(Campaign.round == round_)
    result = await session.execute(statement.order_by(Campaign.step_key, Campaign.round))
    return [CampaignRow(*row) for row in result.all()]


async def participant_counts(
    session: AsyncSession, campaign_ids: Collection[str]
) -> dict[str, tuple[int, int]]:
    """Per campaign: (participants, of whom completed).

    A participant is someone who said "Ik doe mee"; how many answered each question is
    counted per question. Cheap (an index range per campaign), so it is the release gate.
    """
    if not campaign_ids:
        return {}
    completed = func.sum(case((Participant.completed.is_(True), 1), else_=0))
    result = await session.execute(
        select(Participant.campaign_id, func.count(), completed)
        .where(Participant.campaign_id.in_(campaign_ids))
        .group_by(Participant.campaign_id)
    )
    return {campaign: (int(total), int(done or 0)) for campaign, total, done in result.all()}


def _answers_of(
    campaign_ids: Collection[str], question_ids: Collection[str]
) -> ColumnElement[bool]:
    return and_(Answer.campaign_id.in_(campaign_ids), Answer.question_id.in_(question_ids))


# Kinds of tally rows (storage.models.AnswerTally).
_OPTION, _NUMBER, _QUESTION = "o", "n", "q"


def _tallies_of(
    campaign_ids: Collection[str], question_ids: Collection[str]
) -> ColumnElement[bool]:
    return and_(
        AnswerTally.campaign_id.in_(list(campaign_ids)),
        AnswerTally.question_id.in_(list(question_ids)),
    )


async def value_counts(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[ValueCount]:
    """Respondents per campaign, question, answer value and crisis flag, with first and last
    answer date.

    Choice, yes/no and multiple-choice answers group by option, scale answers by number;
    free-text answers group by their crisis flag alone. A participant has one row per
    question (one per option for a multiple choice), so adding up the groups of a
    single-valued question gives its respondents, and the crisis groups count the answers
    that carried a crisis signal. Read from the tallies (one row per value and answer date,
    each counting distinct participants), the same figures as ``COUNT(DISTINCT
    participant_id)``, ``MIN`` and ``MAX(answered_on)`` over the answers.
    """
    if not campaign_ids or not question_ids:
        return []
    result = await session.execute(
        select(
            AnswerTally.campaign_id,
            AnswerTally.question_id,
            AnswerTally.kind,
            AnswerTally.key,
            AnswerTally.crisis,
            func.sum(AnswerTally.respondents),
            func.min(AnswerTally.day),
            func.max(AnswerTally.day),
        )
        .where(_tallies_of(campaign_ids, question_ids), AnswerTally.kind != _QUESTION)
        .group_by(
            AnswerTally.campaign_id,
            AnswerTally.question_id,
            AnswerTally.kind,
            AnswerTally.key,
            AnswerTally.crisis,
        )
    )
    return [
        ValueCount(
            campaign,
            question,
            key if kind == _OPTION else None,
            int(key) if kind == _NUMBER else None,
            bool(crisis),
            int(count),
            _as_date(first),
            _as_date(last),
        )
        for campaign, question, kind, key, crisis, count, first, last in result.all()
        if count
    ]


async def question_respondents(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[QuestionCount]:
    """Respondents per campaign and question: the base of every percentage."""
    if not campaign_ids or not question_ids:
        return []
    result = await session.execute(
        select(
            AnswerTally.campaign_id,
            AnswerTally.question_id,
            func.sum(AnswerTally.respondents),
        )
        .where(_tallies_of(campaign_ids, question_ids), AnswerTally.kind == _QUESTION)
        .group_by(AnswerTally.campaign_id, AnswerTally.question_id)
    )
    return [
        QuestionCount(campaign, question, "", int(count))
        for campaign, question, count in result.all()
        if count
    ]


async def theme_counts(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[QuestionCount]:
    """Respondents per campaign, free-text question and theme; untagged answers are "overig".

    Answers with a crisis signal are left out: they count only as answers with a worry
    signal (:func:`value_counts`), never under a theme or "overig"."""
    if not campaign_ids or not question_ids:
        return []
    # Every stored free-text answer without a crisis signal has at least one theme row
    # ("overig" when none matched), and a respondent has one text answer per question: a row
    # count is a respondent count. The bot writes no theme row for a crisis-flagged answer,
    # but older rows may have one: those are counted apart (a short range of the answers
    # index, crisis being set on free text only) and taken off, so the theme rows
    # themselves are counted from their index alone, without a join.
    scope = (
        AnswerTheme.campaign_id.in_(list(campaign_ids)),
        AnswerTheme.question_id.in_(list(question_ids)),
    )
    columns = (AnswerTheme.campaign_id, AnswerTheme.question_id, AnswerTheme.theme)
    counted = await session.execute(select(*columns, func.count()).where(*scope).group_by(*columns))
    # An IN over the flagged answers, not a join: SQLite then walks the few flagged index
    # entries and looks their theme rows up, instead of probing the answer of every theme row.
    flagged_answers = select(Answer.id).where(
        _answers_of(campaign_ids, question_ids),
        Answer.value_option.is_(None),
        Answer.value_number.is_(None),
        Answer.crisis == true(),
    )
    flagged = await session.execute(
        select(*columns, func.count())
        .where(AnswerTheme.answer_id.in_(flagged_answers))
        .group_by(*columns)
    )
    crisis = {(c, q, t): int(n) for c, q, t, n in flagged.all()}
    rows = [(c, q, t, int(n) - crisis.get((c, q, t), 0)) for c, q, t, n in counted.all()]
    return [QuestionCount(c, q, t, n) for c, q, t, n in rows if n > 0]


def _as_date(value: object) -> date | None:
    # SQLite returns MIN()/MAX() of a Date column as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def sample_texts(
    session: AsyncSession,
    campaign_ids: Collection[str],
    question_id: str,
    limit: int,
    start: str,
    *,
    unthemed_only: bool = False,
) -> Sequence[str]:
    """Free-text answers of up to ``limit`` respondents, crisis disclosures left out.

    The sample is the ``limit`` respondents whose (random, uuid4) participant ids follow
    ``start`` in id order, wrapping around: each respondent is equally likely to be in it,
    and the database reads only index entries and ``limit`` rows instead of sorting the
    whole group by ``random()``. The caller passes a random ``start`` and shuffles the
    result. ``unthemed_only`` then keeps the answers without a theme (the "overig" ones).
    """
    if not campaign_ids or limit <= 0:
        return []
    group = (
        Answer.question_id == question_id,
        Answer.value_option.is_(None),
        Answer.value_number.is_(None),
        Answer.crisis == false(),
    )
    texts = await _window(session, campaign_ids, group, Answer.participant_id >= start, limit)
    if len(texts) < limit:
        rest = Answer.participant_id < start
        texts += await _window(session, campaign_ids, group, rest, limit - len(texts))
    return [text for text, themed in texts if text and not (unthemed_only and themed)]


async def _window(
    session: AsyncSession,
    campaign_ids: Collection[str],
    group: tuple[ColumnElement[bool], ...],
    bound: ColumnElement[bool],
    limit: int,
) -> list[tuple[str | None, bool]]:
    """The text answers of the first ``limit`` respondents of the group within ``bound``, each
    with whether it has a theme besides "overig".

    The respondents are found per campaign (each an ordered range of ``ix_answers_summary``
    that stops after ``limit`` entries) and merged, in one statement with reading their
    answers: the same respondents as one range over all campaigns, which the database would
    answer by sorting the whole group."""
    windows = [
        select(Answer.participant_id)
        .where(*group, bound, Answer.campaign_id == campaign_id)
        .order_by(Answer.participant_id)
        .limit(limit)
        .subquery()
        for campaign_id in sorted(set(campaign_ids))
    ]
    merged = union_all(*(select(window.c.participant_id) for window in windows)).subquery()
    chosen = select(merged.c.participant_id).order_by(merged.c.participant_id).limit(limit)
    themed = exists().where(AnswerTheme.answer_id == Answer.id, AnswerTheme.theme != OVERIG)
    result = await session.execute(
        select(Answer.value_text, themed).where(Answer.participant_id.in_(chosen), *group)
    )
    return [(text, bool(flag)) for text, flag in result.all()]


# --- released figures -------------------------------------------------------------------------


async def load_releases(
    session: AsyncSession, werkgroep_id: str, scopes: Collection[str]
) -> dict[str, dict[str, Any]]:
    """The last released payload per scope (scopes never released are absent)."""
    if not scopes:
        return {}
    result = await session.execute(
        select(SummaryRelease.scope, SummaryRelease.payload).where(
            SummaryRelease.werkgroep_id == werkgroep_id, SummaryRelease.scope.in_(scopes)
        )
    )
    return {scope: payload for scope, payload in result.all()}


async def save_release(
    session: AsyncSession,
    werkgroep_id: str,
    scope: str,
    respondents: int,
    payload: dict[str, Any],
) -> None:
    """Store the figures just released for a scope, replacing the previous release.

    An upsert, so two replicas releasing the same scope at once do not fail on the unique key.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SummaryRelease).values(
        id=new_id(),
        werkgroep_id=werkgroep_id,
        scope=scope,
        respondents=respondents,
        payload=payload,
        released_at=utcnow(),
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SummaryRelease.werkgroep_id, SummaryRelease.scope],
            set_={
                "respondents": statement.excluded.respondents,
                "payload": statement.excluded.payload,
                "released_at": statement.excluded.released_at,
            },
        )
    )


async def export_count(session: AsyncSession, werkgroep_id: str) -> int:
    """How many times this werkgroep's plan was exported: the next export's version."""
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.werkgroep_id == werkgroep_id, AuditEntry.action == "export")
    )
    return int(count or 0)


async def werkgroep(session: AsyncSession, werkgroep_id: str) -> Werkgroep | None:
    return await session.get(Werkgroep, werkgroep_id)


async def respondents_with_any(
    session: AsyncSession,
    campaign_ids: Collection[str],
    question_id: str,
    keys: Collection[str],
    *,
    themes: bool,
) -> int:
    """Respondents who gave at least one of ``keys`` (options of a multiple choice, or themes
    of a free-text question): the count of a merged "andere antwoorden" row, where adding up
    the rows would count a respondent once per option."""
    if not campaign_ids or not keys:
        return 0
    if themes:
        statement = select(func.count(func.distinct(AnswerTheme.answer_id))).where(
            AnswerTheme.campaign_id.in_(list(campaign_ids)),
            AnswerTheme.question_id == question_id,
            AnswerTheme.theme.in_(list(keys)),
        )
    else:
        statement = select(func.count(func.distinct(Answer.participant_id))).where(
            Answer.campaign_id.in_(list(campaign_ids)),
            Answer.question_id == question_id,
            Answer.value_option.in_(list(keys)),
        )
    return int(await session.scalar(statement) or 0)
