"""Recognise a young person's disclosure of danger in free text, so the bot can answer with
help lines before anything else.

This is the public face of :mod:`bot.privacy.safety`: the detector normalises the text
(:mod:`~bot.privacy.safety.normalize`), guesses its language (:mod:`~bot.privacy.safety.language`)
and checks the lexicons of that language, the user's language and Dutch
(:mod:`~bot.privacy.safety.lexicon`, data in ``data/crisis/<lang>.yaml``); when no lexicon
fires, a learned linear model (:mod:`~bot.privacy.safety.model`, weights in
``data/crisis_model.json.gz``) gets a say when it is switched on (off by default). False alarms cost a help-line message; a missed
disclosure costs more, so the lexicons lean towards firing.

Call :func:`load_lexicon` at start-up: it reads and compiles every lexicon and loads the
language models once (about a second), so the first participant's message is not the one
that pays for it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
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
    return _RECENT.verdict(text, tuple(languages))


class _RecentVerdicts:
    """The verdicts on the last few texts, so one message is judged once per event.

    One typed message is checked up to four times (the edge's first aid, the dialog's turn,
    the stored answer, the web page's help box); each check normalises, guesses the language
    and runs several lexicons (a few milliseconds). The memo holds no text: its keys are keyed
    BLAKE2b digests under a random per-process key, its values the kinds of danger found.
    """

    def __init__(self, size: int = 256) -> None:
        self._key = secrets.token_bytes(32)
        self._size = size
        self._verdicts: OrderedDict[bytes, CrisisSignal | None] = OrderedDict()
        self._lock = threading.Lock()  # detection may also run in a worker thread

    def verdict(self, text: str, languages: tuple[str, ...]) -> CrisisSignal | None:
        digest = hashlib.blake2b(key=self._key, digest_size=16)
        digest.update("\x00".join(languages).encode())
        digest.update(b"\xff")  # no language code holds this byte: the parts cannot shift
        digest.update(text.encode("utf-8", "surrogatepass"))
        key = digest.digest()
        with self._lock:
            if key in self._verdicts:
                self._verdicts.move_to_end(key)
                return self._verdicts[key]
        found = load_detector().detect(text, languages)
        with self._lock:
            self._verdicts[key] = found
            while len(self._verdicts) > self._size:
                self._verdicts.popitem(last=False)
        return found


_RECENT = _RecentVerdicts()


def load_lexicon() -> Detector:
    """Compile every lexicon and load the language models (once per process)."""
    return load_detector()
