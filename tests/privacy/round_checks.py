"""The three checks every lexicon round's test file makes of its texts (written for the test):
a disclosure gets the help of its category, the lexicons alone catch it (it is not left to the
learned model), and an ordinary text stays quiet."""

from __future__ import annotations

from bot.privacy.crisis import detect_crisis
from bot.privacy.safety.detector import Detector, load_detector


def gets_the_right_help(text: str, language: str, category: str) -> None:
    signal = detect_crisis(text, languages=(language,))
    assert signal is not None, text
    assert category in signal.categories, (text, signal.categories)


def is_caught_by_the_lexicons_alone(text: str, language: str, category: str) -> None:
    """Not left to the learned model: the frames are in the lexicons (bot/privacy/data/crisis)."""
    signal = Detector(load_detector().lexicons, None).detect(text, (language,))
    assert signal is not None and category in signal.categories, text


def stays_quiet(text: str, language: str) -> None:
    assert detect_crisis(text, languages=(language,)) is None, text
