"""The summary's answer tallies (``answer_tallies``): recounting them in bulk.

Row triggers on ``answers`` (migration 0008) keep the tallies right in every transaction that
stores or deletes answers. That suits the bot's turns, which touch a handful of rows. A
transaction that rewrites a whole campaign (the cut, :func:`storage.participants.rewrite_anonymously`,
or a bulk load) would make PostgreSQL update the same few tally rows once per answer, and each
update leaves a row version that the rest of that transaction has to step over: the time
grows with the square of the answers. Such a transaction calls :func:`recounted` instead: the
triggers stand aside for the rest of the transaction (PostgreSQL, a transaction-local setting
the trigger reads; SQLite updates rows in place and keeps counting) and the campaigns' tallies
are counted afresh from their answers at the end, with the same ``COUNT(DISTINCT
participant_id)`` grouping the migration used to fill them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

from sqlalchemy import Date, String, case, cast, delete, false, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import TALLY_EPOCH, Answer, AnswerTally

__all__ = ["recount", "recounted"]

_COLUMNS = ("campaign_id", "question_id", "kind", "key", "crisis", "day", "respondents")
_SETTING = text("SELECT set_config('samenspraak.tallies', :state, true)")


@asynccontextmanager
async def recounted(
    connection: AsyncSession | AsyncConnection, campaign_ids: Collection[str]
) -> AsyncIterator[None]:
    """Within the block the triggers do not count (PostgreSQL); afterwards the tallies of
    ``campaign_ids`` are counted afresh. Use it only inside one transaction."""
    postgresql = _is_postgresql(connection)
    if postgresql:
        await connection.execute(_SETTING, {"state": "paused"})
    yield
    await recount(connection, campaign_ids)
    if postgresql:
        await connection.execute(_SETTING, {"state": ""})


async def recount(
    connection: AsyncSession | AsyncConnection, campaign_ids: Collection[str]
) -> None:
    """Count the tallies of ``campaign_ids`` afresh from their answers."""
    ids = sorted(set(campaign_ids))
    if not ids:
        return
    await connection.execute(delete(AnswerTally).where(AnswerTally.campaign_id.in_(ids)))
    respondents = func.count(func.distinct(Answer.participant_id))
    per_question = (
        select(
            Answer.campaign_id,
            Answer.question_id,
            literal("q"),
            literal(""),
            false(),
            literal(TALLY_EPOCH, Date),
            respondents,
        )
        .where(Answer.campaign_id.in_(ids))
        .group_by(Answer.campaign_id, Answer.question_id)
    )
    kind = case(
        (Answer.value_option.is_not(None), "o"),
        (Answer.value_number.is_not(None), "n"),
        else_="t",
    )
    key = func.coalesce(Answer.value_option, cast(Answer.value_number, String), "")
    per_value = (
        select(
            Answer.campaign_id,
            Answer.question_id,
            kind,
            key,
            Answer.crisis,
            Answer.answered_on,
            respondents,
        )
        .where(Answer.campaign_id.in_(ids))
        .group_by(
            Answer.campaign_id,
            Answer.question_id,
            Answer.value_option,
            Answer.value_number,
            Answer.crisis,
            Answer.answered_on,
        )
    )
    for rows in (per_question, per_value):
        await connection.execute(insert(AnswerTally).from_select(_COLUMNS, rows))


def _is_postgresql(connection: AsyncSession | AsyncConnection) -> bool:
    bind = connection.bind if isinstance(connection, AsyncSession) else connection
    return bind is not None and bind.dialect.name == "postgresql"
