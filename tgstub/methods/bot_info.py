"""getMe, commands, menu button and the other bot-level methods."""

from __future__ import annotations

import re
from typing import Any

from tgstub.errors import bad_request
from tgstub.methods.registry import always_true, method
from tgstub.objects import Json
from tgstub.params import Params
from tgstub.state import LocalState, commands_key

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

always_true(
    "close",
    "logOut",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMyDefaultAdministratorRights",
)


@method("getMe")
async def get_me(state: LocalState, params: Params) -> Json:
    return state.bot_user


@method("setMyCommands")
async def set_my_commands(state: LocalState, params: Params) -> bool:
    commands = params.obj("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    cleaned = [_command(item) for item in commands]
    key = _key(params)
    if cleaned:
        state.commands[key] = cleaned
    else:
        state.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(state: LocalState, params: Params) -> list[Json]:
    return state.commands.get(_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(state: LocalState, params: Params) -> bool:
    state.commands.pop(_key(params), None)
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(state: LocalState, params: Params) -> bool:
    chat_id = params.integer("chat_id")
    button = params.obj("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    state.menu_buttons[chat_id] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: LocalState, params: Params) -> Json:
    chat_id = params.integer("chat_id")
    button = state.menu_buttons.get(chat_id) or state.menu_buttons.get(None)
    if button is None or button.get("type") == "default":
        return {"type": "commands"}
    return button


def _key(params: Params) -> tuple[str, str]:
    language = params.string("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return commands_key(params.obj("scope"), language)


def _command(item: Any) -> Json:
    if not isinstance(item, dict):
        raise bad_request("can't parse BotCommand JSON object")
    command, description = item.get("command"), item.get("description")
    if not isinstance(command, str) or not _COMMAND_RE.match(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": command, "description": description}
