"""A user's chat session row on the hot path, read and written with Core statements.

Every update of every user loads this row (locked) and most write it back, so it is a plain
record, not an ORM object: no identity map, no unit of work at the commit. :func:`save` writes
only the columns that changed since :func:`load` (as the unit of work did), so an update that
leaves the state alone costs no write, and a value another statement of the same transaction
changed underneath (e.g. ``conversation_id`` set to NULL by a cascade) is not written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update

from storage import Session, fast
from storage.models import ChatSession, today
from storage.repo import CREATE_CHAT_SESSION

TABLE = cast(Table, ChatSession.__table__)
# The columns a handler may change; ``subject`` is the key, ``updated_on`` follows a change.
FIELDS = ("locale", "conversation_id", "member_ref", "mode", "context")

# Built once: on PostgreSQL the row stays locked until the commit (one update per user at a
# time across replicas); SQLite's writer lock (BEGIN IMMEDIATE) already serialises them.
LOAD = (
    select(*(TABLE.c[name] for name in FIELDS))
    .where(TABLE.c.subject == bindparam("subject"))
    .with_for_update()
)
# The SET clause follows the keys of the parameters (only the changed columns); SQLAlchemy
# caches one compiled form per set of keys.
SAVE = update(TABLE).where(TABLE.c.subject == bindparam("b_subject"))


@dataclass(slots=True)
class ChatRecord:
    """The chat session of one user during one update; handlers change its fields."""

    subject: str
    locale: str | None = None
    conversation_id: str | None = None
    member_ref: str | None = None
    mode: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    # The values as loaded, to write only what changed.
    loaded: tuple[Any, ...] = field(default=(None, None, None, None, {}), repr=False)

    def changes(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name, before in zip(FIELDS, self.loaded, strict=True)
            if getattr(self, name) != before
        }


async def load(session: Session, subject: str) -> ChatRecord:
    """The session of ``subject``, created on first contact; locked for this transaction.

    Insert-if-missing only after a miss, then lock: two replicas handling a new user's first
    two updates at once would otherwise both insert and one would fail.
    """
    row = (await fast.execute(session, LOAD, {"subject": subject})).first()
    if row is None:
        created = await fast.execute(
            session, CREATE_CHAT_SESSION, {"subject": subject, "day": today()}
        )
        if created.rowcount:
            return ChatRecord(subject)  # ours: locked by the insert until the commit
        row = (await fast.execute(session, LOAD, {"subject": subject})).first()
        assert row is not None
    values = tuple(row)
    locale, conversation_id, member_ref, mode, context = values
    # A copy: a handler changing the context in place must still count as a change.
    return ChatRecord(
        subject, locale, conversation_id, member_ref, mode, dict(context or {}), values
    )


async def save(session: Session, chat: ChatRecord) -> bool:
    """Write the changed fields (and the day of the change); False when nothing changed."""
    changes = chat.changes()
    if not changes:
        return False
    await fast.execute(session, SAVE, {**changes, "updated_on": today(), "b_subject": chat.subject})
    chat.loaded = tuple(getattr(chat, name) for name in FIELDS)
    return True
