"""Help lines: complete and listed in one plain Dutch message (age: tests/test_helpline_age.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.privacy import crisis
from bot.privacy.helplines import HELPLINE_MESSAGE, helpline_message, load_helplines

EXPECTED_NUMBERS = {"112", "0800-0432", "113", "0800-0113", "0800-2000", "0800-0188", "0800-0450"}


def test_the_six_help_lines_are_complete() -> None:
    """All six lines from the privacy guide are there, with number, note, source and date."""
    lines = load_helplines()
    assert [line.name for line in lines] == [
        "Alarmnummer",
        "De Kindertelefoon",
        "113 Zelfmoordpreventie",
        "Veilig Thuis",
        "Centrum Seksueel Geweld",
        "Alles Oké? Supportlijn",
    ]
    assert {number for line in lines for number in line.numbers} == EXPECTED_NUMBERS
    for line in lines:
        assert line.note.strip()
        assert line.source.startswith("https://")
        assert line.url is None or line.url.startswith("https://")
        assert line.verified_on <= date.today()


def test_message_lists_every_line_and_number() -> None:
    """Each help line's name and every number of the data file appear in the message."""
    message = helpline_message("nl")
    # The alarm number is written as "112" in the first sentence, not under its name.
    names = [line.name for line in load_helplines() if line.id != "alarmnummer"]
    assert [name for name in names if name not in message] == []
    for line in load_helplines():
        for number in line.numbers:
            assert re.search(rf"(?<![\d-]){re.escape(number)}(?![\d-])", message), number


def test_message_says_112_and_that_the_bot_cannot_call() -> None:
    """The message points to 112 for direct danger and says the anonymous bot cannot call."""
    assert "direct gevaar? Bel dan meteen 112." in HELPLINE_MESSAGE
    assert "kan zelf niemand bellen of hulp sturen" in HELPLINE_MESSAGE
    assert "anoniem" in HELPLINE_MESSAGE


def test_message_is_plain_text_that_fits_one_telegram_message() -> None:
    """No HTML or Markdown characters, under Telegram's 4096-character limit."""
    assert not set("<>&*_`[]") & set(HELPLINE_MESSAGE)
    assert len(HELPLINE_MESSAGE) < 4096


def test_message_sentences_are_short() -> None:
    """B1: no sentence in the message is longer than 20 words."""
    sentences = re.split(r"(?<=[.?!:])\s+|\n", HELPLINE_MESSAGE)
    assert max(len(sentence.split()) for sentence in sentences) <= 20


def test_message_is_available_next_to_the_detector() -> None:
    """Callers import the message from the crisis module; it is the same text."""
    assert crisis.helpline_message() == HELPLINE_MESSAGE


def test_unknown_locale_is_refused() -> None:
    """A locale the bot does not ship is a programming mistake."""
    with pytest.raises(ValueError, match="unsupported locale"):
        helpline_message("xx")
