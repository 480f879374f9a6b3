"""/vastleggen as a coordinator uses it (issue 18 item 13, issue 17 item 1): the prompt comes
after the input, long input is cut to the question's own figures with a "Meer" button, and the
agreed answer belongs to the step's current round, with the previous round's answer shown."""

from __future__ import annotations

from sqlalchemy import select

from storage import repo, rounds
from storage.models import AgreedAnswer, Campaign, Participant
from tests.e2e.conftest import BotHarness, join_as_coordinator, say, tap
from tests.e2e.test_voices import RESPONDENTS, _seed_voices
from tgstub import BotMessage, SimUser

PROMPT = "Typ het gezamenlijke antwoord"


def _texts(message: BotMessage) -> list[str]:
    return [text for row in message.buttons for text, _ in row]


async def _open_question(user: SimUser, step: str, question: str) -> list[BotMessage]:
    (steps,) = await say(user, "/vastleggen")
    (questions,) = await tap(user, steps, next(t for t in _texts(steps) if t.startswith(step)))
    mark = user.mark()
    await user.click(questions, next(t for t in _texts(questions) if t.startswith(question)))
    await user.wait_until(lambda u: any(PROMPT in (m.text or "") for m in u.messages()[mark:]))
    return user.messages()[mark:]


async def test_prompt_comes_after_the_shortened_input_and_meer_shows_all(
    harness: BotHarness,
) -> None:
    """At "zorgen" the input is only the "zorgen" figures, the prompt is the last message;
    "Meer" sends the whole step summary with its chart, and the prompt again after it."""
    werkgroep_id, user = await join_as_coordinator(harness, 9970001)
    await _seed_voices(harness, werkgroep_id)
    messages = await _open_question(user, "3.", "Wat zijn onze belangrijkste zorgen")
    assert PROMPT in (messages[-1].text or "")
    assert all(PROMPT not in (m.text or "") for m in messages[:-1])
    short = "\n".join(m.text or "" for m in messages[:-1])
    assert str(RESPONDENTS) in short
    assert "Zorgen" in short or "zorgen" in short
    # Only the question's own figures: not the age breakdown of another question.
    assert "Leeftijd" not in short and "Hoe vaak zorgen over geld" not in short
    with_more = next(
        m for m in messages if "Meer: alles wat jongeren en ouders zeiden" in _texts(m)
    )
    mark = user.mark()
    await user.click(with_more, "Meer: alles wat jongeren en ouders zeiden")
    await user.wait_until(
        lambda u: (
            any(PROMPT in (m.text or "") for m in u.messages()[mark:])
            and any(m.photo for m in u.messages()[mark:])
        )
    )
    more = user.messages()[mark:]
    full = "\n".join(m.text or "" for m in more)
    assert "Leeftijd" in full and "Hoe vaak zorgen over geld" in full
    assert PROMPT in (more[-1].text or "")
    (done,) = await say(user, "Gezinnen vallen net buiten de regelingen.")
    assert "Vastgelegd" in (done.text or "")


async def test_agreed_answers_are_kept_per_round(harness: BotHarness) -> None:
    """In round 2 /vastleggen shows "Ronde 2" and round 1's agreed answer; the new answer is
    stored for round 2 and round 1's stays."""
    werkgroep_id, user = await join_as_coordinator(harness, 9970002)
    messages = await _open_question(user, "6.", "")
    header = messages[0].text or ""
    assert "Ronde" not in header
    (done,) = await say(user, "Eerste ronde: we meten twee keer per jaar.")
    assert "Vastgelegd" in (done.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        assert await rounds.start_round(session, werkgroep_id, "stap-6") == 2
    messages = await _open_question(user, "6.", "")
    header = messages[0].text or ""
    assert "Ronde 2" in header
    assert "In ronde 1 vastgelegd: Eerste ronde: we meten twee keer per jaar." in header
    assert "Nu vastgelegd" not in header
    (done,) = await say(user, "Tweede ronde: het gaat beter.")
    async with harness.runtime.sessions() as session:
        stored = (
            await session.execute(
                select(AgreedAnswer.round, AgreedAnswer.text).order_by(AgreedAnswer.round)
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        (1, "Eerste ronde: we meten twee keer per jaar."),
        (2, "Tweede ronde: het gaat beter."),
    ]
    messages = await _open_question(user, "6.", "")
    assert "Nu vastgelegd: Tweede ronde: het gaat beter." in (messages[0].text or "")


async def test_discussion_question_shows_its_input_questions(harness: BotHarness) -> None:
    """Stap 6 "helpt-het" names its input questions in the flow: /vastleggen shows those
    figures ("Helpt de hulp") and not the age breakdown, with "Meer" for the rest."""
    werkgroep_id, user = await join_as_coordinator(harness, 9970003)
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-6",
            flow_id="armoede.stap-6.jongeren",
            token_hash=repo.new_token(),
        )
        session.add(campaign)
        await session.flush()
        for number in range(RESPONDENTS):
            participant = Participant(
                campaign_id=campaign.id, pseudonym=f"{number:064d}", completed=True
            )
            session.add(participant)
            await session.flush()
            await repo.store_participant_answer(
                session, participant, "leeftijd", "16-18", free_text=False
            )
            await repo.store_participant_answer(session, participant, "helpt", 4, free_text=False)
    messages = await _open_question(user, "6.", "Wat zeggen jongeren en ouders")
    assert PROMPT in (messages[-1].text or "")
    short = "\n".join(m.text or "" for m in messages[:-1])
    assert "Helpt de hulp" in short and str(RESPONDENTS) in short
    assert "Leeftijd" not in short
    assert any("Meer: alles wat jongeren en ouders zeiden" in _texts(m) for m in messages)
