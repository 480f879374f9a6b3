"""Conversations in the chat, read and written with Core statements.

A conversation is loaded, advanced and saved on every answer, so the dialog works on a plain
:class:`ConversationRecord`: one SELECT (with the participant's campaign, which storing the
answer needs) and one UPDATE, instead of ORM objects and a unit of work at the commit. The
ORM model (``storage.models.ConversationRow``) stays for the summary, admin and erasure code.

Saving keeps the model's optimistic concurrency: the UPDATE names the version it read and bumps
it; a save from a stale read changes no row and raises ``StaleDataError``, as the ORM did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from storage import Session, fast
from storage.models import ConversationRow, Participant, new_id, today

TABLE = cast(Table, ConversationRow.__table__)
PARTICIPANTS = cast(Table, Participant.__table__)
COLUMNS = (
    TABLE.c.id,
    TABLE.c.flow_id,
    TABLE.c.state,
    TABLE.c.data,
    TABLE.c.participant_id,
    TABLE.c.member_id,
    TABLE.c.finished,
    TABLE.c.version,
    PARTICIPANTS.c.campaign_id,
)
_SELECT = select(*COLUMNS).outerjoin(PARTICIPANTS, PARTICIPANTS.c.id == TABLE.c.participant_id)
# Locked on PostgreSQL (only the conversation: the participant row is not written here).
BY_ID = _SELECT.where(TABLE.c.id == bindparam("id")).with_for_update(of=TABLE)
OPEN_OF_PARTICIPANT = (
    _SELECT.where(
        TABLE.c.participant_id == bindparam("participant_id"), TABLE.c.finished.is_(False)
    )
    .limit(1)
    .with_for_update(of=TABLE)
)
OF_MEMBER = _SELECT.where(
    TABLE.c.member_id == bindparam("member_id"), TABLE.c.flow_id == bindparam("flow_id")
).with_for_update(of=TABLE)
_SAVE = update(TABLE).where(
    TABLE.c.id == bindparam("b_id"), TABLE.c.version == bindparam("b_version")
)
CREATE = insert(TABLE)
DROP = delete(TABLE).where(TABLE.c.id == bindparam("id"))
COMPLETE = update(PARTICIPANTS).where(PARTICIPANTS.c.id == bindparam("b_id")).values(completed=True)


@dataclass(slots=True)
class ConversationRecord:
    id: str
    flow_id: str
    state: str
    data: dict[str, Any]
    participant_id: str | None
    member_id: str | None
    finished: bool
    version: int
    # The participant's campaign (None for a member's conversation).
    campaign_id: str | None = None


def _record(row: Any) -> ConversationRecord:
    return ConversationRecord(*row)


async def load(session: Session, conversation_id: str) -> ConversationRecord | None:
    row = (await fast.execute(session, BY_ID, {"id": conversation_id})).first()
    return _record(row) if row is not None else None


async def open_of_participant(session: Session, participant_id: str) -> ConversationRecord | None:
    row = (
        await fast.execute(session, OPEN_OF_PARTICIPANT, {"participant_id": participant_id})
    ).first()
    return _record(row) if row is not None else None


async def of_member(session: Session, member_id: str, flow_id: str) -> ConversationRecord | None:
    row = (
        await fast.execute(session, OF_MEMBER, {"member_id": member_id, "flow_id": flow_id})
    ).first()
    return _record(row) if row is not None else None


async def create(
    session: Session,
    *,
    flow_id: str,
    flow_digest: str,
    state: str,
    data: dict[str, Any],
    finished: bool,
    participant_id: str | None = None,
    member_id: str | None = None,
    campaign_id: str | None = None,
) -> ConversationRecord:
    record = ConversationRecord(
        new_id(), flow_id, state, data, participant_id, member_id, finished, 1, campaign_id
    )
    await fast.execute(
        session,
        CREATE,
        {
            "id": record.id,
            "flow_id": flow_id,
            "flow_digest": flow_digest,
            "state": state,
            "data": data,
            "participant_id": participant_id,
            "member_id": member_id,
            "finished": finished,
            "started_on": today(),
            "finished_on": today() if finished else None,
            "version": 1,
        },
    )
    return record


async def save(
    session: Session, record: ConversationRecord, state: str, data: dict[str, Any], finished: bool
) -> None:
    """Store the state (one UPDATE); the record follows. Finishing is for good."""
    values: dict[str, Any] = {"state": state, "data": data, "version": record.version + 1}
    if finished and not record.finished:
        values.update(finished=True, finished_on=today())
    result = await fast.execute(
        session, _SAVE, {**values, "b_id": record.id, "b_version": record.version}
    )
    if result.rowcount != 1:
        raise StaleDataError(
            f"conversation {record.id}: version {record.version} was saved by someone else"
        )
    record.state, record.data, record.version = state, data, record.version + 1
    record.finished = record.finished or finished


async def drop(session: Session, conversation_id: str) -> None:
    await fast.execute(session, DROP, {"id": conversation_id})


async def complete_participant(session: Session, participant_id: str) -> None:
    """The participant finished their flow (counted as complete by the summary)."""
    await fast.execute(session, COMPLETE, {"b_id": participant_id})
