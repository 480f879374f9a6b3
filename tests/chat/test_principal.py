"""Channel-qualified identities: a Telegram user keeps the key derived from their user id; a
user without a Telegram id is served as a participant and refused werkgroep features."""

from __future__ import annotations

import hashlib
import hmac

from bot.admin import service
from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Send
from bot.privacy.pseudonym import chat_key
from bot.runtime import Runtime
from storage import repo
from tests.chat.conftest import PEPPER, Talk

TELEGRAM_ONLY = "Dit kan alleen in de Telegram-app."


def test_a_telegram_principal_is_the_decimal_user_id() -> None:
    assert Incoming(update_id=1, user_id=987654321).principal == "987654321"
    assert Incoming(update_id=1, user_id=None, principal="web:abc").principal == "web:abc"


def test_the_chat_key_is_in_its_own_keyed_domain(runtime: Runtime) -> None:
    """The chat-session key is keyed by the pepper in a domain of its own: not the plain HMAC of
    the user id (the participant domain's input), and a web principal never collides with it."""
    plain = hmac.new(PEPPER.encode(), b"987654321", hashlib.sha256).hexdigest()
    key = runtime.subject("987654321")
    assert key == chat_key(PEPPER.encode(), "987654321")
    assert key != plain
    assert runtime.subject("web:987654321") != key


async def test_a_web_user_cannot_join_a_werkgroep(runtime: Runtime, dialog: Dialog) -> None:
    async with runtime.sessions.begin() as session:
        werkgroep, coordinator_token, _ = await repo.create_werkgroep(session, "Velsen", "armoede")
    web = Talk(dialog, user_id=None, principal="web:session-1")
    outs = await web(command="start", args=(coordinator_token,))
    assert outs == [Send(TELEGRAM_ONLY)]
    async with runtime.sessions() as session:
        assert await service.list_members(session, werkgroep.id) == []


async def test_a_web_user_gets_the_same_introduction(dialog: Dialog) -> None:
    web = Talk(dialog, user_id=None, principal="web:session-2")
    telegram = Talk(dialog, user_id=5, first_id=1000)
    assert await web(command="start") == await telegram(command="start")
