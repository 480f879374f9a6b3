"""The real python-telegram-bot Application, polling the local Bot API."""

from __future__ import annotations

import io

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tgstub import TINY_PNG, LocalBotApi

Context = ContextTypes.DEFAULT_TYPE


async def echo(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def test_echo_round_trip(api: LocalBotApi, builder: ApplicationBuilder, polling) -> None:
    """A text from a play user reaches the bot and the bot's reply lands in that user's chat."""
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    anna = api.user(1001, "Anna")
    bram = api.user(1002, "Bram")
    async with polling(app) as errors:
        await anna.send("Hallo")
        await bram.send("Hoi")
        await anna.send("Tweede")
        anna_seen = await anna.wait_for_messages(2)
        bram_seen = await bram.wait_for_messages(1)
    assert [m.text for m in anna_seen] == ["Hallo", "Tweede"]
    assert [m.text for m in bram_seen] == ["Hoi"]
    assert errors == []
    # The bot's message ids continue the chat's numbering after the user's own messages.
    assert anna_seen[0].message_id < anna_seen[1].message_id


async def test_start_deep_link_arrives_as_command_with_args(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """`/start TOKEN` is a bot_command entity, so CommandHandler sees it with args."""
    seen: list[list[str]] = []

    async def start(update: Update, context: Context) -> None:
        seen.append(list(context.args or []))
        assert update.effective_user is not None
        await update.effective_message.reply_text(  # type: ignore[union-attr]
            f"Welkom {update.effective_user.first_name}, code {context.args[0]}"  # type: ignore[index]
        )

    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    user = api.user(2001, "Chris", username="chris", language_code="nl")
    async with polling(app):
        await user.send("/start werkgroep_42")
        await user.send("/start@samenspraak_test_bot abc-9")
        messages = await user.wait_for_messages(2)
    assert seen == [["werkgroep_42"], ["abc-9"]]
    assert messages[0].text == "Welkom Chris, code werkgroep_42"


async def test_inline_keyboard_press_is_answered_and_markup_edited(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """Pressing a button reaches CallbackQueryHandler; its answer and edit show in the chat."""

    async def ask(update: Update, context: Context) -> None:
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Ja", callback_data="q1:yes")],
                [InlineKeyboardButton("Nee", callback_data="q1:no")],
            ]
        )
        await update.effective_message.reply_text("Doe je mee?", reply_markup=keyboard)  # type: ignore[union-attr]

    async def on_press(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer(f"Gekozen: {query.data}")
        await query.edit_message_reply_markup(
            InlineKeyboardMarkup([[InlineKeyboardButton("✓ Ja", callback_data="done")]])
        )

    app = builder.build()
    app.add_handler(CommandHandler("vraag", ask))
    app.add_handler(CallbackQueryHandler(on_press))
    user = api.user(3001, "Dewi")
    async with polling(app) as errors:
        await user.send("/vraag")
        (question,) = await user.wait_for_messages(1)
        assert question.buttons == [[("Ja", "q1:yes")], [("Nee", "q1:no")]]
        pressed = await user.click(question, "Ja")
        answer = await user.wait_answer(pressed)
        await user.wait_until(lambda u: u.messages()[0].edited)
    assert answer.text == "Gekozen: q1:yes"
    assert not answer.show_alert
    edited = user.messages()[0]
    assert edited.text == "Doe je mee?"
    assert edited.buttons == [[("✓ Ja", "done")]]
    assert edited.edits[0].buttons == question.buttons
    assert pressed["callback_query"]["chat_instance"]
    assert errors == []


async def test_edit_text_and_remove_reply_keyboard(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """editMessageText replaces the text (HTML parsed) and keeps the old version as history."""

    async def flow(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        sent = await message.reply_text("Even <b>wachten</b>…", parse_mode=ParseMode.HTML)
        await sent.edit_text("Klaar &amp; <i>bedankt</i>", parse_mode=ParseMode.HTML)
        await message.reply_text("Toetsenbord weg", reply_markup=ReplyKeyboardRemove())

    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, flow))
    user = api.user(3101, "Eva")
    async with polling(app) as errors:
        await user.send("go")
        await user.wait_for_messages(2)
    first, second = user.messages()
    assert first.text == "Klaar & bedankt"
    assert first.entities == [{"offset": 8, "length": 7, "type": "italic"}]
    assert [e.text for e in first.edits] == ["Even wachten…"]
    assert second.removes_keyboard
    assert errors == []


async def test_photo_and_document_uploads_are_readable(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """Multipart uploads are stored: the play user and getFile both return the same bytes."""
    downloaded: list[bytes] = []

    async def send_files(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        photo_message = await message.reply_photo(io.BytesIO(TINY_PNG), caption="Grafiek")
        await message.reply_document(b"# Plan\n\nStap 1", filename="plan.md", caption="Het *plan*")
        photo_file = await context.bot.get_file(photo_message.photo[-1].file_id)
        downloaded.append(bytes(await photo_file.download_as_bytearray()))

    app = builder.build()
    app.add_handler(CommandHandler("export", send_files))
    user = api.user(4001, "Fenna")
    async with polling(app) as errors:
        await user.send("/export")
        await user.wait_for_messages(2)
    photo_message, document_message = user.messages()
    assert photo_message.photo == TINY_PNG
    assert photo_message.caption == "Grafiek"
    assert photo_message.payload["photo"][-1]["width"] == 1
    assert document_message.document is not None
    assert document_message.document.data == b"# Plan\n\nStap 1"
    assert document_message.document.file_name == "plan.md"
    assert downloaded == [TINY_PNG]
    assert errors == []


async def test_unexpected_media_from_user_reaches_the_bot(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """Stickers, photos and voice notes arrive as such, and their files can be downloaded."""
    kinds: list[str] = []
    voice_bytes: list[bytes] = []

    async def on_media(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if message.sticker:
            kinds.append("sticker")
        elif message.photo:
            kinds.append("photo")
        elif message.voice:
            kinds.append("voice")
            file = await message.voice.get_file()
            voice_bytes.append(bytes(await file.download_as_bytearray()))
        await message.reply_text("Ik begrijp alleen tekst.")

    app = builder.build()
    app.add_handler(MessageHandler(~filters.TEXT, on_media))
    user = api.user(4101, "Gijs")
    async with polling(app) as errors:
        await user.send_sticker()
        await user.send_photo(caption="kijk")
        await user.send_voice(b"OggS-voice-bytes")
        await user.wait_for_messages(3)
    assert kinds == ["sticker", "photo", "voice"]
    assert voice_bytes == [b"OggS-voice-bytes"]
    assert errors == []


async def test_same_update_injected_twice_is_delivered_twice(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """A redelivered update (same update_id) reaches the handlers again, as Telegram may do."""
    seen_ids: list[int] = []

    async def record(update: Update, context: Context) -> None:
        seen_ids.append(update.update_id)
        await update.effective_message.reply_text("ok")  # type: ignore[union-attr]

    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, record))
    user = api.user(5001, "Hans")
    async with polling(app):
        update = await user.send("antwoord")
        await user.wait_for_messages(1)
        api.raw_update(update)
        await user.wait_for_messages(2)
    assert seen_ids == [update["update_id"], update["update_id"]]


async def test_blocked_user_gives_forbidden_and_my_chat_member(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """After a block the bot gets a my_chat_member update and sends fail with 403 Forbidden."""
    statuses: list[str] = []
    failures: list[str] = []

    async def on_member(update: Update, context: Context) -> None:
        assert update.my_chat_member is not None
        statuses.append(update.my_chat_member.new_chat_member.status)
        try:
            await context.bot.send_message(update.my_chat_member.chat.id, "Jammer!")
        except Forbidden as exc:
            failures.append(exc.message)

    app = builder.build()
    app.add_handler(ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    user = api.user(5101, "Ilse")
    async with polling(app):
        user.block()
        await user.wait_until(lambda _: bool(failures), timeout=5)
    assert statuses == ["kicked"]
    assert failures == ["Forbidden: bot was blocked by the user"]
    assert user.messages() == []


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_language_code_is_passed_on(
    api: LocalBotApi, builder: ApplicationBuilder, polling, language: str
) -> None:
    """The play user's language_code is on `effective_user`, where locale resolution reads it."""

    async def reply_language(update: Update, context: Context) -> None:
        assert update.effective_user is not None
        await update.effective_message.reply_text(str(update.effective_user.language_code))  # type: ignore[union-attr]

    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, reply_language))
    user = api.user(5201, "Jan", language_code=language)
    async with polling(app):
        await user.send("taal?")
        (reply,) = await user.wait_for_messages(1)
    assert reply.text == language
