"""Erasure, language choice and crisis help, through the real bot."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Answer, Participant
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say, tap


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
    for _ in range(40):
        question = question_of(messages)
        messages = await answer_current(user, question, text=crisis)
        if any("Klaar!" in (m.text or "") for m in messages):
            break
    await first_reply_has_help_lines()  # after finishing
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        flagged = await session.scalar(
            select(func.count()).select_from(Answer).where(Answer.crisis.is_(True))
        )
    assert flagged and flagged >= 1
