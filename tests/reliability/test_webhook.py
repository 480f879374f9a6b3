"""Our webhook receiver: the secret is checked (in constant time) before anything is parsed,
malformed bodies are refused with 400, and no handler or database write happens for either;
a good update is handled before Telegram gets its 200, once, even when posted twice at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.chat.dialog import Dialog, Handled, OutboxSlot
from bot.chat.events import Incoming
from bot.engine import Engine
from bot.runtime import Runtime
from bot.telegram.app import build_application, serve_webhook
from bot.telegram.webhook import SECRET_HEADER
from storage.models import ProcessedUpdate
from tests.conftest import prepared_database
from tests.reliability.helpers import (
    Plan,
    count_rows,
    free_port,
    is_question,
    join,
    next_turn,
    open_harness,
    stored_answers,
    until,
)
from tgstub import LocalBotApi, SimUser

SECRET = "webhook-secret_0123456789"
NOT_JSON = b"{this is not json"


@dataclass
class Webhook:
    url: str
    calls: list[Incoming]
    api: LocalBotApi
    harness: Any

    async def post(
        self, http: aiohttp.ClientSession, body: bytes, secret: str | None = SECRET
    ) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with http.post(self.url, data=body, headers=headers) as response:
            await response.read()
            return response.status

    async def nothing_happened(self) -> None:
        assert self.calls == []
        assert await count_rows(self.harness.sessions, ProcessedUpdate) == 0


@pytest.fixture
def dialog_calls(monkeypatch: pytest.MonkeyPatch) -> list[Incoming]:
    """Every event that reaches the dialog (the one entry point of all handlers)."""
    calls: list[Incoming] = []
    original = Dialog.handle_into_outbox

    async def counted(self: Dialog, incoming: Incoming, outbox: OutboxSlot | None) -> Handled:
        calls.append(incoming)
        return await original(self, incoming, outbox)

    monkeypatch.setattr(Dialog, "handle_into_outbox", counted)
    return calls


@pytest.fixture
async def webhook(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, dialog_calls: list[Incoming]
) -> AsyncIterator[Webhook]:
    """The real Application behind our aiohttp receiver, registered with the local Bot API."""
    url = await prepared_database("sqlite", tmp_path)
    async with open_harness(api, tmp_path, url, flows_dir, start=False) as harness:
        runtime = Runtime.build(harness.settings)
        application = build_application(runtime)
        port = free_port()
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve_webhook(application, SECRET, "127.0.0.1", port, f"http://127.0.0.1:{port}", stop)
        )
        await until(lambda: bool(api.webhook_info().get("url")) or server.done(), "the webhook")
        try:
            yield Webhook(f"http://127.0.0.1:{port}/telegram", dialog_calls, api, harness)
        finally:
            stop.set()
            await server
            await runtime.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def message_update(user: SimUser, update_id: int, text: str) -> bytes:
    import json

    message = {
        "message_id": update_id,
        "from": user.info,
        "chat": {"id": user.chat_id, "type": "private", "first_name": user.info["first_name"]},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "wrong",
        SECRET[:-1],
        SECRET + "x",
        SECRET.upper(),
        "s" * 300,
        "s" * 5000,
        "sécret",
    ],
    ids=["missing", "empty", "wrong", "prefix", "longer", "case", "300", "5000", "non-ascii"],
)
async def test_bad_secret_is_403_before_the_body_is_parsed(
    webhook: Webhook, http: aiohttp.ClientSession, secret: str | None
) -> None:
    """Missing, wrong or over-long secret: 403 before the body is read; no handler runs."""
    user = webhook.api.user(6701)
    assert await webhook.post(http, NOT_JSON, secret) == 403
    assert await webhook.post(http, message_update(user, 880001, "/hulp"), secret) == 403
    assert await webhook.post(http, b"x" * 900_000, secret) == 403
    await webhook.nothing_happened()
    assert user.messages() == []


async def test_secret_beyond_the_header_limit_is_refused(
    webhook: Webhook, http: aiohttp.ClientSession
) -> None:
    """A 20 KB secret header is refused by the HTTP server itself; no handler runs."""
    user = webhook.api.user(6702)
    status = await webhook.post(http, message_update(user, 880002, "/hulp"), "s" * 20_000)
    assert status in (400, 403, 431)
    await webhook.nothing_happened()


@pytest.mark.parametrize(
    "body",
    [NOT_JSON, b"", b"\xff\xfe\x00", b"{}", b'{"update_id": 1, "message": {"x": 1}}'],
    ids=["not-json", "empty", "binary", "no-update-id", "message-without-date"],
)
async def test_malformed_update_is_400_and_reaches_no_handler(
    webhook: Webhook, http: aiohttp.ClientSession, body: bytes
) -> None:
    """With the right secret, a body that is not a valid update gets 400 and changes nothing."""
    assert await webhook.post(http, body) == 400
    await webhook.nothing_happened()


@pytest.mark.parametrize(
    "body",
    [b"[]", b'"update"', b"1", b"null", b'{"update_id": 1, "message": "x"}'],
    ids=["list", "string", "number", "null", "message-not-object"],
)
async def test_json_that_is_not_an_update_object_is_400(
    webhook: Webhook, http: aiohttp.ClientSession, body: bytes
) -> None:
    """Valid JSON of the wrong shape is a malformed update too: 400, no handler."""
    assert await webhook.post(http, body) == 400
    await webhook.nothing_happened()


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 1, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        b'{"update_id": 1, "x": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001,
    ],
    ids=["deep-list", "deep-object"],
)
async def test_deeply_nested_json_is_400_not_a_server_error(
    webhook: Webhook, http: aiohttp.ClientSession, body: bytes
) -> None:
    """JSON nested 100,000 deep (under the 1 MB limit) is a malformed update: 400, no handler,
    and the receiver keeps answering."""
    assert await webhook.post(http, body) == 400
    await webhook.nothing_happened()
    assert await webhook.post(http, b"[]") == 400


async def test_update_is_handled_before_the_200(
    webhook: Webhook, http: aiohttp.ClientSession
) -> None:
    """By the time Telegram gets 200 the update is committed and the reply sent."""
    user = webhook.api.user(6703)
    # /help, not /hulp: /hulp is answered before (and without) the database.
    assert await webhook.post(http, message_update(user, 880003, "/help")) == 200
    assert len(webhook.calls) == 1
    assert await count_rows(webhook.harness.sessions, ProcessedUpdate) == 1
    assert "/hulp" in (user.messages()[-1].text or "")


async def test_same_answer_posted_twice_at_once_is_stored_once(
    webhook: Webhook, http: aiohttp.ClientSession, small_engine: Engine
) -> None:
    """Telegram posting one update twice at the same time: one stored answer, one reply."""
    plan = Plan.make(small_engine)
    token, campaign_id = await webhook.harness.campaign()
    user = webhook.api.user(6704)
    await join(user, token)  # through the local Bot API's own webhook delivery
    mark = user.mark()
    body = message_update(user, 880004, plan.typed[plan.path[0]])
    statuses = await asyncio.gather(webhook.post(http, body), webhook.post(http, body))
    assert statuses == [200, 200]
    messages = await next_turn(user, mark)
    assert [plan.question_id(m) for m in messages if is_question(m)] == [plan.path[1]]
    assert await stored_answers(webhook.harness.sessions, campaign_id) == plan.first(1)
    assert [c.update_id for c in webhook.calls].count(880004) == 2  # both arrived; one claimed


async def test_webhook_mode_prepares_like_polling(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path
) -> None:
    """In webhook mode the bot migrates SQLite and registers commands, as when polling."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    async with open_harness(api, tmp_path, url, flows_dir, start=False) as harness:
        runtime = Runtime.build(harness.settings)
        application = build_application(runtime)
        port = free_port()
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve_webhook(application, SECRET, "127.0.0.1", port, f"http://127.0.0.1:{port}", stop)
        )
        try:
            await until(lambda: bool(api.webhook_info().get("url")), "the webhook")
            user = api.user(6705)
            await user.send("/hulp")
            (reply,) = await user.wait_new(0, 1)
            assert "113" in (reply.text or "")
            assert api.commands()
        finally:
            stop.set()
            await server
            await runtime.close()
