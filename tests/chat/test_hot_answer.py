"""The answer path on the database: what one button answer writes, in one transaction, and
with how few statements (Core statements on plain records, no unit of work)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.chat.dialog import Dialog, OutboxSlot
from bot.chat.events import EditButtons, Incoming, Out, Send
from bot.runtime import Runtime
from storage import chat_sessions
from storage.models import (
    Answer,
    ChatSession,
    ConversationRow,
    OutboxEntry,
    Participant,
    ProcessedUpdate,
    utcnow,
)
from tests import sql_trace
from tests.chat.conftest import Talk
from tests.web.conftest import create_campaign

USER = 4242


@contextmanager
def statements(runtime: Runtime) -> Iterator[list[str]]:
    """The SQL statements sent meanwhile (their first three words), without BEGIN and COMMIT."""
    with sql_trace.statements(runtime.database.sync_engine) as sent:
        shortened: list[str] = []
        yield shortened
    shortened.extend(" ".join(s.split()[:3]) for s in sent)


def option_button(outs: list[Out]) -> str:
    """The first answer option of the question in ``outs``."""
    for out in outs:
        if isinstance(out, Send):
            for row in out.buttons:
                for button in row:
                    if button.data.startswith("o:"):
                        return button.data
    raise AssertionError(f"no question with options in {outs}")


async def at_first_question(runtime: Runtime, talk: Talk) -> str:
    token, _, _ = await create_campaign(runtime)
    await talk(command="start", args=(token,))
    return option_button(await talk(button="j:ja", button_message_id=1))


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.sessions.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_button_answer_commits_claim_answer_state_and_outbox_together(
    runtime: Runtime, dialog: Dialog, talk: Talk
) -> None:
    """One tapped answer stores the update id, the answer, the moved conversation and the
    replies in the outbox; a redelivery of the same update stores nothing more."""
    pressed = await at_first_question(runtime, talk)
    before = await count(runtime, Answer)
    incoming = Incoming(update_id=100, user_id=USER, button=pressed, button_message_id=2)
    slot = OutboxSlot(b"sealed-chat", utcnow() + timedelta(seconds=30))
    with statements(runtime) as sent:
        handled = await dialog.handle_into_outbox(incoming, slot)
    assert handled.outbox_id is not None
    assert any(isinstance(out, Send) and "Vraag 2 van" in out.text for out in handled.outs)
    async with runtime.sessions.begin() as session:
        assert await session.get(ProcessedUpdate, 100) is not None
        outbox = await session.get(OutboxEntry, handled.outbox_id)
        assert outbox is not None and outbox.chat == b"sealed-chat"
        assert any("Vraag 2 van" in str(item) for item in outbox.body)
        conversation = (await session.scalars(select(ConversationRow))).one()
        assert conversation.version == 2 and conversation.state != "start"
    assert await count(runtime, Answer) == before + 1
    # Claim, chat session, conversation (with the participant's campaign), the answer, the
    # state, the outbox: no read of the participant, no DELETE of an earlier answer that the
    # conversation says does not exist, no write of the unchanged chat session.
    assert [s.split()[0] for s in sent] == [
        "INSERT",
        "SELECT",
        "SELECT",
        "INSERT",
        "UPDATE",
        "INSERT",
    ]
    assert not any("participants" in s or "chat_sessions" in s for s in sent[2:])

    again = await dialog.handle_into_outbox(incoming, slot)
    assert again.outs == [] and again.outbox_id is None
    assert await count(runtime, Answer) == before + 1
    assert await count(runtime, OutboxEntry) == 1


def buttons(outs: list[Out]) -> list[str]:
    """The callback data of the last keyboard in ``outs`` (a question or its redrawn buttons)."""
    keyboards = [out.buttons for out in outs if isinstance(out, Send | EditButtons) and out.buttons]
    return [button.data for row in keyboards[-1] for button in row] if keyboards else []


async def test_the_last_answer_marks_the_participant_complete(runtime: Runtime, talk: Talk) -> None:
    """Answering until "Klaar!" marks the participant as complete (what the summary counts)
    and the conversation as finished."""
    outs = await talk(button=await at_first_question(runtime, talk), button_message_id=2)
    for _ in range(60):
        if any(isinstance(out, Send) and "Klaar!" in out.text for out in outs):
            break
        data = buttons(outs)
        options = [d for d in data if d.startswith("o:")]
        if not options:  # a text question
            outs = await talk(text="Meer plekken om te sporten")
            continue
        outs = await talk(button=options[0], button_message_id=2)
        done = [d for d in data if d.startswith("d:")]
        if done:  # a multiple choice: the option was toggled, now "Klaar"
            outs = await talk(button=done[0], button_message_id=2)
    else:
        raise AssertionError("the flow did not finish")
    async with runtime.sessions.begin() as session:
        participant = (await session.scalars(select(Participant))).one()
        conversation = (await session.scalars(select(ConversationRow))).one()
    assert participant.completed
    assert conversation.finished and conversation.finished_on is not None


async def test_an_answer_given_again_after_back_replaces_the_first(
    runtime: Runtime, talk: Talk
) -> None:
    """/terug and another choice: the question has one stored answer, the new one; answering
    a question for the first time stores one row."""
    first = await at_first_question(runtime, talk)
    await talk(button=first, button_message_id=2)
    async with runtime.sessions.begin() as session:
        (question_id, chosen) = (
            await session.execute(select(Answer.question_id, Answer.value_option))
        ).one()
    await talk(command="terug")
    again = await talk(button=first[:-1] + "1", button_message_id=3)
    assert any(isinstance(out, Send) and "Vraag 2 van" in out.text for out in again)
    async with runtime.sessions.begin() as session:
        stored = (
            await session.execute(
                select(Answer.value_option).where(Answer.question_id == question_id)
            )
        ).all()
    assert len(stored) == 1 and stored[0][0] != chosen


async def test_chat_session_writes_only_what_changed(runtime: Runtime) -> None:
    """A chat session is created on first contact; a save without a change writes nothing, and
    a save writes only the changed fields (a value changed underneath stays)."""
    async with runtime.sessions.begin() as session:
        chat = await chat_sessions.load(session, "s" * 64)
        assert not await chat_sessions.save(session, chat)
        chat.locale = "en"
        assert await chat_sessions.save(session, chat)
    async with runtime.sessions.begin() as session:
        chat = await chat_sessions.load(session, "s" * 64)
        stored = await session.get(ChatSession, "s" * 64)
        assert stored is not None
        stored.mode = "paused"  # another statement of the same transaction
        await session.flush()
        chat.context = {"note": 1}
        assert await chat_sessions.save(session, chat)
    async with runtime.sessions.begin() as session:
        stored = await session.get(ChatSession, "s" * 64)
        assert stored is not None
        assert (stored.locale, stored.mode, stored.context) == ("en", "paused", {"note": 1})
