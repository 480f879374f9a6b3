"""The Bot API over aiohttp (``bot.telegram.aiohttp_request``) behaves as PTB's httpx client did.

Each test runs a small HTTP server on 127.0.0.1 standing in for the Bot API (or a proxy) and a
real PTB ``Bot`` on top of the request object: what the server receives is what Telegram
would, and what the bot raises is what PTB's own client raises.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import BodyPartReader, web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram.aiohttp_request import AiohttpRequest

TOKEN = "123456:AIOHTTP-TEST-abcdefghijklmnop"
MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "hoi"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)


async def _serve(handler: Handler) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, port


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def api() -> AsyncIterator[tuple[Seen, int]]:
    """A Bot API stand-in that records every request (method, path, headers, form fields)."""
    seen = Seen()

    async def handle(request: web.Request) -> web.StreamResponse:
        fields: dict[str, str] = {}
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                assert isinstance(part, BodyPartReader)
                data = bytes(await part.read())
                if part.filename:
                    content_type = part.headers.get("Content-Type", "")
                    seen.files[part.name or ""] = (part.filename, data, content_type)
                else:
                    fields[part.name or ""] = data.decode()
        else:
            fields = {k: str(v) for k, v in (await request.post()).items()}
        seen.requests.append((request.method, request.path_qs, dict(request.headers), fields))
        method = request.path.rsplit("/", 1)[-1].lower()
        if method == "getme":
            return _ok({"id": 123456, "is_bot": True, "first_name": "T", "username": "t_bot"})
        if method == "sendmessage" and fields.get("chat_id") == "-1":
            body = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            return web.json_response(body, status=400)
        if method == "slow":
            await asyncio.sleep(2)
        if method == "getupdates":  # a long poll: the answer comes after half a second
            await asyncio.sleep(0.5)
            return _ok([])
        if method == "moved":
            raise web.HTTPFound(f"/bot{TOKEN}/elsewhere")
        if request.path.startswith("/file/"):
            return web.Response(body=b"file bytes")
        return _ok(MESSAGE)

    runner, port = await _serve(handle)
    try:
        yield seen, port
    finally:
        await runner.cleanup()


async def _network_error(url: str) -> NetworkError:
    """The error a POST to ``url`` raises, through a request of its own."""
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(url)
    finally:
        await request.shutdown()
    return raised.value


def _bot(port: int, request: AiohttpRequest) -> Bot:
    return Bot(
        TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        base_file_url=f"http://127.0.0.1:{port}/file/bot",
        request=request,
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_a_message_arrives_as_form_fields_and_comes_back_as_a_message(
    api: tuple[Seen, int],
) -> None:
    seen, port = api
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="j:1")]])
    async with _bot(port, AiohttpRequest()) as bot:
        sent = await bot.send_message(42, "Hallo <b>jij</b>", reply_markup=keyboard)
    assert sent.message_id == 7 and sent.chat.id == 42
    method, path, headers, fields = seen.requests[-1]
    assert (method, path) == ("POST", f"/bot{TOKEN}/sendMessage")
    assert headers["User-Agent"].startswith("python-telegram-bot")
    assert fields["chat_id"] == "42" and fields["text"] == "Hallo <b>jij</b>"
    assert json.loads(fields["reply_markup"]) == {
        "inline_keyboard": [[{"text": "Ja", "callback_data": "j:1"}]]
    }


async def test_a_document_is_uploaded_as_a_multipart_file_with_its_name(
    api: tuple[Seen, int],
) -> None:
    seen, port = api
    async with _bot(port, AiohttpRequest()) as bot:
        await bot.send_document(
            42, InputFile(b"%PDF-plan", filename="plan.pdf"), caption="Het plan"
        )
    assert seen.files["document"] == ("plan.pdf", b"%PDF-plan", "application/pdf")
    assert seen.requests[-1][3]["caption"] == "Het plan"
    assert seen.requests[-1][3]["chat_id"] == "42"


async def test_a_file_handle_can_be_sent_twice_and_stays_open(api: tuple[Seen, int]) -> None:
    """PTB's rate limiter sends the same request again after a flood limit: the handle's bytes
    go both times, and the caller's handle is neither closed nor moved."""
    seen, port = api
    handle = io.BytesIO(b"naam;aantal\nzorgen;3\n")
    document = InputFile(handle, filename="telling.csv", read_file_handle=False)
    async with _bot(port, AiohttpRequest()) as bot:
        for _ in range(2):
            await bot.send_document(42, document)
            assert seen.files.pop("document")[:2] == ("telling.csv", b"naam;aantal\nzorgen;3\n")
    assert not handle.closed


async def test_a_redirect_is_not_followed(api: tuple[Seen, int]) -> None:
    """As with PTB's own client: the Bot API never redirects, and following one would turn the
    POST into a GET without its parameters."""
    seen, port = api
    async with _bot(port, AiohttpRequest()) as bot:
        with pytest.raises(NetworkError, match="302"):
            await bot.do_api_request("moved")
    assert not any(path.endswith("/elsewhere") for _, path, _, _ in seen.requests)


async def test_a_long_poll_waits_its_own_timeout_beyond_the_read_timeout(
    api: tuple[Seen, int],
) -> None:
    """PTB adds getUpdates' ``timeout`` to the read timeout of that one call."""
    _, port = api
    updates = AiohttpRequest(connection_pool_size=1, read_timeout=0.2)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", get_updates_request=updates)
    async with bot:
        assert await bot.get_updates(timeout=1) == ()
        with pytest.raises(TimedOut):  # the same answer time without the long poll's allowance
            await bot.get_updates(timeout=0)


async def test_network_errors_do_not_carry_the_token() -> None:
    """aiohttp names the URL, with the token in it, in some of its errors; PTB logs them."""

    async def broken(request: web.Request) -> web.StreamResponse:
        writer = request.transport
        assert writer is not None
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n")
        writer.close()
        return web.Response()

    runner, port = await _serve(broken)
    try:
        error = await _network_error(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await runner.cleanup()
    logged = "".join(traceback.format_exception(error))  # what a log of the error shows
    assert "Content-Length" in logged  # the reason is kept ...
    assert TOKEN.split(":")[1] not in logged  # ... the token is not


async def test_a_file_is_downloaded_with_a_get(api: tuple[Seen, int]) -> None:
    _, port = api
    request = AiohttpRequest()
    await request.initialize()
    try:
        body = await request.retrieve(f"http://127.0.0.1:{port}/file/bot{TOKEN}/photos/a.jpg")
    finally:
        await request.shutdown()
    assert body == b"file bytes"


async def test_a_bot_api_error_is_raised_as_ptbs_error(api: tuple[Seen, int]) -> None:
    _, port = api
    async with _bot(port, AiohttpRequest()) as bot:
        with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
            await bot.send_message(-1, "x")


async def test_an_answer_slower_than_the_read_timeout_is_a_timeout(api: tuple[Seen, int]) -> None:
    _, port = api
    async with _bot(port, AiohttpRequest(read_timeout=0.2)) as bot:
        with pytest.raises(TimedOut):
            await bot.do_api_request("slow")


async def test_a_full_pool_is_a_timeout_and_the_request_is_not_sent(
    api: tuple[Seen, int],
) -> None:
    seen, port = api
    # aiohttp bounds waiting for a pooled connection and making one together: pool + connect.
    one = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, connect_timeout=0.1)
    async with _bot(port, one) as bot:
        slow = asyncio.create_task(bot.do_api_request("slow"))
        await asyncio.sleep(0.3)  # the one connection is now taken by the slow call
        with pytest.raises(TimedOut, match="not sent"):
            await bot.send_message(42, "wacht")
        await slow
    assert [path.rsplit("/", 1)[-1] for _, path, _, _ in seen.requests][-1] == "slow"
    assert not any(path.endswith("sendMessage") for _, path, _, _ in seen.requests)


async def test_a_refused_connection_is_a_network_error_not_a_timeout() -> None:
    async def never(request: web.Request) -> web.StreamResponse:
        raise AssertionError("nothing should reach a closed port")

    runner, port = await _serve(never)
    await runner.cleanup()  # nothing listens on the port any more
    error = await _network_error(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    assert not isinstance(error, TimedOut)
    assert "aiohttp.ClientConnectorError" in str(error)


async def test_an_uninitialised_request_says_so() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/bot/getMe", "POST")


async def test_the_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxied: list[str] = []

    async def proxy(request: web.Request) -> web.StreamResponse:
        proxied.append(str(request.url))  # a proxy gets the absolute URL of the target
        return _ok({"id": 1, "is_bot": True, "first_name": "P", "username": "p_bot"})

    runner, port = await _serve(proxy)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)  # the lower-case names would win
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"127.0.0.1:{port}")  # no scheme: http://, as httpx reads it
    monkeypatch.setenv("NO_PROXY", "bypassed.invalid")
    try:
        request = AiohttpRequest()
        await request.initialize()
        try:
            status, _ = await request.do_request(f"http://api.invalid/bot{TOKEN}/getMe", "POST")
            assert status == 200
            assert proxied == [f"http://api.invalid/bot{TOKEN}/getMe"]
            with pytest.raises(NetworkError):  # not proxied: the name does not resolve
                await request.do_request("http://bypassed.invalid/bot/getMe", "POST")
            assert len(proxied) == 1
        finally:
            await request.shutdown()
    finally:
        await runner.cleanup()


async def test_a_socks_proxy_is_refused_at_start_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    request = AiohttpRequest()
    with pytest.raises(ValueError, match=r"socks5://.*not supported.*http://"):
        await request.initialize()


# The first loop's session cannot be closed once its loop is gone; it is dropped with a warning.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_request_outlives_its_event_loop(api: tuple[Seen, int]) -> None:
    """Initialised again in another event loop (as PTB does when an application runs twice),
    it works there instead of failing with "Event loop is closed"."""
    _, port = api
    request = AiohttpRequest()
    url = f"http://127.0.0.1:{port}/bot{TOKEN}/getMe"

    def in_another_loop() -> None:
        async def once() -> None:
            await request.initialize()
            status, _ = await request.do_request(url, "POST")
            assert status == 200

        asyncio.run(once())  # ends without shutdown: its session dies with that loop

    await asyncio.to_thread(in_another_loop)
    await request.initialize()
    gc.collect()  # the dropped session's warnings come here, not in a later test
    try:
        status, _ = await request.do_request(url, "POST")
    finally:
        await request.shutdown()
    assert status == 200
