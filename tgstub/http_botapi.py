"""The Telegram-compatible HTTP surface: `/bot<token>/<method>` and `/file/bot<token>/<path>`."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from tgstub.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from tgstub.methods import METHODS, RawResult
from tgstub.params import read_params
from tgstub.state import LocalState

log = logging.getLogger(__name__)

STATE_KEY = web.AppKey("localapi_state", LocalState)


def add_botapi_routes(app: web.Application) -> None:
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handle_file)


def ok_response(result: Any) -> web.Response:
    if isinstance(result, RawResult):
        body = b'{"ok":true,"result":' + result.body + b"}"
    else:
        body = json.dumps(
            {"ok": True, "result": result}, ensure_ascii=False, separators=(",", ":")
        ).encode()
    return web.Response(body=body, content_type="application/json")


def error_response(error: ApiError) -> web.Response:
    return web.Response(
        status=error.error_code,
        body=json.dumps(error.to_json(), ensure_ascii=False).encode(),
        content_type="application/json",
    )


async def handle_method(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    if request.match_info["token"] != state.token:
        return error_response(UNAUTHORIZED)
    name = request.match_info["method"].lower()
    handler = METHODS.get(name)
    if handler is None:
        return error_response(NOT_FOUND)
    state.calls[name] += 1
    try:
        params = await read_params(request)
        state.call_log.append((name, params.raw("chat_id")))
        hold = state.faults.hold_for(params.raw("chat_id"))
        if hold is not None:
            await hold.wait()
        fault = state.faults.take(name, params.raw("chat_id"))
        if fault is not None:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
            error = fault.error()
            if error is not None:
                raise error
        result = await handler(state, params)
    except ApiError as error:
        log.debug("%s -> %s", name, error.error_code)
        return error_response(error)
    return ok_response(result)


async def handle_file(request: web.Request) -> web.Response:
    state = request.config_dict[STATE_KEY]
    if request.match_info["token"] != state.token:
        return error_response(UNAUTHORIZED)
    stored = state.files.by_path(request.match_info["file_path"])
    if stored is None:
        return error_response(NOT_FOUND)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )
