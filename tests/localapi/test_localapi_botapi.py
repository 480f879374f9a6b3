"""The Bot API surface over plain HTTP: response shapes, getUpdates semantics, validations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from telegram.error import BadRequest, InvalidToken

from tgstub import LocalBotApi


async def call(
    http: aiohttp.ClientSession,
    api: LocalBotApi,
    method: str,
    *,
    token: str | None = None,
    form: dict[str, str] | None = None,
    **params: Any,
) -> tuple[int, dict[str, Any]]:
    url = f"{api.base_url}{token or api.token}/{method}"
    if form is not None:
        async with http.post(url, data=form) as response:
            return response.status, await response.json()
    async with http.post(url, json=params) as response:
        return response.status, await response.json()


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_wrong_token_is_unauthorized(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    """Any method with a wrong token answers 401 Unauthorized, and PTB reports InvalidToken."""
    status, body = await call(http, api, "getMe", token="999:WRONG")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.get(f"{api.base_file_url}999:WRONG/photos/file_1.jpg") as response:
        assert response.status == 401
    wrong = Bot("999:WRONG", base_url=api.base_url, base_file_url=api.base_file_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_unknown_method_is_not_found_and_names_ignore_case(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """Unknown methods give 404 Not Found; known ones work in any letter case, GET or POST."""
    status, body = await call(http, api, "sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await call(http, api, "GETME")
    assert status == 200
    async with http.get(f"{api.base_url}{api.token}/getme") as response:
        assert await response.json() == body
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "samenspraak_test_bot"
    assert body["result"]["id"] == 123456


async def test_get_updates_keeps_unconfirmed_updates(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """Updates stay until confirmed with a higher offset; without offset they come back again."""
    user = api.user(8001, "Vera")
    await user.send("een")
    await user.send("twee")
    _, first = await call(http, api, "getUpdates")
    _, again = await call(http, api, "getUpdates")
    ids = [u["update_id"] for u in first["result"]]
    assert len(ids) == 2 and ids[0] < ids[1]
    assert again == first
    _, confirmed = await call(http, api, "getUpdates", offset=ids[0] + 1)
    assert [u["update_id"] for u in confirmed["result"]] == ids[1:]
    _, empty = await call(http, api, "getUpdates", offset=ids[1] + 1)
    assert empty == {"ok": True, "result": []}
    assert api.pending_updates == 0


async def test_no_pending_updates_means_confirmed_not_only_handed_out(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """The wait for an empty queue ends with the confirming offset, not with the hand-out."""
    user = api.user(8110, "Wim")
    update_id = (await user.send("een"))["update_id"]
    drained = asyncio.create_task(api.until_no_pending_updates())
    _, handed_out = await call(http, api, "getUpdates", timeout=0)
    assert [u["update_id"] for u in handed_out["result"]] == [update_id]
    assert not drained.done()
    assert api.pending_updates == 1
    await call(http, api, "getUpdates", offset=update_id + 1, timeout=0)
    await asyncio.wait_for(drained, 5)
    assert api.pending_updates == 0


async def test_waiting_for_an_empty_queue_times_out_while_updates_wait(api: LocalBotApi) -> None:
    """Nobody polls: the wait ends in TimeoutError naming how many updates are left."""
    await api.user(8111, "Wil").send("twee")
    with pytest.raises(TimeoutError, match="1 update"):
        await api.until_no_pending_updates(timeout=0.05)


async def test_get_updates_limit_and_negative_offset(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """`limit` caps a batch; a negative offset keeps only the newest updates."""
    user = api.user(8101, "Wim")
    for text in ("1", "2", "3"):
        await user.send(text)
    _, limited = await call(http, api, "getUpdates", limit=2)
    assert [u["message"]["text"] for u in limited["result"]] == ["1", "2"]
    _, newest = await call(http, api, "getUpdates", offset=-1)
    assert [u["message"]["text"] for u in newest["result"]] == ["3"]
    assert api.pending_updates == 1


async def test_long_poll_returns_when_an_update_arrives(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """A waiting getUpdates wakes up with the new update instead of running out its timeout."""
    user = api.user(8201, "Xander")
    poll = asyncio.create_task(call(http, api, "getUpdates", timeout=30))
    await api.until_polls_waiting(1)
    assert not poll.done()
    await user.send("wakker?")
    status, body = await poll
    assert status == 200
    assert [u["message"]["text"] for u in body["result"]] == ["wakker?"]


async def test_newer_get_updates_ends_older_one_with_conflict(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """Two pollers at once: the older request gets 409, as with two bot instances."""
    older = asyncio.create_task(call(http, api, "getUpdates", timeout=30))
    await api.until_polls_waiting(1)
    status, body = await call(http, api, "getUpdates", timeout=0)
    assert status == 200
    status, body = await older
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_message_shape_like_telegram(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    """sendMessage returns a Message with int date, bot sender, chat and per-chat message ids."""
    a, b = api.user(8301, "Yara", username="yara"), api.user(8302, "Zeb")
    await a.send("hoi")
    _, first = await call(http, api, "sendMessage", chat_id=a.chat_id, text="Welkom")
    _, second = await call(http, api, "sendMessage", chat_id=a.chat_id, text="Nog iets")
    _, other = await call(http, api, "sendMessage", chat_id=b.chat_id, text="Hallo")
    message = first["result"]
    assert first["ok"] is True
    assert isinstance(message["date"], int)
    assert message["from"]["is_bot"] is True
    assert message["chat"] == {
        "id": 8301,
        "type": "private",
        "first_name": "Yara",
        "username": "yara",
    }
    assert (message["message_id"], second["result"]["message_id"]) == (2, 3)
    assert other["result"]["message_id"] == 1


async def test_form_values_are_typed_per_parameter(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """Form fields as PTB sends them: a text of digits stays text, JSON fields are decoded."""
    user = api.user(8401, "Anouk")
    keyboard = '{"inline_keyboard": [[{"text": "Ok", "callback_data": "ok"}]]}'
    status, body = await call(
        http,
        api,
        "sendMessage",
        form={"chat_id": str(user.chat_id), "text": "123", "reply_markup": keyboard},
    )
    assert status == 200
    assert body["result"]["text"] == "123"
    assert user.messages()[0].buttons == [[("Ok", "ok")]]


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": 424242, "text": "x"}, "Bad Request: chat not found"),
        ({"chat_id": 8501, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": 8501, "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": 8501, "text": "1 < 2", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
        ),
        (
            {"chat_id": 8501, "text": "Klaar.", "parse_mode": "MarkdownV2"},
            "Bad Request: unsupported parse_mode 'MarkdownV2'",
        ),
        (
            {
                "chat_id": 8501,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "d" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_send_message_validation(
    api: LocalBotApi, http: aiohttp.ClientSession, params: dict[str, Any], description: str
) -> None:
    """Mistakes a real bot could make are refused with Telegram's 400 descriptions."""
    api.user(8501, "Bas")
    status, body = await call(http, api, "sendMessage", **params)
    assert (status, body["description"]) == (400, description)


async def test_edit_errors(api: LocalBotApi, bot: Bot) -> None:
    """Editing to identical content, or a missing message, is a BadRequest like on Telegram."""
    user = api.user(8601, "Carla")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(user.chat_id, "Vraag", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Vraag", user.chat_id, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Nieuw", user.chat_id, 999)
    # Editing the text without reply_markup drops the inline keyboard, as Telegram does.
    edited = await bot.edit_message_text("Nieuw", user.chat_id, sent.message_id)
    assert edited.reply_markup is None
    assert user.messages()[0].buttons == []
    assert await bot.delete_message(user.chat_id, sent.message_id) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.chat_id, sent.message_id)
    assert user.messages() == []
    assert user.messages(include_deleted=True)[0].deleted


async def test_callback_query_can_be_answered_once(api: LocalBotApi, bot: Bot) -> None:
    """answerCallbackQuery works once per query; an unknown or reused id is refused."""
    user = api.user(8701, "Daan")
    sent = await bot.send_message(
        user.chat_id,
        "Kies",
        reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("Ja", callback_data="ja")
        ),
    )
    press = await user.press(sent.message_id, "vervalst")
    query_id = press["callback_query"]["id"]
    assert press["callback_query"]["data"] == "vervalst"
    assert press["callback_query"]["message"]["message_id"] == sent.message_id
    assert await bot.answer_callback_query(query_id, "Dank", show_alert=True) is True
    answer = user.answer(press)
    assert answer is not None and (answer.text, answer.show_alert) == ("Dank", True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")


async def test_commands_per_scope_and_language(api: LocalBotApi, bot: Bot) -> None:
    """setMyCommands is stored per scope and language_code; deleteMyCommands removes one set."""
    private = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("start", "Begin")], scope=private, language_code="nl")
    await bot.set_my_commands([BotCommand("start", "Start")], scope=private, language_code="en")
    await bot.set_my_commands([BotCommand("help", "Hulp")])
    nl = await bot.get_my_commands(scope=private, language_code="nl")
    assert [(c.command, c.description) for c in nl] == [("start", "Begin")]
    assert api.commands({"type": "all_private_chats"}, "en") == [
        {"command": "start", "description": "Start"}
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]
    await bot.delete_my_commands(scope=private, language_code="nl")
    assert await bot.get_my_commands(scope=private, language_code="nl") == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start!", "x")])


async def test_chat_actions_menu_button_and_session_methods(api: LocalBotApi, bot: Bot) -> None:
    """sendChatAction is recorded per chat; menu button, close and logOut answer true."""
    user = api.user(8801, "Emma")
    assert await bot.send_chat_action(user.chat_id, "typing") is True
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(user.chat_id, "dancing")
    assert user.chat_actions == ["typing"]
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_uploads_are_checked(api: LocalBotApi, bot: Bot) -> None:
    """An empty buffer (forgotten seek) or a non-image photo is refused like on Telegram."""
    user = api.user(8901, "Floor")
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(user.chat_id, b"", filename="leeg.txt")
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(user.chat_id, b"not an image")
    sent = await bot.send_document(user.chat_id, b"a;b\n1;2\n", filename="export.csv")
    again = await bot.send_document(user.chat_id, sent.document.file_id)  # type: ignore[union-attr]
    assert again.document is not None and again.document.file_name == "export.csv"
    assert sent.document is not None and sent.document.mime_type == "text/csv"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(user.chat_id, "no-such-file-id")
