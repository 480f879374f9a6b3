"""Recognise a young person's disclosure of danger in free text, so the bot can answer with
help lines before anything else.

This is the public face of :mod:`bot.privacy.safety`: the detector normalises the text
(:mod:`~bot.privacy.safety.normalize`), guesses its language (:mod:`~bot.privacy.safety.language`)
and checks the lexicons of that language, the user's language and Dutch
(:mod:`~bot.privacy.safety.lexicon`, data in ``data/crisis/<lang>.yaml``). False alarms cost a
help-line message; a missed disclosure costs more, so the lexicons lean towards firing.

Call :func:`load_lexicon` at start-up: it reads and compiles every lexicon and loads the
language models once (about a second), so the first participant's message is not the one
that pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.privacy.helplines import help_reply, helpline_message, load_helplines
from bot.privacy.safety.categories import CATEGORIES, CrisisCategory, CrisisSignal
from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.lexicon import LexiconError, compile_lexicon
from bot.privacy.safety.normalize import normalize

__all__ = [
    "CATEGORIES",
    "CrisisCategory",
    "CrisisSignal",
    "LexiconError",
    "compile_lexicon",
    "detect_crisis",
    "help_reply",
    "helpline_message",
    "load_helplines",
    "load_lexicon",
    "normalize",
]


def detect_crisis(text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
    """The kinds of danger ``text`` mentions, or None.

    ``languages`` are checked besides the language the text itself looks like and Dutch:
    pass the user's locale.
    """
    return load_detector().detect(text, languages)


def load_lexicon() -> Detector:
    """Compile every lexicon and load the language models (once per process)."""
    return load_detector()
