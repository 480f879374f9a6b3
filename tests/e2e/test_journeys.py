"""Every audience's journey through the real bot, over HTTP, against the local Bot API server."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from storage.models import (
    Answer,
    Contribution,
    ConversationRow,
    Member,
    OutboxEntry,
    Participant,
)
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    ask,
    join_as_coordinator,
    option_labels,
    press,
    question_of,
    say,
    tap,
)


async def count(harness: BotHarness, model: type, *where: object) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_jongere_from_deep_link_to_thanks(harness: BotHarness) -> None:
    """A jongere opens the link, sees the notice, taps 'Ik doe mee', answers all, gets thanks."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551234, first_name="Noor")
    (notice,) = await say(user, f"/start {token}")
    assert "anoniem" in (notice.text or "") and "geen hulplijn" in (notice.text or "")
    assert [row[0][0] for row in notice.buttons] == ["Ik doe mee", "Nee, liever niet"]
    messages = await press(user, notice, "Ik doe mee")
    answered = 0
    while True:
        question = question_of(messages)
        assert "Vraag" in (question.text or "")
        messages = await answer_current(user, question)
        answered += 1
        if any("Klaar! Dank je wel" in (m.text or "") for m in messages):
            break
        assert answered < 40
    participants = await count(harness, Participant, Participant.completed.is_(True))
    assert participants == 1
    stored = await count(harness, ConversationRow.__table__.c.id.table, ConversationRow.finished)
    assert stored == 1
    assert await count(harness, Answer) >= answered - 2  # "Nee" branches end without text


async def test_no_question_before_consent(harness: BotHarness) -> None:
    """Before 'Ik doe mee' is tapped, no question is sent; 'Nee' sends none either."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551235)
    (notice,) = await say(user, f"/start {token}")
    (reply,) = await tap(user, notice, "Nee, liever niet")
    assert "Vraag" not in (reply.text or "") and "geen probleem" in (reply.text or "")
    assert await count(harness, Participant) == 0


async def test_ouder_stops_halfway_and_resumes_after_restart(harness: BotHarness) -> None:
    """An ouder answers two questions, stops, the bot restarts, /start continues at question 3."""
    token = await harness.campaign("ouders")
    user = harness.api.user(5551236, language_code="nl")
    (notice,) = await say(user, f"/start {token}")
    assert "U doet anoniem mee" in (notice.text or "")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(2):
        messages = await answer_current(user, question_of(messages))
    assert "Vraag 3 van" in (question_of(messages).text or "")
    (stopped,) = await say(user, "/stop")
    assert "bewaard" in (stopped.text or "")
    await harness.restart()
    messages = await ask(user, f"/start {token}")
    assert "Welkom terug" in (messages[0].text or "")
    assert "Vraag 3 van" in (question_of(messages).text or "")
    assert await count(harness, Answer) == 2


async def test_a_restart_right_after_a_reply_does_not_send_it_again(harness: BotHarness) -> None:
    """Delivered replies are deleted from the outbox a moment later, together; a stop deletes
    them at once, so the restarted bot does not deliver them a second time."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551240)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    messages = await answer_current(user, question_of(messages))
    assert "Vraag 2 van" in (question_of(messages).text or "")
    seen = len(user.messages())
    await harness.restart()
    assert await count(harness, OutboxEntry) == 0
    messages = await ask(user, f"/start {token}")
    assert "Vraag 2 van" in (question_of(messages).text or "")
    texts = [m.text or "" for m in user.messages()[seen:]]
    assert sum("Vraag 2 van" in text for text in texts) == 1, texts


async def test_closed_campaign_is_refused_politely(harness: BotHarness) -> None:
    """A link whose closing date has passed says the round is closed; nothing is stored."""
    token = await harness.campaign("jongeren", closes_on=date.today() - timedelta(days=1))
    user = harness.api.user(5551237)
    (reply,) = await say(user, f"/start {token}")
    assert "gesloten" in (reply.text or "")
    assert await count(harness, Participant) == 0


async def test_unknown_link_and_plain_start(harness: BotHarness) -> None:
    """/start with a wrong token and /start without one explain how to get a link."""
    user = harness.api.user(5551238)
    (wrong,) = await say(user, "/start nietbestaand")
    assert "werkt niet" in (wrong.text or "")
    (plain,) = await say(user, "/start")
    assert "link" in (plain.text or "")


async def test_werkgroeplid_tip_back_and_skip(harness: BotHarness) -> None:
    """A member joins, gives name and organisation, opens step 1, asks a tip, goes back, skips."""
    _, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(7770001)
    (ask_name,) = await say(user, f"/start {member_token}")
    assert "Wat is je naam" in (ask_name.text or "")
    (ask_org,) = await say(user, "Fatima de Vries")
    assert "organisatie" in (ask_org.text or "")
    (steps,) = await say(user, "GGD Kennemerland")
    assert "Kies een stap" in (steps.text or "")
    messages = await press(user, steps, steps.buttons[0][0][0])
    first = question_of(messages)
    assert "Vraag 1 van" in (first.text or "")
    helpers = [text for row in first.buttons for text, data in row if data and data[0] in "tv"]
    assert helpers, "the first question of step 1 offers a tip or an example"
    (tip,) = await tap(user, first, helpers[0])
    assert tip.text and len(tip.text) > 10
    messages = await ask(user, "Kinderen in armoede doen minder mee.")
    second = question_of(messages)
    assert "Vraag 2 van" in (second.text or "")
    messages = await press(user, second, "⬅ Terug")
    back = question_of(messages)
    assert "Vraag 1 van" in (back.text or "") and "vorige antwoord" in (back.text or "")
    messages = await ask(user, "Een betere versie van mijn antwoord.")
    messages = await press(user, question_of(messages), "Overslaan ➡")
    assert "Vraag 3 van" in (question_of(messages).text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        contributions = (await session.scalars(select(Contribution))).all()
        member = await session.scalar(select(Member))
    assert [c.value for c in contributions] == [{"value": "Een betere versie van mijn antwoord."}]
    assert member is not None and member.name == "Fatima de Vries"
    assert member.organisation == "GGD Kennemerland"


async def test_forged_and_stale_buttons_change_nothing(harness: BotHarness) -> None:
    """A forged button and a button of an answered question get the 'oude vraag' notice."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551239)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    first = question_of(messages)
    messages = await answer_current(user, first)
    before = await count(harness, Answer)
    forged = await user.press(first.message_id, "o:deadbeef:0")
    answer = await user.wait_answer(forged)
    assert "oude vraag" in answer.text
    stale = await user.press(first.message_id, first.buttons[0][0][1])
    assert "oude vraag" in (await user.wait_answer(stale)).text
    assert await count(harness, Answer) == before
    # Its keyboard stays (no edit per answer): the presses above are what keeps it harmless.
    assert user.message(first.message_id).buttons == first.buttons


async def test_a_tapped_answer_costs_no_edit(harness: BotHarness) -> None:
    """A tapped answer is answered with the press's answer and the next messages only (the
    answer heads the next message): no edit of the tapped question."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551241)
    (notice,) = await say(user, f"/start {token}")
    first = question_of(await press(user, notice, "Ik doe mee"))
    start = len(harness.api.call_log)
    messages = await press(user, first, first.buttons[0][0][0])
    calls = [name for name, _ in harness.api.call_log[start:] if name != "getupdates"]
    assert set(calls) == {"answercallbackquery", "sendmessage"}
    assert (messages[0].text or "").startswith("✔ " + first.buttons[0][0][0])


async def test_a_typed_answer_costs_no_edit_and_the_old_buttons_are_stale(
    harness: BotHarness,
) -> None:
    """After a typed answer only the next question is sent: the answered question keeps its
    buttons (no editMessageReplyMarkup), and a press on them is answered as stale."""
    _, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(7770002)
    await say(user, f"/start {member_token}")
    await say(user, "Sam Jansen")
    (steps,) = await say(user, "Buurthuis")
    first = question_of(await press(user, steps, steps.buttons[0][0][0]))
    start = len(harness.api.call_log)
    second = question_of(await ask(user, "Kinderen in armoede doen minder mee."))
    calls = [name for name, _ in harness.api.call_log[start:] if name != "getupdates"]
    assert set(calls) == {"sendmessage"} and "Vraag 2 van" in (second.text or "")
    assert user.message(first.message_id).buttons == first.buttons
    skip = next(data for row in first.buttons for text, data in row if text == "Overslaan ➡")
    stale = await user.press(first.message_id, skip)
    assert "oude vraag" in (await user.wait_answer(stale)).text
    assert await count(harness, Contribution) == 1


async def test_unexpected_media_and_huge_paste(harness: BotHarness) -> None:
    """A sticker or a 5,000-character paste gets a short hint and the question again."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551240)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    question = question_of(messages)
    mark = user.mark()
    await user.send_sticker()
    hint, again = await user.wait_new(mark, 2)
    assert "alleen tekst" in (hint.text or "")
    assert option_labels(again) == option_labels(question)
    messages = await ask(user, "x" * 5000)
    assert "Tik op een van de knoppen" in (question_of(messages).text or "")
    assert await count(harness, Answer) == 0


async def test_same_update_twice_is_processed_once(harness: BotHarness) -> None:
    """Telegram delivering one update twice stores one answer and sends one reply."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551241)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    question = question_of(messages)
    data = question.buttons[0][0][1]
    update = {
        "update_id": 990001,
        "callback_query": {
            "id": "cb-990001",
            "from": user.info,
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": question.message_id,
                "date": 0,
                "chat": {"id": user.chat_id, "type": "private"},
                "text": question.text,
            },
        },
    }
    mark = user.mark()
    harness.api.raw_update(update)
    harness.api.raw_update(update)
    # One user's updates are handled in arrival order: once /hulp (sent after both copies) is
    # answered and the server holds no pending update, every reply to the copies is in.
    await user.send("/hulp")
    await user.wait_until(lambda u: any("0800-0432" in (m.text or "") for m in u.messages()))
    await harness.api.until_no_pending_updates()
    new_questions = [m for m in user.messages()[mark:] if "Vraag 2 van" in (m.text or "")]
    assert len(new_questions) == 1
    assert await count(harness, Answer) == 1


async def test_help_line_command_in_every_state(harness: BotHarness) -> None:
    """/hulp answers with the help lines before consent, mid-flow, and after finishing."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551242)
    (reply,) = await say(user, "/hulp")
    assert "0800-0432" in (reply.text or "") and "112" in (reply.text or "")
    (notice,) = await say(user, f"/start {token}")
    await press(user, notice, "Ik doe mee")
    (reply,) = await say(user, "/hulp")
    assert "113" in (reply.text or "")


async def test_commands_registered_per_language(harness: BotHarness) -> None:
    """setMyCommands registers the commands for every shipped language."""
    commands = harness.api.commands()
    assert {"start", "help", "hulp", "terug", "overslaan", "stop", "taal"} <= {
        c["command"] for c in commands
    }
    assert harness.api.commands(language_code="en")


async def test_coordinator_creates_campaign_with_link_and_qr(harness: BotHarness) -> None:
    """/campagne → Jongeren → stap 3 gives a t.me link and a QR photo; /campagnes lists it."""
    _, user = await join_as_coordinator(harness, 8880001)
    (ask,) = await say(user, "/campagne Zaanstad-Oost")
    (steps,) = await tap(user, ask, "Jongeren")
    step3 = next(text for row in steps.buttons for text, _ in row if text.startswith("3."))
    link_message, photo = await tap(user, steps, step3, replies=2)
    assert "https://t.me/samenspraak_test_bot?start=" in (link_message.text or "")
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    # The QR code is the browser link (issue 16), shown as its caption.
    assert (photo.caption or "").startswith("http://127.0.0.1:8081/j/")
    (listing,) = await say(user, "/campagnes")
    assert "Zaanstad-Oost" in (listing.text or "") and "open" in (listing.text or "")


async def test_member_cannot_use_coordinator_commands(harness: BotHarness) -> None:
    """A member asking /campagne or /leden gets the neutral refusal and nothing is created."""
    _, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(8880002)
    await say(user, f"/start {member_token}")
    await say(user, "Lid Een")
    await say(user, "School")
    for command in ("/campagne", "/leden", "/uitnodigen", "/campagnes"):
        (reply,) = await say(user, command)
        assert "alleen een coördinator" in (reply.text or "")
    stranger = harness.api.user(8880003)
    (reply,) = await say(stranger, "/leden")
    assert "alleen een coördinator" in (reply.text or "")


async def test_questions_are_sent_as_html_with_their_keyboard(harness: BotHarness) -> None:
    """Replies go out on PTB's request path without its send_message (bot.telegram.deliver):
    still with the bot's HTML parse mode (bold question, no tags shown) and the answer
    buttons, on the question and on the next one after a tap."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(5551242)
    (notice,) = await say(user, f"/start {token}")
    first = question_of(await press(user, notice, "Ik doe mee"))
    second = question_of(await press(user, first, first.buttons[0][0][0]))
    for question in (first, second):
        text = question.text or ""
        assert "<b>" not in text and "<i>" not in text and "Vraag " in text
        kinds = {entity["type"] for entity in question.payload.get("entities", [])}
        assert {"bold", "italic"} <= kinds
        assert question.buttons and question.buttons[0][0][1].startswith("o:")
