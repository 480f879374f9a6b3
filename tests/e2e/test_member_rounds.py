"""A werkgroep member answering a periodic step (issue 17 item 1): each round's answers are
kept apart, and from round 2 on the member sees their answer of the previous round."""

from __future__ import annotations

from sqlalchemy import select

from storage import rounds
from storage.models import Contribution
from tests.e2e.conftest import BotHarness, ask, press, question_of, say
from tgstub import BotMessage, SimUser


async def _step6(user: SimUser, member_token: str) -> list[BotMessage]:
    await say(user, f"/start {member_token}")
    await say(user, "Mo Lid")
    (steps,) = await say(user, "Jongerenwerk")
    step6 = next(text for row in steps.buttons for text, _ in row if text.startswith("6."))
    return await press(user, steps, step6)


async def test_member_answers_are_kept_per_round(harness: BotHarness) -> None:
    """Round 1's answer stays when the member answers again in round 2, and round 2 shows it."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(7300001)
    messages = await _step6(user, member_token)
    assert "Hoe betrekken we jongeren en ouders" in (question_of(messages).text or "")
    assert all("In ronde" not in (m.text or "") for m in messages)
    await ask(user, "Met een campagne op school.")
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        assert await rounds.start_round(session, werkgroep_id, "stap-6") == 2
    messages = await ask(user, "/terug")
    shown = "\n".join(m.text or "" for m in messages)
    assert "Ronde 2. In ronde 1 antwoordde je: Met een campagne op school." in shown
    await ask(user, "Nu ook via het jongerenwerk.")
    async with harness.runtime.sessions() as session:
        stored = (
            await session.execute(
                select(Contribution.round, Contribution.value)
                .where(Contribution.question_id == "jongeren-ouders")
                .order_by(Contribution.round)
            )
        ).all()
    assert [(r, v["value"]) for r, v in stored] == [
        (1, "Met een campagne op school."),
        (2, "Nu ook via het jongerenwerk."),
    ]


async def test_resumed_question_shows_last_rounds_answer(harness: BotHarness) -> None:
    """A member who comes back to a question with /start in round 2 sees round 1's answer."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(7300002)
    await _step6(user, member_token)
    await ask(user, "Met een campagne op school.")
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        await rounds.start_round(session, werkgroep_id, "stap-6")
    await ask(user, "/terug")
    await say(user, "/stop")
    messages = await ask(user, "/start")
    shown = "\n".join(m.text or "" for m in messages)
    assert "Ronde 2. In ronde 1 antwoordde je: Met een campagne op school." in shown
