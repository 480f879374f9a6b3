"""Play users over HTTP JSON, for the browser playground and benchmark processes.

Mounted as a sub-application (default prefix `/_sim`), apart from the Bot API routes:

- `POST /send   {"user_id", "first_name"?, "username"?, "language_code"?, "text"}`
  (or `"media": "sticker" | "photo" | "voice"` instead of a text)
- `POST /press  {"user_id", "message_id", "data"}`
- `POST /update {...}`: any raw update
- `GET  /messages?chat_id=&after_message_id=&after_rev=&wait=&include_user=`: long-polls until
  the chat has something new; `rev` in the answer is the cursor for edits and deletions
- `GET  /file/<file_id>`: the bytes of a file sent by the bot or a play user
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tgstub import simulate
from tgstub.chats import ChatRecord, StoredMessage
from tgstub.files import FileStore
from tgstub.http_botapi import STATE_KEY
from tgstub.objects import Json, inline_rows
from tgstub.state import LocalState

MAX_WAIT = 60.0


def build_sim_app() -> web.Application:
    """A sub-app; mount it on the main app, whose STATE_KEY it reads."""
    app = web.Application()
    app.router.add_post("/send", handle_send)
    app.router.add_post("/press", handle_press)
    app.router.add_post("/update", handle_update)
    app.router.add_get("/messages", handle_messages)
    app.router.add_get("/file/{file_id}", handle_file, name="file")
    return app


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _fail(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _body(request: web.Request) -> Json:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None


def _chat_for(state: LocalState, body: Json) -> ChatRecord:
    return simulate.ensure_user(
        state,
        _int(body.get("user_id"), "user_id"),
        body.get("first_name"),
        last_name=body.get("last_name"),
        username=body.get("username"),
        language_code=body.get("language_code", "nl"),
    )


async def handle_send(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    body = await _body(request)
    chat = _chat_for(state, body)
    media = body.get("media")
    if media == "sticker":
        content = simulate.sticker_content(state)
    elif media == "photo":
        content = simulate.photo_content(state, caption=body.get("caption"))
    elif media == "voice":
        content = simulate.voice_content(state)
    elif isinstance(body.get("text"), str) and body["text"]:
        content = simulate.text_content(body["text"])
    else:
        return _fail(400, "text is empty")
    reply_to = body.get("reply_to_message_id")
    update = simulate.send_content(
        state, chat, content, reply_to=_int(reply_to, "reply_to_message_id") if reply_to else None
    )
    return _ok(
        {"update_id": update.get("update_id"), "message_id": update["message"]["message_id"]}
    )


async def handle_press(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    body = await _body(request)
    chat = _chat_for(state, body)
    data = body.get("data")
    update = simulate.press(
        state, chat, _int(body.get("message_id"), "message_id"), str(data) if data else None
    )
    return _ok(
        {"update_id": update.get("update_id"), "callback_query_id": update["callback_query"]["id"]}
    )


async def handle_update(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    entry = state.push_update(await _body(request))
    return _ok({"update_id": entry.update_id if entry else None})


async def handle_messages(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    query = request.query
    chat = state.chats.get(_int(query.get("chat_id"), "chat_id"))
    if chat is None:
        return _fail(404, "chat not found")
    after_id = _int(query.get("after_message_id", 0), "after_message_id")
    after_rev = _int(query["after_rev"], "after_rev") if "after_rev" in query else None
    include_user = query.get("include_user", "0") in ("1", "true")
    try:
        wait = min(max(float(query.get("wait", 0)), 0.0), MAX_WAIT)
    except ValueError:
        return _fail(400, "wait must be a number")

    def select() -> list[StoredMessage]:
        return [
            stored
            for stored in chat.messages.values()
            if (include_user or stored.from_bot)
            and stored.message_id > after_id
            and (after_rev is None or stored.rev > after_rev)
        ]

    await chat.signal.wait_until(lambda: bool(select()), wait)
    route = request.app.router["file"]

    def file_url(file_id: str) -> str:
        return str(route.url_for(file_id=file_id))

    messages = [message_json(stored, state.files, file_url) for stored in select()]
    return _ok({"chat_id": chat.chat_id, "rev": chat.rev, "messages": messages})


async def handle_file(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    stored = state.files.get(request.match_info["file_id"])
    if stored is None:
        return _fail(404, "file not found")
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def message_json(stored: StoredMessage, files: FileStore, file_url: Callable[[str], str]) -> Json:
    """A flat view of one message for the playground: text, buttons, media links."""
    payload = stored.payload
    view: Json = {
        "message_id": stored.message_id,
        "from_bot": stored.from_bot,
        "date": payload["date"],
        "rev": stored.rev,
        "deleted": stored.deleted,
        "edits": len(stored.history),
    }
    for key in ("text", "entities", "caption", "caption_entities"):
        if key in payload:
            view[key] = payload[key]
    rows = inline_rows(payload.get("reply_markup"))
    if rows:
        urls = [[b.get("url") for b in row] for row in payload["reply_markup"]["inline_keyboard"]]
        view["buttons"] = [
            [
                {"text": text, "callback_data": data, "url": url}
                for (text, data), url in zip(row, url_row, strict=True)
            ]
            for row, url_row in zip(rows, urls, strict=True)
        ]
    keyboard = stored.reply_keyboard or {}
    if keyboard.get("keyboard"):
        view["keyboard"] = [
            [b if isinstance(b, str) else b.get("text", "") for b in row]
            for row in keyboard["keyboard"]
        ]
    if keyboard.get("remove_keyboard"):
        view["remove_keyboard"] = True
    for kind in ("photo", "document", "sticker", "voice"):
        media = payload.get(kind)
        if media:
            item = media[-1] if isinstance(media, list) else media
            file_id = item["file_id"]
            stored_file = files.get(file_id)
            view[kind] = {
                "file_id": file_id,
                "url": file_url(file_id),
                "file_name": stored_file.file_name if stored_file else None,
                "mime_type": stored_file.mime_type if stored_file else None,
            }
    return view
