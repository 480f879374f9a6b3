"""The aiohttp application of the browser channel.

Routes:

- ``GET /j/<token>``: a campaign link's landing page (404 unknown, 410 closed or expired; a
  werkgroep invite gets a page saying those work only in Telegram)
- ``POST /j/<token>``: "Beantwoord hier in je browser": the dialog's ``/start <token>``
- ``GET /s``: where this session stands (reload resumes); ``POST /s``: a button, a web command
  or a typed answer
- ``GET /healthz``, ``GET /static/{app.css,app.js}``, ``GET /``

Every POST needs the session cookie and its CSRF token, or it is refused before anything is
read from or written to the database. A post is handled exactly once: the page's nonce becomes
the dialog's update id (negative, so it never meets a Telegram update id), and a replayed or
out-of-date post is answered with the current question. Typed text is never a command.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from aiohttp import web

from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Out, Send, Toast
from bot.chat.render import question_token
from bot.i18n import N_
from bot.runtime import Runtime, warm_up_soon
from bot.translate import negotiate, translator
from bot.web import page
from bot.web.limits import ADDRESS_RATE, SESSION_RATE, Buckets, Rate
from bot.web.session import COOKIE_NAME, SessionKeys, principal
from storage import web as store
from storage.feedback import published
from storage.handles import DatabaseError
from storage.models import Campaign, Invite
from storage.repo import campaign_is_open

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"app.css": "text/css", "app.js": "text/javascript"}
# Far above any answer (the engine caps free text at a few thousand characters), far below
# what would let a client make the server buffer much.
MAX_BODY = 16 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NONCE = re.compile(r"^[1-9][0-9]{0,18}$")
_NONCE_BITS = 62
DB_ERRORS = (DatabaseError, OSError, asyncio.TimeoutError)

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The campaign token is in the URL: it must not travel on to a linked site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass
class WebState:
    runtime: Runtime
    dialog: Dialog
    keys: SessionKeys
    secure_cookie: bool
    sessions: Buckets
    addresses: Buckets
    behind_proxy: bool = False


STATE = web.AppKey("web_state", WebState)


def create_app(
    runtime: Runtime,
    *,
    session_rate: Rate = SESSION_RATE,
    address_rate: Rate = ADDRESS_RATE,
    behind_proxy: bool = False,
) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_headers])
    app[STATE] = WebState(
        runtime,
        Dialog(runtime),
        SessionKeys(runtime.pepper),
        runtime.settings.public_url.startswith("https://"),
        Buckets(session_rate),
        Buckets(address_rate),
        behind_proxy,
    )
    app.on_startup.append(_start_warm_up)
    app.on_cleanup.append(_stop_warm_up)
    app.add_routes(
        [
            web.get("/", handle_home),
            web.get("/healthz", handle_health),
            web.get("/static/{name}", handle_static),
            web.get("/j/{token}", handle_landing),
            web.post("/j/{token}", handle_start),
            web.get("/s", handle_current),
            web.post("/s", handle_post),
        ]
    )
    return app


WARM_UP: web.AppKey[asyncio.Task[None]] = web.AppKey("warm_up", asyncio.Task)


async def _start_warm_up(app: web.Application) -> None:
    app[WARM_UP] = asyncio.create_task(warm_up_soon(app[STATE].runtime))


async def _stop_warm_up(app: web.Application) -> None:
    task = app[WARM_UP]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@web.middleware
async def _headers(
    request: web.Request,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # 404 and 405 from the router
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


# --- small helpers ----------------------------------------------------------------------------


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def _language_code(request: web.Request) -> str | None:
    """The browser's first language, only to pick a locale; never stored."""
    header = request.headers.get("Accept-Language", "")
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return first[:16] or None


def _address(request: web.Request, behind_proxy: bool) -> str:
    """The client address for the flood limit only (kept in memory, never logged)."""
    if behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.remote or ""


def _new_nonce() -> int:
    return secrets.randbits(_NONCE_BITS) + 1


def _nonce(value: object) -> int | None:
    if isinstance(value, str) and _NONCE.fullmatch(value):
        number = int(value)
        if number <= 2**_NONCE_BITS:
            return number
    return None


def _token(view: store.SessionView) -> str:
    if view.conversation_id is None or view.state is None:
        return ""
    return question_token(view.conversation_id, view.state, view.answered)


def _plain_page(state: WebState, request: web.Request, text: str, status: int) -> web.Response:
    """A page with one translated message and no forms (errors, refusals, the home page)."""
    t = translator(negotiate(_language_code(request), state.runtime.settings.default_locale))
    chrome = page.Chrome(t, "", "")
    return _html(page.document(chrome, page.notice(t.gettext(text))), status)


def _set_cookie(state: WebState, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        value,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=state.secure_cookie,
    )


def _session(state: WebState, request: web.Request) -> tuple[str, str | None]:
    """(session id, cookie to set or None): a missing or forged cookie gets a fresh session."""
    session_id = state.keys.session_id(request.cookies.get(COOKIE_NAME))
    if session_id is not None:
        return session_id, None
    return state.keys.new_cookie()


TOO_MANY = N_(
    "Rustig aan: je stuurt te veel berichten tegelijk. Wacht even en stuur dan je antwoord opnieuw."
)
TOO_LARGE = N_("Dit bericht is te lang. Maak het korter en probeer het opnieuw.")
EXPIRED_FORM = N_("Deze pagina is verlopen. Open je link opnieuw en probeer het nog eens.")
UNKNOWN_LINK = N_(
    "Deze link werkt niet (meer). Vraag degene die je de link gaf om een nieuwe link."
)
CLOSED = N_("Deze ronde is gesloten. Je kunt niet meer meedoen. Dank je wel voor je interesse!")
TELEGRAM_ONLY = N_(
    "Werkgroeplinks werken alleen in Telegram. Open deze link op een telefoon of computer met "
    "Telegram."
)
TROUBLE = N_(
    "Er ging iets mis aan onze kant. Je laatste antwoord is niet bewaard. Probeer het over een "
    "paar minuten opnieuw."
)
STOPPED = N_(
    "Je bent gestopt. Wat je al hebt beantwoord, is bewaard. Tik op Verder om verder te gaan."
)
HELLO = N_(
    "Hallo! Met deze bot geef je je mening aan je gemeente, of werk je mee aan een plan. Je hebt "
    "daarvoor een link of QR-code nodig, bijvoorbeeld van school, het jongerenwerk of de gemeente. "
    "Open die link, dan kun je beginnen."
)


# --- GET routes -------------------------------------------------------------------------------


async def handle_home(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    return _plain_page(state, request, HELLO, 200)


async def handle_health(request: web.Request) -> web.Response:
    """The bot's own health check: the database answers and its schema is this code's."""
    from bot.ops.server import check_health

    healthy, body = await check_health(request.config_dict[STATE].runtime.database)
    return web.json_response(body, status=200 if healthy else 503)


async def handle_static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=(STATIC_DIR / name).read_bytes(),
        content_type=content_type,
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


async def handle_landing(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    if not state.addresses.allow(_address(request, state.behind_proxy)):
        return _plain_page(state, request, TOO_MANY, 429)
    token = request.match_info["token"]
    if not _TOKEN.fullmatch(token):
        return _plain_page(state, request, UNKNOWN_LINK, 404)
    session_id, cookie = _session(state, request)
    try:
        async with state.runtime.reads() as session:
            target = await store.link_target(session, token)
            view = await store.session_view(session, state.runtime.subject(principal(session_id)))
            # What the werkgroep did with the answers (#17.5), open or closed.
            sent = await published(session, target.id) if isinstance(target, Campaign) else []
    except DB_ERRORS:
        log.warning("database unreachable while showing a landing page")
        return _plain_page(state, request, TROUBLE, 503)
    if isinstance(target, Invite):
        return _plain_page(state, request, TELEGRAM_ONLY, 200)
    if not isinstance(target, Campaign):
        return _plain_page(state, request, UNKNOWN_LINK, 404)
    if not campaign_is_open(target) and not sent:
        return _plain_page(state, request, CLOSED, 410)
    werkgroep = await _werkgroep_naam(state, target)
    t = translator(
        view.locale or negotiate(_language_code(request), state.runtime.settings.default_locale)
    )
    chrome = page.Chrome(t, state.keys.csrf_token(session_id), str(_new_nonce()))
    if not campaign_is_open(target):
        body = page.notice(t.gettext(CLOSED)) + page.feedback(t, sent)
        return _html(page.document(chrome, body))
    username = state.runtime.bot_username
    telegram = f"https://t.me/{username}?start={token}" if username else None
    body = page.landing(chrome, token, werkgroep, telegram, formal=target.audience == "ouders")
    body += page.feedback(t, sent)
    response = _html(page.document(chrome, body))
    if cookie is not None:
        _set_cookie(state, response, cookie)
    return response


async def _werkgroep_naam(state: WebState, campaign: Campaign) -> str:
    from storage.models import Werkgroep

    try:
        async with state.runtime.reads() as session:
            werkgroep = await session.get(Werkgroep, campaign.werkgroep_id)
    except DB_ERRORS:
        return ""
    return werkgroep.naam if werkgroep is not None else ""


async def handle_current(request: web.Request) -> web.Response:
    """Where this browser's session stands; a reload of the page resumes here."""
    state = request.config_dict[STATE]
    if not state.addresses.allow(_address(request, state.behind_proxy)):
        return _plain_page(state, request, TOO_MANY, 429)
    session_id = state.keys.session_id(request.cookies.get(COOKIE_NAME))
    if session_id is None:
        return _plain_page(state, request, HELLO, 200)
    language = _language_code(request)
    try:
        outs = await _current(state, session_id, language)
        return await _render(state, session_id, language, outs)
    except DB_ERRORS:
        log.warning("database unreachable while showing the current question")
        return _plain_page(state, request, TROUBLE, 503)


# --- POST routes ------------------------------------------------------------------------------


class Shown(NamedTuple):
    outs: list[Out]
    view: store.SessionView | None = None


@dataclass(frozen=True)
class Posted:
    session_id: str
    nonce: int | None
    form: dict[str, str]


async def _accept(request: web.Request) -> Posted | web.Response:
    """The checks before anything touches the database: limits, size, cookie, CSRF token."""
    state = request.config_dict[STATE]
    if not state.addresses.allow(_address(request, state.behind_proxy)):
        return _plain_page(state, request, TOO_MANY, 429)
    try:
        raw = await request.post()
    except web.HTTPRequestEntityTooLarge:
        return _plain_page(state, request, TOO_LARGE, 413)
    form = {key: value for key, value in raw.items() if isinstance(value, str)}
    session_id = state.keys.session_id(request.cookies.get(COOKIE_NAME))
    if session_id is None or not state.keys.csrf_ok(session_id, form.get("csrf")):
        return _plain_page(state, request, EXPIRED_FORM, 403)
    if not state.sessions.allow(session_id):
        return _plain_page(state, request, TOO_MANY, 429)
    return Posted(session_id, _nonce(form.get("n")), form)


async def handle_start(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    posted = await _accept(request)
    if isinstance(posted, web.Response):
        return posted
    token = request.match_info["token"]
    if not _TOKEN.fullmatch(token):
        return _plain_page(state, request, UNKNOWN_LINK, 404)
    language = _language_code(request)
    try:
        async with state.runtime.reads() as session:
            target = await store.link_target(session, token)
        if not isinstance(target, Campaign):
            # Werkgroep invites join a Telegram account; the web never sends them on.
            text = TELEGRAM_ONLY if isinstance(target, Invite) else UNKNOWN_LINK
            return _plain_page(state, request, text, 200 if target is not None else 404)
        shown = await _handle(state, posted, language, command="start", args=(token,))
        if not shown.outs:  # the same form posted again: show where the session stands now
            shown = await _handle(
                state, posted, language, fresh=True, command="start", args=(token,)
            )
        return await _render(
            state, posted.session_id, language, shown.outs, link_token=token, view=shown.view
        )
    except DB_ERRORS:
        log.warning("database unreachable while starting a consultation")
        return _plain_page(state, request, TROUBLE, 503)


async def handle_post(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    posted = await _accept(request)
    if isinstance(posted, web.Response):
        return posted
    form = posted.form
    language = _language_code(request)
    text = form.get("t")
    echo: str | None = None
    try:
        view = None
        if "b" in form:
            data, _, label = form["b"].partition(page.LABEL_SEPARATOR)
            outs, view = await _handle(state, posted, language, button=data[:64])
            refused = any(isinstance(out, Toast) and out.text for out in outs)
            # An option that was taken (not a toggle, not a refused press) is shown back.
            toggle = label.startswith((page.CHECKED, page.UNCHECKED))
            if data.startswith("o:") and not refused and not toggle:
                echo = label
        elif form.get("c") in page.COMMANDS:
            outs, view = await _handle(state, posted, language, command=form["c"])
        elif text is not None:
            (outs, view), taken = await _answer(state, posted, language, text)
            echo = text.strip() if taken and outs and text.strip() else None
        else:
            outs = []
        if not outs:
            echo, view = None, None
            outs = await _current(state, posted.session_id, language)
        link = form.get("j", "")
        return await _render(
            state,
            posted.session_id,
            language,
            outs,
            echo,
            crisis=_crisis(state, language, text),
            link_token=link if _TOKEN.fullmatch(link) else "",
            view=view,
        )
    except DB_ERRORS:
        log.warning("database unreachable while handling a post")
        command = form.get("c", "")
        return _trouble(
            state, request, posted.session_id, text, command if command in page.COMMANDS else ""
        )


async def _answer(
    state: WebState, posted: Posted, language: str | None, text: str
) -> tuple[Shown, bool]:
    """A typed answer, only for the question the page showed (an old page's text is not moved
    on to whatever question is open now); the bool says whether the dialog got it."""
    subject = state.runtime.subject(principal(posted.session_id))
    async with state.runtime.reads() as session:
        view = await store.session_view(session, subject)
    if posted.form.get("q", "") != _token(view):
        outs = await _current(state, posted.session_id, language)
        return Shown([*_first_aid(state, posted.session_id, language, text=text), *outs]), False
    return await _handle(state, posted, language, text=text), True


def _incoming(session_id: str, language: str | None, **fields: object) -> Incoming:
    return Incoming(
        update_id=-_new_nonce(),
        user_id=None,
        principal=principal(session_id),
        language_code=language,
        **fields,  # type: ignore[arg-type]
    )


def _first_aid(
    state: WebState, session_id: str, language: str | None, **fields: object
) -> list[Out]:
    """The dialog's first aid (help lines), without the database: as in Telegram."""
    return state.dialog.first_aid(_incoming(session_id, language, **fields))


def _crisis(state: WebState, language: str | None, text: str | None) -> bool:
    return bool(text) and bool(_first_aid(state, "", language, text=text))


def _trouble(
    state: WebState, request: web.Request, session_id: str, text: str | None, command: str
) -> web.Response:
    """The database is down: nothing was stored. A crisis text (and the Hulplijnen button)
    still gets the help lines: they need no database."""
    language = _language_code(request)
    # The session's language when this process has seen it (as the help lines use), else the
    # browser's: an Arabic session gets an Arabic, right-to-left page around them.
    t = translator(state.dialog.locale_of(_incoming(session_id, language)))
    body = ""
    fields = {"command": command} if command else {"text": text}
    for out in _first_aid(state, session_id, language, **fields):
        assert isinstance(out, Send)
        body += page.help_lines(out.text)
    body += page.notice(t.gettext(TROUBLE))
    return _html(page.document(page.Chrome(t, "", ""), body), 503)


async def _handle(
    state: WebState,
    posted: Posted,
    language: str | None,
    *,
    fresh: bool = False,
    **fields: object,
) -> Shown:
    """What the dialog answers, with where the session stands after it (read in the same
    transaction; None when the event changed nothing, e.g. a replayed form)."""
    nonce = None if fresh else posted.nonce
    incoming = Incoming(
        update_id=-(nonce if nonce is not None else _new_nonce()),
        user_id=None,
        principal=principal(posted.session_id),
        language_code=language,
        **fields,  # type: ignore[arg-type]
    )
    # Help first, as in Telegram; the dialog does not send it again.
    aid = state.dialog.first_aid(incoming)
    handled = await state.dialog.handle_and_look(incoming, store.session_view)
    return Shown([*aid, *handled.outs], handled.view)


async def _current(state: WebState, session_id: str, language: str | None) -> list[Out]:
    """The open question again, as the dialog shows it on resuming; nothing when none is open."""
    subject = state.runtime.subject(principal(session_id))
    async with state.runtime.reads() as session:
        view = await store.session_view(session, subject)
    if view.conversation_id is None:
        return []
    outs = await state.dialog.handle(
        Incoming(
            update_id=-_new_nonce(),
            user_id=None,
            principal=principal(session_id),
            language_code=language,
            command=page.COMMAND_RESUME,
        )
    )
    return [out for out in outs if isinstance(out, Send) and out.question]


async def _again(
    state: WebState, session_id: str, language: str | None, link_token: str
) -> list[Out]:
    """The privacy notice of the campaign again (``/start <token>`` is idempotent there)."""
    return await state.dialog.handle(
        Incoming(
            update_id=-_new_nonce(),
            user_id=None,
            principal=principal(session_id),
            language_code=language,
            command="start",
            args=(link_token,),
        )
    )


async def _render(
    state: WebState,
    session_id: str,
    language: str | None,
    outs: list[Out],
    echo: str | None = None,
    *,
    crisis: bool = False,
    link_token: str = "",
    view: store.SessionView | None = None,
) -> web.Response:
    """The page: ``outs`` and where the session stands (``view``; read here when not given)."""
    if view is None:
        subject = state.runtime.subject(principal(session_id))
        async with state.runtime.reads() as session:
            view = await store.session_view(session, subject)
    consenting = view.mode == "consent" and bool(link_token)
    if consenting and not any(isinstance(out, Send) and out.buttons for out in outs):
        # The notice's buttons must stay on the page (Telegram keeps the old message).
        outs = [*outs, *await _again(state, session_id, language, link_token)]
    pausing = view.mode == "crisis_pause"  # after a crisis answer: the next question waits
    if (
        view.conversation_id is not None
        and not pausing
        and not any(isinstance(out, Send) and out.question for out in outs)
    ):
        # A tip, a notice or a refused press: the open question stays on the page.
        outs = [*outs, *await _current(state, session_id, language)]
    t = translator(view.locale or negotiate(language, state.runtime.settings.default_locale))
    chrome = page.Chrome(
        t,
        state.keys.csrf_token(session_id),
        str(_new_nonce()),
        _token(view),
        active=view.conversation_id is not None,
        paused=view.paused,
        link_token=link_token if consenting else "",
    )
    main = page.conversation(chrome, outs, echo=echo, echo_at=1 if crisis else 0)
    if not main:
        main = page.notice(t.gettext(STOPPED if view.paused else HELLO))
    return _html(page.document(chrome, main))
