"""Without a persistence, PTB must not keep a note of every chat and user it has seen.

PTB adds each update's chat and user id to two sets for its persistence, and only a
persistence empties them; the bot has none (its state is in the database), so before
``InstrumentedApplication`` stopped it, they grew by every user for the life of the process.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.ops.instrument import InstrumentedApplication

TOKEN = "123456:PERSISTENCE-TEST-abcdefghij"


def message(update_id: int, user_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "J"}
    chat = {"id": user_id, "type": "private"}
    text = {"message_id": update_id, "date": 0, "chat": chat, "from": user, "text": "hoi"}
    return {"update_id": update_id, "message": text}


async def test_a_thousand_users_leave_no_trace_in_ptb() -> None:
    application = (
        ApplicationBuilder().application_class(InstrumentedApplication).token(TOKEN).build()
    )
    application._initialized = True  # no Bot API here: nothing is sent, getMe is not needed
    handled: list[int] = []

    async def handle(update: Update, _context: Any) -> None:
        handled.append(update.update_id)

    application.add_handler(MessageHandler(filters.ALL, handle))  # PTB notes handled updates
    for n in range(1000):
        await application.process_update(Update.de_json(message(n, 10_000 + n), application.bot))
    assert len(handled) == 1000 and application.persistence is None
    assert len(application._chat_ids_to_be_updated_in_persistence) == 0
    assert len(application._user_ids_to_be_updated_in_persistence) == 0
