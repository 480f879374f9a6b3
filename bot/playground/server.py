"""One process: the local Bot API server, the real bot pointed at it, and the web page.

    async with run_playground(Path("data/playground"), port=8080) as playground:
        print(playground.url)          # http://127.0.0.1:8080/
        await asyncio.Event().wait()

The page, its configuration and the play-user API all live on the local Bot API server's aiohttp
application, so the browser talks to a single origin:

- ``GET /`` and ``GET /static/{app.js,style.css}``: the chat page (plain files, no build step)
- ``GET /_play/config``: the roles with their demo ``/start`` tokens, the bot's command menu
- ``GET /_play/toast?query_id=&wait=``: the bot's answer to a button press (a "toast")
- ``/_sim/...``: the play-user API of :mod:`tgstub.http_sim` (send, press, messages, files)
- ``/bot<token>/...``: the Bot API the bot itself polls

Beside it, on its own port (default 8081), the web channel (``samenspraak web``) serves the
same demo campaigns in the browser, so both channels can be tried on one machine; the page
links to them.

Nothing leaves the machine: the bot never talks to Telegram, and the token below is no real one.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.config import Settings, load_settings
from bot.playground.demo import DemoWerkgroep, ensure_demo
from bot.runtime import Runtime
from bot.telegram.app import build_application, polling
from storage import repo
from storage.models import today
from tgstub import STATE_KEY, LocalBotApi
from tgstub.state import commands_key

log = logging.getLogger(__name__)

# Not a Telegram token: the bot only ever talks to the local server with it.
PLAYGROUND_TOKEN = "7000000001:SPEELTUIN-lokaal-geen-echte-token"
BOT_USERNAME = "samenspraak_speeltuin_bot"
BOT_NAME = "Samenspraak"
DEFAULT_PORT = 8080
DEFAULT_HOST = "127.0.0.1"
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
}
MAX_TOAST_WAIT = 10.0
WILDCARD_HOSTS = ("0.0.0.0", "")

# The page loads nothing from elsewhere; links the bot sends open in a new tab.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    first_name: str
    token_field: str  # the DemoWerkgroep field whose token /start gets
    description: str


ROLES: tuple[Role, ...] = (
    Role(
        "jongere",
        "Jongere",
        "Jongere",
        "jongeren",
        "Doet anoniem mee met de vragen voor jongeren (stap 3), via de campagnelink.",
    ),
    Role(
        "ouder",
        "Ouder",
        "Ouder",
        "ouders",
        "Doet anoniem mee met de vragen voor ouders (stap 3), via de campagnelink.",
    ),
    Role(
        "lid",
        "Werkgroeplid",
        "Werkgroeplid",
        "member",
        "Werkt mee aan het plan van de werkgroep, via de uitnodiging voor leden.",
    ),
    Role(
        "coordinator",
        "Coördinator",
        "Coördinator",
        "coordinator",
        "Leidt de werkgroep: /samenvatting, /plan, /campagne en meer. Typ /help.",
    ),
)


@dataclass
class PageState:
    """What the page routes need; filled in after start-up (the app is frozen by then)."""

    demo: DemoWerkgroep | None = None
    web_url: str | None = None


PAGE_KEY = web.AppKey("playground_page", PageState)


@dataclass(frozen=True)
class Playground:
    api: LocalBotApi
    runtime: Runtime
    demo: DemoWerkgroep
    url: str  # the page, e.g. http://127.0.0.1:8080/
    web_url: str = ""  # the web channel, e.g. http://127.0.0.1:8081


@asynccontextmanager
async def run_playground(
    data_dir: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    sample_answers: bool = True,
    settings_overrides: dict[str, Any] | None = None,
    web_port: int | None = None,
) -> AsyncIterator[Playground]:
    """Start everything (port 0 picks a free port); stop it all on exit.

    ``web_port`` is the web channel's port: by default ``port + 1`` (8081 beside 8080), or a
    free one when ``port`` is 0.
    Raises OSError when a port is taken, before anything else has started.
    """
    from bot.web.serve import running

    data_dir.mkdir(parents=True, exist_ok=True)
    if web_port is None:
        web_port = port + 1 if port else 0
    if port:
        ensure_port_free(host, port)
    if web_port:
        ensure_port_free(host, web_port)
    api = LocalBotApi(
        token=PLAYGROUND_TOKEN, bot_username=BOT_USERNAME, bot_name=BOT_NAME, host=host, port=port
    )
    page = PageState()
    api.app[PAGE_KEY] = page
    api.add_routes(page_routes())
    async with AsyncExitStack() as stack:
        await api.start()
        stack.push_async_callback(api.stop)
        local = f"http://127.0.0.1:{api.port}" if host in WILDCARD_HOSTS else api.url
        settings = playground_settings(data_dir, local, **(settings_overrides or {}))
        runtime = Runtime.build(settings)
        # The bot closes the runtime on shutdown too; disposing twice is harmless, and this
        # one covers a failure before the bot has started.
        stack.push_async_callback(runtime.close)
        await runtime.prepare(migrate=True)
        await forget_processed_updates(runtime)
        page.demo = await ensure_demo(
            runtime, data_dir, sample_answers=sample_answers, bot_username=BOT_USERNAME
        )
        await stack.enter_async_context(polling(build_application(runtime)))
        web_url = await stack.enter_async_context(running(runtime, host=host, port=web_port))
        if host in WILDCARD_HOSTS:
            web_url = web_url.replace(f"//{host}:", "//127.0.0.1:", 1)
        page.web_url = web_url
        yield Playground(api, runtime, page.demo, f"{local}/", web_url)


def ensure_port_free(host: str, port: int) -> None:
    """Raise OSError (EADDRINUSE) now when the port is taken, with nothing left open."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


async def forget_processed_updates(runtime: Runtime) -> None:
    """The local server numbers updates from 1 again on every start, so the update ids the bot
    remembers from an earlier run would make it ignore the first messages of this one."""
    tomorrow = today() + timedelta(days=1)
    async with runtime.sessions.begin() as session:
        await repo.forget_updates_before(session, tomorrow)


def playground_settings(data_dir: Path, server_url: str, **overrides: Any) -> Settings:
    """The bot's settings: the local server, SQLite and a pepper file in ``data_dir``.

    Everything else (minimum group size, default language, log level …) still comes from the
    environment and ``.env``, as for the real bot.
    """
    values: dict[str, Any] = {
        "telegram_token": PLAYGROUND_TOKEN,
        "telegram_api_url": f"{server_url}/bot",
        "telegram_file_url": f"{server_url}/file/bot",
        "bot_username": BOT_USERNAME,
        "data_dir": data_dir,
        "database_url": f"sqlite+aiosqlite:///{(data_dir / 'samenspraak.db').as_posix()}",
        # A pepper from the environment belongs to the real deployment; keep it out of here.
        "pepper": None,
        "webhook_secret": None,
    }
    values.update(overrides)
    return load_settings(**values)


# --- routes ---------------------------------------------------------------------------------


def page_routes() -> list[web.AbstractRouteDef]:
    return [
        web.get("/", handle_index),
        web.get("/static/{name}", handle_static),
        web.get("/_play/config", handle_config),
        web.get("/_play/toast", handle_toast),
    ]


def _static(name: str) -> web.Response:
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    body = (STATIC_DIR / name).read_bytes()
    return web.Response(
        body=body, content_type=content_type, charset="utf-8", headers=SECURITY_HEADERS
    )


async def handle_index(_: web.Request) -> web.Response:
    return _static("index.html")


async def handle_static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name == "index.html":
        raise web.HTTPNotFound()
    return _static(name)


async def handle_config(request: web.Request) -> web.Response:
    demo = request.config_dict[PAGE_KEY].demo
    if demo is None:
        return web.json_response({"ok": False, "description": "nog niet klaar"}, status=503)
    state = request.config_dict[STATE_KEY]
    commands = state.commands.get(commands_key(None, ""), [])
    return web.json_response(
        {
            "ok": True,
            "bot": {"name": BOT_NAME, "username": BOT_USERNAME},
            "werkgroep": demo.naam,
            "roles": [
                {
                    "key": role.key,
                    "label": role.label,
                    "first_name": role.first_name,
                    "description": role.description,
                    "start": f"/start {getattr(demo, role.token_field)}",
                }
                for role in ROLES
            ],
            "commands": [
                {"command": item.get("command"), "description": item.get("description")}
                for item in commands
            ],
            # The same campaigns in the browser (the web channel), as a participant without
            # Telegram would open them.
            "web": _web_links(request.config_dict[PAGE_KEY].web_url, demo),
        },
        headers={"Cache-Control": "no-store"},
    )


def _web_links(web_url: str | None, demo: DemoWerkgroep) -> list[dict[str, str]]:
    if not web_url:
        return []
    return [
        {
            "label": f"{role.label} in de browser",
            "url": f"{web_url}/j/{getattr(demo, role.token_field)}",
        }
        for role in ROLES
        if role.key in ("jongere", "ouder")
    ]


async def handle_toast(request: web.Request) -> web.Response:
    """Wait (briefly) for the bot's answer to a button press; its text is shown as a toast."""
    state = request.config_dict[STATE_KEY]
    record = state.callbacks.get(request.query.get("query_id", ""))
    if record is None:
        return web.json_response({"ok": False, "description": "unknown query"}, status=404)
    try:
        wait = min(max(float(request.query.get("wait", 0)), 0.0), MAX_TOAST_WAIT)
    except ValueError:
        return web.json_response({"ok": False, "description": "wait must be a number"}, status=400)
    chat = state.chats.get(record.chat_id)
    if chat is not None and record.answer is None:
        await chat.signal.wait_until(lambda: record.answer is not None, wait)
    answer = record.answer or {}
    return web.json_response(
        {
            "ok": True,
            "answered": record.answer is not None,
            "text": answer.get("text"),
            "show_alert": bool(answer.get("show_alert")),
        }
    )


# --- command line ---------------------------------------------------------------------------


async def serve(
    data_dir: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    sample_answers: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the playground until ``stop`` is set (or the process is interrupted)."""
    stop = stop or asyncio.Event()
    async with run_playground(
        data_dir, host=host, port=port, sample_answers=sample_answers
    ) as playground:
        print(f"Speeltuin klaar: open {playground.url} in je browser.", flush=True)
        print(
            "Kies een rol. Elk tabblad is een eigen gebruiker: open meer tabbladen om met "
            "meer mensen tegelijk te spelen. Stoppen: Ctrl+C.",
            flush=True,
        )
        if playground.web_url:
            print(
                f"Webkanaal (zonder Telegram): {playground.web_url}/j/"
                f"{playground.demo.jongeren} (jongeren), {playground.web_url}/j/"
                f"{playground.demo.ouders} (ouders).",
                flush=True,
            )
        print(f"Gegevens: {data_dir} (wissen = opnieuw beginnen).", flush=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(
                f"Let op: de speeltuin luistert op {host}, dus ook andere computers in het "
                "netwerk kunnen meedoen. Gebruik geen echte gegevens.",
                flush=True,
            )
        await stop.wait()
