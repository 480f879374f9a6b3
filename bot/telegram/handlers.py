"""PTB handlers: each reads the update into an ``Incoming``, sends the dialog's first aid (help
lines, without the database and before the flood throttle), lets the dialog decide and store
(one transaction with the replies in the outbox, committed), then delivers the replies."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Out, Send, Toast
from bot.chat.view import html
from bot.telegram.deliver import deliver
from bot.telegram.outbox import OutboxSender
from bot.telegram.throttle import FLOOD_NOTICE, Throttle
from bot.telegram.turns import committed
from bot.translate import negotiate, translator

Context = ContextTypes.DEFAULT_TYPE
MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "document",
    "animation",
    "location",
    "contact",
    "poll",
)


def incoming_from(update: Update, **fields: Any) -> Incoming:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return Incoming(
        update_id=update.update_id,
        user_id=user.id,
        principal=str(user.id),
        language_code=user.language_code,
        private=chat.type == "private",
        **fields,
    )


def parse_command(text: str) -> tuple[str, tuple[str, ...]]:
    """'/start@samen_bot TOKEN' → ('start', ('TOKEN',))."""
    head, *args = text.split()
    return head[1:].split("@", 1)[0].lower(), tuple(args)


def register_handlers(
    application: Application[Any, Any, Any, Any, Any, Any], dialog: Dialog, sender: OutboxSender
) -> None:
    """All handlers, in one place. Order matters: commands before plain text, text before the
    catch-all for media; only private chats are served (answers are personal)."""

    throttle = Throttle()

    async def help_first(context: Context, chat_id: int, incoming: Incoming) -> None:
        aid = dialog.first_aid(incoming)
        if aid:
            await deliver(context.bot, chat_id, aid)

    async def reply(update: Update, context: Context, incoming: Incoming) -> None:
        chat = update.effective_chat
        assert chat is not None
        assert update.effective_user is not None
        # Help first: before the throttle and the database, so neither can hold it back.
        await help_first(context, chat.id, incoming)
        allowed, notify = throttle.check(update.effective_user.id)
        if not allowed:
            # Dropped: nothing to store, so the user's next update need not wait for the notice.
            committed()
            # A throttled press is still answered (first), so its spinner stops.
            outs: list[Out] = [Toast()] if update.callback_query is not None else []
            if notify:
                t = translator(
                    negotiate(incoming.language_code, dialog.runtime.settings.default_locale)
                )
                outs.append(Send(html(t, FLOOD_NOTICE, {})))
            await deliver(context.bot, chat.id, outs, update.callback_query)
            return
        handled = await dialog.handle_into_outbox(incoming, sender.slot(chat.id))
        await sender.deliver_now(
            context.bot,
            chat.id,
            handled.outs,
            handled.outbox_id,
            update.callback_query,
        )

    async def on_command(update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_message.text
        command, args = parse_command(update.effective_message.text)
        await reply(update, context, incoming_from(update, command=command, args=args))

    async def on_button(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        message_id = query.message.message_id if query.message is not None else None
        await reply(
            update,
            context,
            incoming_from(update, button=query.data or "", button_message_id=message_id),
        )

    async def on_text(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await reply(update, context, incoming_from(update, text=update.effective_message.text))

    async def on_media(update: Update, context: Context) -> None:
        message = update.effective_message
        kind = next(
            (k for k in MEDIA_KINDS if message is not None and getattr(message, k)), "other"
        )
        caption = message.caption if message is not None else None
        await reply(update, context, incoming_from(update, media=kind, caption=caption))

    async def on_edit(update: Update, context: Context) -> None:
        # An edit is not a new answer (what was stored stays), but what the message says now
        # is read like any message: a disclosure added by editing gets the help lines.
        message = update.edited_message
        assert message is not None
        edited = incoming_from(update, text=message.text, caption=message.caption)
        await help_first(context, message.chat_id, edited)

    edits = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE
    application.add_handler(MessageHandler(edits, on_edit))
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private & filters.COMMAND, on_command))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(private & filters.TEXT, on_text))
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, on_media))
