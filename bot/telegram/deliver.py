"""Send the dialog's replies through the Bot API; the only module that knows PTB markup."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InputFile,
)
from telegram.error import BadRequest, Forbidden

from bot.chat.events import (
    EditButtons,
    Keyboard,
    Out,
    Send,
    SendDocument,
    SendPhoto,
    SetMenu,
    Toast,
)
from bot.split import split_message

log = logging.getLogger(__name__)


def markup_json(buttons: Keyboard) -> dict[str, Any] | None:
    """The Bot API's ``InlineKeyboardMarkup`` as JSON (what PTB would serialise its objects to)."""
    if not buttons:
        return None
    rows = [[{"text": b.text, "callback_data": b.data} for b in row] for row in buttons]
    return {"inline_keyboard": rows}


async def _call(bot: Bot, method: str, data: dict[str, Any]) -> None:
    """A Bot API call whose answer nobody reads, on PTB's own request path (``Bot._post``, as
    its ``send_message`` takes: the rate limiter, retries and the same errors), with the text
    options of the bot's ``Defaults`` (HTML, no link previews).

    Why not ``bot.send_message``: it turns Telegram's answer into a ``Message`` with its
    keyboard, and the keyboard it is sent with into objects first; nothing here reads either,
    and both were about 5 % of the bot's CPU per update (``benchmarks.e2e``: ``cpu_ratio``
    1.80 -> 1.71)."""
    defaults = getattr(bot, "defaults", None)
    if defaults is not None:
        data.setdefault("parse_mode", defaults.parse_mode)
        data.setdefault("link_preview_options", defaults.link_preview_options)
    await bot._post(method, data)


async def deliver(
    bot: Bot,
    chat_id: int,
    outs: Sequence[Out],
    query: CallbackQuery | None = None,
) -> None:
    """Send in order, the answer to a button press first (so its spinner stops at once, before
    any message is sent or edited). A user who blocked the bot is given up on, as Telegram's
    rules say."""
    toasts = [out for out in outs if isinstance(out, Toast)]
    ordered = toasts[:1] + [out for out in outs if not isinstance(out, Toast)]
    try:
        for out in ordered:
            await _deliver_one(bot, chat_id, out, query)
    except Forbidden:
        log.info("chat unreachable (blocked or deleted); replies dropped")


async def _deliver_one(bot: Bot, chat_id: int, out: Out, query: CallbackQuery | None) -> None:
    if isinstance(out, Send):
        # The previous question keeps its buttons: removing them cost an editMessageReplyMarkup
        # per answer. A tapped answer heads the next message ("✔ <answer>", see
        # bot.chat.answering), and a press on an older question's button is answered as stale
        # ("hoort bij een oude vraag").
        chunks = split_message(out.text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            keyboard = markup_json(out.buttons) if last else None
            await _call(
                bot, "sendMessage", {"chat_id": chat_id, "text": chunk, "reply_markup": keyboard}
            )
    elif isinstance(out, EditButtons):
        if out.text is not None:
            await _edit_text(bot, chat_id, out.message_id, out.text, out.buttons)
        else:
            await _edit_markup(bot, chat_id, out.message_id, out.buttons)
    elif isinstance(out, SendPhoto):
        await bot.send_photo(chat_id, photo=out.data, caption=out.caption or None)
    elif isinstance(out, SendDocument):
        await bot.send_document(
            chat_id,
            document=InputFile(out.data, filename=out.filename),
            caption=out.caption or None,
        )
    elif isinstance(out, SetMenu):
        await _set_menu(bot, out)
    elif isinstance(out, Toast) and query is not None:
        try:
            await query.answer(out.text or None, show_alert=len(out.text) > 60)
        except BadRequest as error:
            # "query is too old" (over 15 s) or unknown: the replies still go out.
            log.debug("button press not answered: %s", error.message)


async def _edit_markup(bot: Bot, chat_id: int, message_id: int, buttons: Keyboard) -> None:
    try:
        await _call(
            bot,
            "editMessageReplyMarkup",
            {"chat_id": chat_id, "message_id": message_id, "reply_markup": markup_json(buttons)},
        )
    except BadRequest as error:
        # "message is not modified" or a message that is gone: nothing to retire.
        log.debug("keyboard not edited: %s", error.message)


async def _edit_text(bot: Bot, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None:
    try:
        data = {"chat_id": chat_id, "message_id": message_id, "text": split_message(text)[0]}
        await _call(bot, "editMessageText", {**data, "reply_markup": markup_json(buttons)})
    except BadRequest as error:
        log.debug("message not edited: %s", error.message)


async def _set_menu(bot: Bot, menu: SetMenu) -> None:
    scope = BotCommandScopeChat(menu.chat_id)
    try:
        if menu.commands:
            commands = [BotCommand(name, description) for name, description in menu.commands]
            await bot.set_my_commands(commands, scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except BadRequest as error:  # e.g. a chat that no longer exists: the menu does not matter
        log.debug("menu not set: %s", error.message)
