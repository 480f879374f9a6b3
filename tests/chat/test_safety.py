"""First aid without the database: what bot.chat.safety answers for one incoming event, and
that the dialog's transaction does not send the help lines a second time."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.chat import safety
from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Send
from bot.chat.safety import first_aid, help_message
from bot.privacy.crisis import CrisisSignal, detect_crisis
from bot.privacy.helplines import help_reply
from storage.repo import new_token
from tests.chat.conftest import Talk

SUICIDE = CrisisSignal.of({"suicide"})


def incoming(**fields: object) -> Incoming:
    return Incoming(update_id=1, user_id=42, **fields)  # type: ignore[arg-type]


def test_text_caption_and_command_arguments_are_checked() -> None:
    """A crisis in the text, a photo caption or the /start payload gets the suicide reply."""
    expected = [help_message("nl", SUICIDE)]
    assert first_aid(incoming(text="ik wil niet meer leven"), "nl") == expected
    assert first_aid(incoming(media="photo", caption="ik wil niet meer leven"), "nl") == expected
    assert first_aid(incoming(command="start", args=("ik", "wil", "dood")), "nl") == expected


def test_hulp_with_a_disclosure_leads_with_the_fitting_line() -> None:
    """ "/hulp mijn vader slaat me": the help reply led by Veilig Thuis, not the general one."""
    abuse = CrisisSignal.of({"abuse"})
    got = first_aid(incoming(command="hulp", args=("mijn", "vader", "slaat", "me")), "nl")
    assert got == [help_message("nl", abuse)]
    assert got != [help_message("nl")]
    assert first_aid(incoming(command="hulp"), "nl") == [help_message("nl")]


def test_a_disclosure_typed_as_a_command_word_is_checked() -> None:
    """ "/ikwildood" and "/ik wil dood" are disclosures after a slash, not unknown commands."""
    expected = [help_message("nl", SUICIDE)]
    assert first_aid(incoming(command="ikwildood"), "nl") == expected
    assert first_aid(incoming(command="ik", args=("wil", "dood")), "nl") == expected


def test_no_command_of_the_bot_is_read_as_a_crisis() -> None:
    from bot.chat import commands, coordinator, feedback, voices

    names = [*commands.COMMANDS, *coordinator.COMMANDS, *feedback.COMMANDS, *voices.COMMANDS]
    assert "start" in names and "samenvatting" in names
    for name in names:
        assert first_aid(incoming(command=name), "nl") == [], name


# Join tokens (32 characters of the URL-safe alphabet, as storage.repo.new_token makes them)
# that hold a chat word once cut at "-" and "_". Random ones did, 1 in about 7,000, while "zm"
# was read as "zelfmoord"; these are made to, so the test keeps its point whatever the slang.
WORDY_TOKENS = [
    "x8Qp2LmZr4T-kms-Vb7NcW1yHs0Jd9Ua",
    "Vb7NcW1yHs0Jd9Ua_ikwildood_x8Qp2",
    "kys-Vb7NcW1yHs0Jd9Ua_x8Qp2LmZr4T",
]


def test_a_join_token_is_not_read_as_typed_text() -> None:
    """A /start link's token is not something the user typed: whatever letters it holds, the
    user gets the privacy notice, not help lines. Words typed after /start are still read."""
    assert all(len(token) == 32 for token in WORDY_TOKENS)
    assert all(detect_crisis(token, ("nl",)) is not None for token in WORDY_TOKENS)
    tokens = [*WORDY_TOKENS, *(new_token() for _ in range(3000))]
    assert [t for t in tokens if first_aid(incoming(command="start", args=(t,)), "nl")] == []
    expected = [help_message("nl", SUICIDE)]
    assert first_aid(incoming(command="start", args=("kms",)), "nl") == expected
    assert first_aid(incoming(command="start", args=(WORDY_TOKENS[1], "kms")), "nl") == expected
    assert first_aid(incoming(text=WORDY_TOKENS[0]), "nl") == expected  # typed, not a link


def test_ordinary_text_and_other_chats_get_nothing() -> None:
    """No signal, no help; group chats are not served at all."""
    assert first_aid(incoming(text="ik ga dood van het lachen"), "nl") == []
    assert first_aid(incoming(media="photo", caption="mijn hond"), "nl") == []
    assert first_aid(incoming(text="ik wil niet meer leven", private=False), "nl") == []


def test_hulp_gets_the_general_reply_in_the_users_language() -> None:
    """/hulp: the general help reply, escaped, in the given language."""
    (reply,) = first_aid(incoming(command="hulp"), "pl")
    assert reply == Send(help_reply("pl").replace("&", "&amp;").replace("<", "&lt;"))


def test_turkish_message_in_turkish() -> None:
    """'ölmek istiyorum' with the Turkish locale: the Turkish reply for suicide."""
    assert first_aid(incoming(text="ölmek istiyorum"), "tr") == [help_message("tr", SUICIDE)]


async def test_the_transaction_does_not_send_help_again(dialog: Dialog, talk: Talk) -> None:
    """The edge sends first aid; handle() never repeats it, and /hulp does nothing there."""
    replies = await talk(text="ik wil niet meer leven")
    hulp = await talk(command="hulp")
    texts = [out.text for out in replies if isinstance(out, Send)]
    assert texts and not any("0800-0432" in text for text in texts)
    assert hulp == []
    assert dialog.first_aid(incoming(command="hulp")) == [help_message("nl")]


async def test_first_aid_remembers_the_stored_language(dialog: Dialog, talk: Talk) -> None:
    """After /taal English, first aid (without the database) answers in English."""
    await talk(command="taal")
    await talk(button="l:en")
    aid = dialog.first_aid(Incoming(update_id=99, user_id=4242, text="I want to die"))
    assert aid == [help_message("en", SUICIDE)]


async def test_both_the_stored_and_the_telegram_language_are_checked(
    dialog: Dialog, talk: Talk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored choice English, Telegram Turkish: the text is checked in both (and the detector
    adds the message's own language and Dutch); the reply is in the stored language."""
    await talk(command="taal")
    await talk(button="l:en")
    asked: list[Sequence[str]] = []

    def spy(text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
        asked.append(tuple(languages))
        return detect_crisis(text, languages)

    monkeypatch.setattr(safety, "detect_crisis", spy)
    aid = dialog.first_aid(
        Incoming(update_id=98, user_id=4242, language_code="tr", text="ölmek istiyorum")
    )
    assert asked == [("en", "tr")]
    assert aid == [help_message("en", SUICIDE)]
