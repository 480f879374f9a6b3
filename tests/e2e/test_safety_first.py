"""Help before anything else, through the real bot against the local Bot API: in every state,
with the database down, in captions and the /start payload, for messages the flood throttle
drops; then a pause with "Verder met de vragen" / "Stoppen" instead of the next question."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import select

from bot.privacy.crisis import CrisisSignal
from bot.privacy.helplines import INTROS, help_reply
from bot.translate import translator
from storage.db import make_engine, make_sessionmaker
from storage.models import Answer, ProcessedUpdate
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    option_labels,
    press,
    question_of,
    say,
    tap,
)
from tests.e2e.test_voices import _seed_voices as seed_voices
from tgstub import BotMessage, SimUser

CRISIS = "ik wil niet meer leven"
SUICIDE = CrisisSignal.of({"suicide"})
DUTCH_HELP = help_reply("nl", SUICIDE)
PAUSE = "Neem gerust even de tijd"
SORRY = "ging iets mis"


def is_help(message: BotMessage) -> bool:
    """The help reply for a suicide signal, in Dutch, exactly."""
    return message.text == DUTCH_HELP


async def first_after(user: SimUser, text: str, replies: int = 2) -> list[BotMessage]:
    """Send ``text``; return the bot's next ``replies`` messages."""
    mark = user.mark()
    await user.send(text)
    return await user.wait_new(mark, replies)


async def member_at_first_question(harness: BotHarness, user_id: int) -> tuple[SimUser, str]:
    """A new werkgroep's member ("Mo Lid", Jongerenwerk) at step 1's first question, which asks
    for text; with the werkgroep's coordinator link."""
    _, coordinator_token, member_token = await harness.werkgroep("armoede")
    member = harness.api.user(user_id)
    await say(member, f"/start {member_token}")
    await say(member, "Mo Lid")
    (steps,) = await say(member, "Jongerenwerk")
    step1 = next(text for row in steps.buttons for text, _ in row if text.startswith("1."))
    question = question_of(await press(member, steps, step1))
    assert option_labels(question) == []
    return member, coordinator_token


async def to_first_text_question(harness: BotHarness, user: SimUser) -> BotMessage:
    """Open a jongeren link, consent, answer until a question asks for typed text."""
    token = await harness.campaign("jongeren")
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    question = question_of(messages)
    while option_labels(question):
        question = question_of(await answer_current(user, question))
    return question


async def crisis_answer(user: SimUser) -> tuple[BotMessage, BotMessage]:
    """Type the crisis text as an answer: the help lines, then the pause offer (and nothing
    else: no next question)."""
    help_lines, offer = await first_after(user, CRISIS)
    return help_lines, offer


@asynccontextmanager
async def database_down(harness: BotHarness, where: Path) -> AsyncIterator[None]:
    """Every new transaction of the bot fails (SQLite file in a folder that does not exist)."""
    assert harness.runtime is not None
    broken = make_engine(f"sqlite+aiosqlite:///{where}/missing/none.db")
    working = harness.runtime.sessions
    harness.runtime.sessions = make_sessionmaker(broken)
    try:
        yield
    finally:
        harness.runtime.sessions = working
        await broken.dispose()


async def crisis_answers(harness: BotHarness) -> list[bool]:
    """The crisis flag of every stored answer (False first)."""
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return sorted((await session.scalars(select(Answer.crisis))).all())


# --- in every state ---------------------------------------------------------------------------


async def test_help_lines_come_first_in_every_participant_state(harness: BotHarness) -> None:
    """Idle, at the privacy notice, at a button question, mid-flow: the first reply to a crisis
    text is the help reply with 113 first, whatever the bot says after it."""
    user = harness.api.user(7710001)
    idle = await first_after(user, CRISIS)
    token = await harness.campaign("jongeren")
    (notice,) = await say(user, f"/start {token}")
    at_notice = await first_after(user, CRISIS)
    (first_question,) = await tap(user, notice, "Ik doe mee")
    at_button_question = await first_after(user, CRISIS)
    assert [is_help(m) for m in idle] == [True, False]
    assert [is_help(m) for m in at_notice] == [True, False]
    assert [is_help(m) for m in at_button_question] == [True, False]
    assert "Hier kun je nu het beste terecht:\n- \u2066113 Zelfmoordpreventie" in DUTCH_HELP
    # A button question is paused too: the typed text was no answer; its buttons still work.
    assert PAUSE in (at_button_question[1].text or "")
    messages = await answer_current(user, first_question)
    assert "Vraag 2 van" in (question_of(messages).text or "")


async def test_help_lines_come_first_in_coordinator_modes(harness: BotHarness) -> None:
    """While giving a name as a new coordinator, idle as coordinator, while /campagne waits
    for its buttons and while /vastleggen waits for the agreed answer: help lines first."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep("armoede")
    user = harness.api.user(7710002)
    await say(user, f"/start {coordinator_token}")  # asks for the name
    naming = await first_after(user, CRISIS)
    await say(user, "Gemeente Velsen")
    idle = await first_after(user, CRISIS)
    await say(user, "/campagne")
    labelling = await first_after(user, CRISIS)
    (steps,) = await say(user, "/vastleggen")
    (questions,) = await tap(user, steps, steps.buttons[0][0][0])
    await tap(user, questions, questions.buttons[0][0][0])  # asks for the agreed answer
    agreeing = await first_after(user, CRISIS)
    assert [is_help(m) for m in naming] == [True, False]
    assert [is_help(m) for m in idle] == [True, False]
    assert [is_help(m) for m in labelling] == [True, False]
    assert [is_help(m) for m in agreeing] == [True, False]
    assert werkgroep_id


async def test_help_lines_in_the_users_language(harness: BotHarness) -> None:
    """'ölmek istiyorum' from a Turkish Telegram user gets the Turkish help reply, 113 first."""
    user = harness.api.user(7710003, language_code="tr")
    help_lines, _ = await first_after(user, "ölmek istiyorum")
    turkish_intro = translator("tr").gettext(INTROS["suicide"])
    assert turkish_intro != INTROS["suicide"]
    assert help_lines.text == help_reply("tr", SUICIDE)
    assert (help_lines.text or "").startswith(turkish_intro)


# --- without the database ---------------------------------------------------------------------


async def test_help_lines_while_the_database_is_down(harness: BotHarness, tmp_path: Path) -> None:
    """Database unreachable: a crisis text gets the help lines, then the short notice; /hulp
    gets the help lines and nothing else; a crisis caption gets them too."""
    user = harness.api.user(7710004)
    await say(user, "/help")  # the bot knows this user
    async with database_down(harness, tmp_path):
        crisis = await first_after(user, CRISIS)
        mark = user.mark()
        await user.send("/hulp")
        await user.send("hoi")  # in order after /hulp: its notice ends what /hulp got
        await user.wait_until(lambda u: any(SORRY in (m.text or "") for m in u.messages()[mark:]))
        hulp = user.messages()[mark:]
        mark = user.mark()
        await user.send_photo(caption=CRISIS)
        captioned = await user.wait_new(mark, 2)
    assert is_help(crisis[0]) and SORRY in (crisis[1].text or "")
    assert [m.text for m in hulp] == [help_reply("nl"), hulp[1].text]
    assert SORRY in (hulp[1].text or "") and len(hulp) == 2
    assert is_help(captioned[0]) and SORRY in (captioned[1].text or "")


# --- captions, the /start payload, the throttle -----------------------------------------------


async def test_crisis_caption_gets_help_lines_then_a_pause(harness: BotHarness) -> None:
    """A photo with a crisis caption, mid-flow: help lines, then the pause (not 'I can only
    read text' and the question again)."""
    user = harness.api.user(7710005)
    await to_first_text_question(harness, user)
    mark = user.mark()
    await user.send_photo(caption=CRISIS)
    help_lines, offer = await user.wait_new(mark, 2)
    assert is_help(help_lines)
    assert PAUSE in (offer.text or "") and "bewaard" not in (offer.text or "")
    assert await crisis_answers(harness) == [False, False, False, False]  # nothing stored


async def test_start_payload_is_checked(harness: BotHarness) -> None:
    """The text after /start is checked: help lines first, then the answer to the link."""
    user = harness.api.user(7710006)
    help_lines, link = await first_after(user, f"/start {CRISIS}")
    assert is_help(help_lines)
    assert "Deze link werkt niet" in (link.text or "")


async def test_throttled_crisis_message_still_gets_help(harness: BotHarness) -> None:
    """A user flooding the bot: the crisis message the throttle drops still gets the help
    lines (the dialog never sees it)."""
    user = harness.api.user(7710007)
    for n in range(20):  # the throttle's limit within its 10 s window
        await user.send(f"hoi {n}")
    dropped = await user.send(CRISIS)
    await user.wait_until(lambda u: any(is_help(m) for m in u.messages()))
    await user.wait_until(lambda u: any("Rustig aan" in (m.text or "") for m in u.messages()))
    await harness.api.until_no_pending_updates()
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        handled = await session.get(ProcessedUpdate, dropped["update_id"])
    assert handled is None
    assert sum(is_help(m) for m in user.messages()) == 1


# --- the pause --------------------------------------------------------------------------------


async def test_crisis_answer_pauses_then_continues(harness: BotHarness) -> None:
    """A crisis answer mid-flow: help lines, 'your answer is saved' with two buttons, no next
    question; typed text waits; 'Verder met de vragen' shows the next question."""
    user = harness.api.user(7710008)
    question = await to_first_text_question(harness, user)
    number = (question.text or "").split("\n")[0]
    help_lines, offer = await crisis_answer(user)
    assert is_help(help_lines)
    assert (offer.text or "").startswith("Je antwoord is bewaard.") and PAUSE in (offer.text or "")
    assert [label for row in offer.buttons for label, _ in row] == [
        "Verder met de vragen",
        "Stoppen",
    ]
    assert await crisis_answers(harness) == [False, False, False, False, True]
    (waiting,) = await say(user, "gewoon een antwoord")
    assert "Tik dan op de knop" in (waiting.text or "") and waiting.buttons
    assert await crisis_answers(harness) == [False, False, False, False, True]
    messages = await press(user, offer, "Verder met de vragen")
    follows = question_of(messages).text or ""
    assert follows.startswith("Vraag ") and not follows.startswith(number)
    assert not user.message(offer.message_id).buttons  # the offer's buttons are gone
    assert sum(is_help(m) for m in user.messages()) == 1  # not again from the transaction


async def test_crisis_answer_pause_stop_is_like_stop(harness: BotHarness) -> None:
    """'Stoppen' after a crisis answer pauses like /stop; /start continues at the next question."""
    user = harness.api.user(7710009)
    await to_first_text_question(harness, user)
    _, offer = await crisis_answer(user)
    (stopped,) = await tap(user, offer, "Stoppen")
    assert "Je bent gestopt" in (stopped.text or "")
    assert not user.message(offer.message_id).buttons
    mark = user.mark()
    await user.send("/start")
    await user.wait_until(lambda u: any("Vraag " in (m.text or "") for m in u.messages()[mark:]))
    welcome = user.messages()[mark:]
    assert "Welkom terug" in (welcome[0].text or "")
    assert await crisis_answers(harness) == [False, False, False, False, True]


async def test_member_crisis_answer_pauses_and_continues_with_the_info_text(
    harness: BotHarness,
) -> None:
    """A werkgroep member's crisis answer pauses step 1 too; going on shows the info text that
    came before the next question, then that question."""
    user, _ = await member_at_first_question(harness, 7710010)
    help_lines, offer = await crisis_answer(user)
    assert is_help(help_lines) and (offer.text or "").startswith("Je antwoord is bewaard.")
    messages = await press(user, offer, "Verder met de vragen")
    texts = [m.text or "" for m in messages]
    assert any("Gaandeweg bepalen van de opgave" in text for text in texts[:-1])
    assert texts[-1].startswith("Vraag 2 van")


async def test_member_going_on_at_a_discussion_question_sees_the_voices(
    harness: BotHarness,
) -> None:
    """A crisis answer just before the question where the werkgroep discusses what jongeren
    said: going on shows that input, then the question (as without the pause)."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    await seed_voices(harness, werkgroep_id)
    user = harness.api.user(7710011)
    await say(user, f"/start {member_token}")
    await say(user, "Mo Lid")
    (steps,) = await say(user, "Jongerenwerk")
    step3 = next(text for row in steps.buttons for text, _ in row if text.startswith("3."))
    question = question_of(await press(user, steps, step3))
    for _ in range(40):
        if "Wat vinden we ervan?" in (question.text or ""):
            break
        question = question_of(await answer_current(user, question, text="Ons antwoord."))
    help_lines, offer = await crisis_answer(user)
    assert is_help(help_lines) and PAUSE in (offer.text or "")
    messages = await press(user, offer, "Verder met de vragen")
    texts = [m.text or "" for m in messages]
    assert any("dit zeiden jongeren en ouders" in text for text in texts[:-1])
    assert "Vraag " in texts[-1]


async def test_an_edit_into_a_disclosure_gets_help_and_is_not_an_answer(
    harness: BotHarness,
) -> None:
    """A message edited afterwards into a disclosure gets the help lines; an edit is never a
    new answer, so an ordinary edit gets nothing and the stored answer stays as it was."""
    user = harness.api.user(7710041)
    await to_first_text_question(harness, user)
    mark = user.mark()
    sent = await user.send("meer geld voor de sportclub")
    await user.wait_new(mark, 1)
    await harness.api.until_no_pending_updates()
    stored = await crisis_answers(harness)
    assert True not in stored

    def edit(text: str) -> None:
        message = dict(sent["message"])
        message.update(text=text, edit_date=message["date"] + 5)
        user.raw_update({"edited_message": message})

    mark = user.mark()
    edit(CRISIS)
    (help_lines,) = await user.wait_new(mark, 1)
    assert is_help(help_lines)
    edit("meer geld voor de bibliotheek")
    await harness.api.until_no_pending_updates()
    assert len(user.messages()) == mark + 1, "an ordinary edit gets no reply"
    assert await crisis_answers(harness) == stored


async def test_hulp_with_a_disclosure_and_a_disclosure_after_a_slash(harness: BotHarness) -> None:
    """ "/hulp mijn vader slaat me" leads with Veilig Thuis; "/ikwildood" is a disclosure, not
    an unknown command."""
    user = harness.api.user(7710042)
    (abuse,) = await first_after(user, "/hulp mijn vader slaat me", replies=1)
    assert abuse.text == help_reply("nl", CrisisSignal.of({"abuse"}))
    help_lines, unknown = await first_after(user, "/ikwildood")
    assert is_help(help_lines)
    assert "Dit commando ken ik niet" in (unknown.text or "")


async def test_a_members_disclosure_is_not_in_the_plan_nor_on_the_agree_screen(
    harness: BotHarness,
) -> None:
    """A werkgroep member types a disclosure as their answer: help lines first, the answer is
    kept, but /plan neither quotes it nor names them next to it, and /vastleggen says one
    contribution is not shown."""
    member, coordinator_token = await member_at_first_question(harness, 7710043)
    help_lines, _ = await first_after(member, CRISIS)
    assert is_help(help_lines)

    coordinator = harness.api.user(7710044)
    await say(coordinator, f"/start {coordinator_token}")
    await say(coordinator, "Co Ordinator")
    await say(coordinator, "Gemeente Velsen")
    mark = coordinator.mark()
    await coordinator.send("/plan")
    await coordinator.wait_until(
        lambda u: any("Leg gezamenlijke antwoorden vast" in (m.text or "") for m in u.messages())
    )
    markdown = next(
        m.document.data.decode()
        for m in coordinator.messages()[mark:]
        if m.document and m.document.file_name.endswith(".md")
    )
    assert CRISIS not in markdown and "Mo Lid" not in markdown
    assert "Niet opgenomen: 1 bijdrage over een persoonlijke noodsituatie." in markdown

    (chosen_step,) = await say(coordinator, "/vastleggen")
    labels = [text for row in chosen_step.buttons for text, _ in row]
    (questions,) = await tap(
        coordinator, chosen_step, next(t for t in labels if t.startswith("1."))
    )
    first = questions.buttons[0][0][0]
    mark = coordinator.mark()
    await coordinator.click(questions, first)
    await coordinator.wait_until(
        lambda u: any(
            "Typ het gezamenlijke antwoord" in (m.text or "") for m in u.messages()[mark:]
        )
    )
    shown = "\n".join(m.text or "" for m in coordinator.messages()[mark:])
    assert "Niet getoond: 1 bijdrage(n) over een persoonlijke noodsituatie." in shown
    assert CRISIS not in shown and "Mo Lid" not in shown
