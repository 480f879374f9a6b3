"""Erasure, language choice and crisis help, through the real bot."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Answer, Participant
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    option_labels,
    press,
    question_of,
    say,
    tap,
)
from tgstub import BotMessage, SimUser

PAUSE = "Neem gerust even de tijd"


async def answer_or_pause(user: SimUser, question: BotMessage, text: str) -> list[BotMessage]:
    """Answer the question (typing ``text`` where text is asked); return what came until the
    next question, the thanks, or the pause offered after a crisis answer."""
    if option_labels(question):
        return await answer_current(user, question)
    mark = user.mark()
    await user.send(text)
    await user.wait_until(
        lambda u: any(
            "Vraag " in (m.text or "") or "Klaar!" in (m.text or "") or PAUSE in (m.text or "")
            for m in u.messages()[mark:]
        )
    )
    return user.messages()[mark:]


async def _answers(harness: BotHarness) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Answer)) or 0)


async def test_vergeet_erases_everything_after_confirmation(harness: BotHarness) -> None:
    """Answer three questions, /vergeet, confirm: no answer or participant row is left."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6660001)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(3):
        messages = await answer_current(user, question_of(messages))
    assert await _answers(harness) == 3
    (confirm,) = await say(user, "/vergeet")
    (kept,) = await tap(user, confirm, "Nee")
    assert "niets gewist" in (kept.text or "") and await _answers(harness) == 3
    (confirm,) = await say(user, "/vergeet")
    (done,) = await tap(user, confirm, "Ja, wis alles")
    assert "Gewist" in (done.text or "") and "gesloten" in (done.text or "")
    assert await _answers(harness) == 0
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 0


async def test_taal_switches_language(harness: BotHarness) -> None:
    """/taal offers the shipped languages; choosing English answers in English."""
    user = harness.api.user(6660002)
    (choose,) = await say(user, "/taal")
    labels = [text for row in choose.buttons for text, _ in row]
    assert len(labels) == 5 and "English" in labels
    (reply,) = await tap(user, choose, "English")
    assert reply.text and "Nederlands" not in reply.text


async def test_crisis_text_gets_help_lines_first_in_every_state(harness: BotHarness) -> None:
    """Before a link, at the notice, mid-flow and after finishing: help lines come first."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6660003)
    crisis = "ik wil niet meer leven"

    async def first_reply_has_help_lines() -> None:
        mark = user.mark()
        await user.send(crisis)
        first, _ = await user.wait_new(mark, 2)  # the help lines, then the usual reply
        assert "0800-0432" in (first.text or "") and "113" in (first.text or "")

    await first_reply_has_help_lines()  # no conversation yet
    (notice,) = await say(user, f"/start {token}")
    await first_reply_has_help_lines()  # at the privacy notice
    messages = await press(user, notice, "Ik doe mee")
    await first_reply_has_help_lines()  # at a button question
    helped_first: list[bool] = []
    for _ in range(40):
        # The crisis text at the first text question only: the flood throttle allows 20
        # updates per 10 s, and every pause costs a tap.
        typed = "Meer plekken om te sporten in de buurt" if helped_first else crisis
        messages = await answer_or_pause(user, question_of(messages), typed)
        for offer in [m for m in messages if PAUSE in (m.text or "")]:
            # A crisis answer pauses the flow: the help lines came first, then this offer.
            helped_first.append("0800-0432" in (messages[0].text or ""))
            messages = await press(user, offer, "Verder met de vragen")
        if any("Klaar!" in (m.text or "") for m in messages):
            break
    assert helped_first and all(helped_first)
    await first_reply_has_help_lines()  # after finishing
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        flagged = await session.scalar(
            select(func.count()).select_from(Answer).where(Answer.crisis.is_(True))
        )
    assert flagged and flagged >= 1
