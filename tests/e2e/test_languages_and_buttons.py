"""Issue 18 (languages, participants, the "/" menu) through the real bot and the local Bot API."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.admin import service
from bot.admin.errors import InvalidRequest
from bot.chat.turn import stale_button
from bot.translate import translator
from storage.models import Answer, Participant
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    join_as_coordinator,
    press,
    question_of,
    say,
    tap,
)
from tgstub import BotMessage, SimUser


async def count(harness: BotHarness, model: type) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --- 1. /taal keeps the campaign and re-sends the current message ------------------------------


async def test_taal_before_consent_keeps_the_campaign(harness: BotHarness) -> None:
    """/taal at the privacy notice: the notice comes again in English, /start shows it again
    instead of asking for a link, and 'I'll take part' starts the questions in English."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810001)
    await say(user, f"/start {token}")
    (choose,) = await say(user, "/taal")
    done, english_notice = await tap(user, choose, "English", replies=2)
    assert done.text == "The language is now English."
    assert "anonymous" in (english_notice.text or "").lower()
    assert english_notice.buttons[0][0][0] == "I'll take part"
    assert not user.message(choose.message_id).buttons  # the language buttons are gone
    menu = harness.api.commands({"type": "chat", "chat_id": user.chat_id})
    assert menu[0] == {"command": "start", "description": "Start or continue"}
    assert [c["command"] for c in menu] == [c["command"] for c in harness.api.commands()]
    (again,) = await say(user, "/start")
    assert "link" not in (again.text or "").lower() and again.buttons == english_notice.buttons
    mark = user.mark()
    await user.click(again, "I'll take part")
    (first,) = await user.wait_new(mark, 1)
    assert "Question 1 of" in (first.text or "")
    assert await count(harness, Participant) == 1


async def test_taal_mid_flow_resends_the_question_with_its_buttons(harness: BotHarness) -> None:
    """/taal at question 2: the same question comes again, in Turkish, with its buttons."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810002)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    messages = await answer_current(user, question_of(messages))
    dutch = question_of(messages)
    (choose,) = await say(user, "/taal")
    done, turkish = await tap(user, choose, "Türkçe", replies=2)
    assert done.text == "Dil artık Türkçe."
    assert "Soru 2 /" in (turkish.text or "")
    assert len(turkish.buttons) == len(dutch.buttons)
    assert await count(harness, Answer) == 1
    # The Dutch copy keeps its buttons (no edit retires it): they answer the same question, once.
    data = user.message(dutch.message_id).buttons[0][0][1]
    pressed = await user.press(dutch.message_id, data)
    await user.wait_answer(pressed)
    assert await count(harness, Answer) == 2
    again = await user.press(turkish.message_id, turkish.buttons[0][0][1])
    assert (await user.wait_answer(again)).text == stale_button(translator("tr"))
    assert await count(harness, Answer) == 2


# --- 3. ouders get u ----------------------------------------------------------------------------


async def test_ouder_gets_u_in_stop_help_and_taal(harness: BotHarness) -> None:
    """At the notice and mid-flow an ouder's /taal, /help and /stop say u, never je."""
    token = await harness.campaign("ouders")
    user = harness.api.user(6810003)
    (notice,) = await say(user, f"/start {token}")
    (choose,) = await say(user, "/taal")
    assert choose.text == "Kies uw taal:"
    await press(user, notice, "Ik doe mee")
    (help_text,) = await say(user, "/help")
    assert "Dit kunt u hier doen:" in (help_text.text or "")
    assert "later gaat u verder" in (help_text.text or "")
    assert "/vergeet – uw antwoorden wissen" in (help_text.text or "")
    (stopped,) = await say(user, "/stop")
    assert (stopped.text or "").startswith("U bent gestopt. Wat u al hebt beantwoord")
    (help_paused,) = await say(user, "/help")
    assert "Dit kunt u hier doen:" in (help_paused.text or "")


async def test_jongere_keeps_je(harness: BotHarness) -> None:
    """A jongere's /taal, /help and /stop keep je."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810004)
    (notice,) = await say(user, f"/start {token}")
    await press(user, notice, "Ik doe mee")
    (choose,) = await say(user, "/taal")
    assert choose.text == "Kies je taal:"
    (help_text,) = await say(user, "/help")
    assert "Dit kun je hier doen:" in (help_text.text or "")
    (stopped,) = await say(user, "/stop")
    assert (stopped.text or "").startswith("Je bent gestopt.")


# --- 11. the button press is answered first ----------------------------------------------------


async def test_press_is_answered_before_any_other_call(harness: BotHarness) -> None:
    """A tap on an answer: answerCallbackQuery is the first Bot API call after the press, before
    the question's message is edited and the next question is sent."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810005)
    (notice,) = await say(user, f"/start {token}")
    start = len(harness.api.call_log)
    await press(user, notice, "Ik doe mee")
    calls = [name for name, _ in harness.api.call_log[start:] if name != "getupdates"]
    assert calls[0] == "answercallbackquery"
    assert {"editmessagereplymarkup", "sendmessage"} <= set(calls[1:])


async def test_throttled_presses_are_all_answered(harness: BotHarness) -> None:
    """A flood of presses: every press gets its answer (the spinner stops), also the dropped."""
    user = harness.api.user(6810006)
    (choose,) = await say(user, "/taal")
    data = choose.buttons[0][0][1]
    presses = [await user.press(choose.message_id, data) for _ in range(30)]
    answers = [await user.wait_answer(update) for update in presses]
    assert len(answers) == 30
    notices = [m for m in user.messages() if "Rustig aan" in (m.text or "")]
    assert len(notices) == 1


# --- 6. the chosen answer stays visible (in the next message); /terug ticks choices again ----------------


async def test_tapped_answer_is_shown_and_back_ticks_choices_again(harness: BotHarness) -> None:
    """After a tap the next message starts with "✔ <answer>" and the tapped question is left
    as it was (no extra edit per answer; its buttons now answer as stale); a multiple choice
    shows the ticked options after Klaar, and ⬅ Terug from the next question ticks them again."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810007)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    age = question_of(messages)
    asked = user.message(age.message_id).text
    messages = await press(user, age, "16 tot en met 18 jaar")
    second = question_of(messages)
    # The first message after the tap (here the info text before question 2) carries it.
    assert (messages[0].text or "").startswith("✔ 16 tot en met 18 jaar\n\n")
    assert "Vraag 2 van " in (second.text or "")
    tapped = user.message(age.message_id)
    assert tapped.text == asked and tapped.buttons
    stale = await user.press(age.message_id, tapped.buttons[0][0][1])
    assert "oude vraag" in ((await user.wait_answer(stale)).text or "")
    messages = await press(user, second, "Soms")
    multi = question_of(messages)
    for label, ticked in (
        ("☐ Sport of een club", "☑ Sport of een club"),
        ("☐ Muziek, dans of toneel", "☑ Muziek, dans of toneel"),
    ):
        await user.click(user.message(multi.message_id), label)
        await user.wait_until(lambda u, t=ticked: t in labels_of(u.message(multi.message_id)))
    messages = await press(user, user.message(multi.message_id), "Klaar ✔")
    after_multi = question_of(messages)
    assert (messages[0].text or "").startswith("✔ Sport of een club, Muziek, dans of toneel\n\n")
    messages = await press(user, after_multi, "⬅ Terug")
    back = question_of(messages)
    assert not (back.text or "").startswith(("✔", "➡"))  # nothing was answered
    labels = labels_of(back)
    assert "☑ Sport of een club" in labels and "☑ Muziek, dans of toneel" in labels
    assert "☐ Uitjes met vrienden" in labels
    messages = await press(user, back, "Klaar ✔")
    scale = question_of(messages)
    messages = await press(user, scale, "Overslaan ➡")
    assert any((m.text or "").startswith("➡ Overgeslagen\n\n") for m in messages)


def labels_of(message: BotMessage) -> list[str]:
    return [text for row in message.buttons for text, _ in row]


# --- 9. one closing message ---------------------------------------------------------------------


async def finish(user: SimUser, messages: list[BotMessage], end: str) -> list[BotMessage]:
    """Answer every question; the messages that came after the last answer."""
    for _ in range(40):
        messages = await answer_current(user, question_of(messages))
        if any(end in (m.text or "") for m in messages):
            return messages
    raise AssertionError("the flow did not end")


async def test_jongere_gets_one_closing_message(harness: BotHarness) -> None:
    """The end of a flow is one message: the flow's thanks, then how to erase."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810008)
    (notice,) = await say(user, f"/start {token}")
    messages = await finish(user, await press(user, notice, "Ik doe mee"), "Klaar!")
    (closing,) = messages
    text = closing.text or ""
    assert text.startswith("Klaar! Dank je wel! De werkgroep leest de antwoorden")
    # The thanks, then what may be shown and how to erase, then the opt-in for feedback.
    assert text.endswith(
        "\n\nSoms lezen ze een korte zin uit een antwoord, zonder naam. "
        "Wil je alles wissen? Tik op /vergeet."
        "\n\nWil je later horen wat de werkgroep met de antwoorden doet?"
    )
    assert text.count("Dank je wel") == 1


async def test_member_reads_answers_are_in_the_plan_once(harness: BotHarness) -> None:
    """A member finishing a step gets one message saying the answers are in the plan, once."""
    _, _, member_token = await harness.werkgroep("voorbeeld")
    user = harness.api.user(6810009)
    await say(user, f"/start {member_token}")
    await say(user, "Lid Een")
    (steps,) = await say(user, "Jongerenwerk")
    messages = await finish(user, await press(user, steps, steps.buttons[0][0][0]), "afgerond")
    (closing,) = messages
    assert (closing.text or "").endswith(
        "\n\nJe hebt deze stap afgerond. Kies een volgende stap met /stap."
    )
    everything = " ".join(m.text or "" for m in user.messages())
    assert everything.count("Je antwoorden staan in het plan") == 1


# --- 12. the "/" menu per role ------------------------------------------------------------------


def menu_of(harness: BotHarness, user: SimUser, language: str = "") -> list[str]:
    scope = {"type": "chat", "chat_id": user.chat_id}
    return [c["command"] for c in harness.api.commands(scope, language)]


async def test_menu_per_role(harness: BotHarness) -> None:
    """The default menu has only participant commands; a member's chat gets /stap and
    /werkgroep, a coordinator's also the coordinator commands; removing the member deletes
    their chat's menu (back to the default); /taal sets the member's menu in the new language."""
    default = [c["command"] for c in harness.api.commands()]
    assert default == ["start", "help", "terug", "overslaan", "stop", "taal", "hulp", "vergeet"]
    assert [c["command"] for c in harness.api.commands(language_code="ar")] == default
    _, coordinator = await join_as_coordinator(harness, 6810010)
    assert {"samenvatting", "campagne", "leden", "stap"} <= set(menu_of(harness, coordinator))
    assert menu_of(harness, coordinator)[0] == "start"
    (invite,) = await say(coordinator, "/uitnodigen")
    token = next(
        word.split("start=")[1] for word in (invite.text or "").split() if "start=" in word
    )
    member = harness.api.user(6810011)
    await say(member, f"/start {token}")
    await say(member, "Lid Twee")
    await say(member, "Bibliotheek")
    assert menu_of(harness, member) == [
        "start",
        "stap",
        "werkgroep",
        "help",
        "terug",
        "overslaan",
        "stop",
        "taal",
        "hulp",
        "vergeet",
    ]
    (choose,) = await say(member, "/taal")
    await tap(member, choose, "English", replies=1)
    await harness.api.until_no_pending_updates()
    english = harness.api.commands({"type": "chat", "chat_id": member.chat_id})
    assert english[0] == {"command": "start", "description": "Start or continue"}
    assert [c["command"] for c in english] == menu_of(harness, member)
    (members,) = await say(coordinator, "/leden")
    (confirm,) = await tap(coordinator, members, "Verwijder: Lid Twee")  # asks first (item 14)
    await tap(coordinator, confirm, "Ja, verwijderen")
    assert menu_of(harness, member) == []


# --- 3 and 4. /hulp for ouders; right-to-left numbers -------------------------------------------

LRI, PDI = "\u2066", "\u2069"


async def test_arabic_counter_and_help_numbers_are_isolated(harness: BotHarness) -> None:
    """In Arabic "Vraag n van m" and the help-line numbers are left-to-right isolates."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(6810012, language_code="ar")
    (notice,) = await say(user, f"/start {token}")
    mark = user.mark()
    await user.click(notice, "أشارك")
    (first,) = await user.wait_new(mark, 1)
    assert (first.text or "").startswith(f"السؤال {LRI}1{PDI} من {LRI}")
    (help_lines,) = await say(user, "/hulp")
    text = help_lines.text or ""
    assert f"{LRI}0800-2000{PDI}" in text and f"{LRI}112{PDI}" in text
    assert "0800-2000" not in text.replace(f"{LRI}0800-2000{PDI}", "")


async def test_ouder_hulp_says_u(harness: BotHarness) -> None:
    """/hulp of an ouder at the privacy notice says u; a jongere's says je."""
    token = await harness.campaign("ouders")
    user = harness.api.user(6810013)
    await say(user, f"/start {token}")
    (at_notice,) = await say(user, "/hulp")
    assert (at_notice.text or "").startswith("Zit u ergens mee, of voelt u zich niet veilig?")
    assert "Hier kunt u terecht:" in (at_notice.text or "")
    assert "want de bot weet niet wie u bent" in (at_notice.text or "")
    assert " je " not in (at_notice.text or "")
    jongere = harness.api.user(6810014)
    (jongere_help,) = await say(jongere, "/hulp")
    assert (jongere_help.text or "").startswith("Zit je ergens mee")


# --- 5. admin refusals are codes, said in the user's language -----------------------------------


async def test_admin_refusal_in_the_users_language(harness: BotHarness) -> None:
    """A beheerder's /nieuwewerkgroep with an unknown plan: the refusal comes in English for an
    English user and in Dutch (the same sentence the CLI prints) for a Dutch one."""
    assert harness.runtime is not None
    harness.runtime.settings = harness.settings.model_copy(update={"admin_ids": [6810015, 6810016]})
    english = harness.api.user(6810015, language_code="en")
    (refused,) = await say(english, "/nieuwewerkgroep geenplan Velsen")
    assert (refused.text or "").startswith("Unknown plan 'geenplan'; choose from: ")
    dutch = harness.api.user(6810016, language_code="nl")
    (geweigerd,) = await say(dutch, "/nieuwewerkgroep geenplan Velsen")
    error = InvalidRequest("unknown_plan", plan="geenplan", known="x")
    assert (geweigerd.text or "").startswith("Onbekend plan 'geenplan'; kies uit: ")
    assert str(error) == "Onbekend plan 'geenplan'; kies uit: x."
    assert error.message(translator("en").gettext) == "Unknown plan 'geenplan'; choose from: x."


async def test_ouder_vergeet_and_welcome_back_say_u(harness: BotHarness) -> None:
    """An ouder mid-flow: /vergeet asks and confirms with u; after /stop, /start welcomes back
    with u."""
    token = await harness.campaign("ouders")
    user = harness.api.user(6810017)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    await answer_current(user, question_of(messages))
    await say(user, "/stop")
    (welcome, _question) = await say(user, "/start", replies=2)
    assert welcome.text == "Welkom terug! We gaan verder waar u was."
    (confirm,) = await say(user, "/vergeet")
    assert (confirm.text or "").startswith("Wilt u alle antwoorden wissen die u gaf")
    (erased,) = await tap(user, confirm, "Ja, wis alles")
    assert (erased.text or "").startswith("Gewist: uw antwoorden uit 1 ronde(s).")
    assert await count(harness, Answer) == 0


async def test_menu_of_a_member_removed_by_the_cli_goes_at_next_start(
    harness: BotHarness,
) -> None:
    """Removed with `samenspraak werkgroep remove-member` (no chat involved): at their next /start
    the chat's own menu is deleted, so the default participant menu applies again."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    user = harness.api.user(6810018)
    await say(user, f"/start {member_token}")
    await say(user, "Lid Drie")
    await say(user, "Sportclub")
    assert "stap" in menu_of(harness, user)
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        (member,) = await service.list_members(session, werkgroep_id)
        await service.remove_member(session, werkgroep_id, member.id, actor="cli")
    (hello,) = await say(user, "/start")
    assert "link" in (hello.text or "")
    assert menu_of(harness, user) == []
