"""Reduce free text to the plain words the crisis lexicons are written in.

Young people write "IK WIL DOOOOD", "z3lfm00rd", "z e l f m o o r d", "m'n", "zelfmoooord";
Arabic arrives with or without vowel marks and hamza; Polish and Turkish with or without their
letters (ł, ı, ş). All of it, and the lexicon phrases themselves, go through :func:`normalize`:

* case folded, accents and Arabic vowel marks dropped (NFKD), ``ł``→``l``, ``ı``→``i``,
  ``ة``→``ه``, ``ى``→``ي``, tatweel removed;
* zero-width characters, direction marks and other control or format characters removed;
* apostrophes dropped ("m'n" → "mn"), every other non-word character a space;
* digits inside a word that has letters read as letters ("d00d" → "dood"); plain numbers stay;
* every run of a repeated character squeezed to one ("dooood" and "dood" both become "dod");
* a run of three or more single letters joined ("z e l f m o o r d" → "zelfmord").

Chat spellings ("mn", "gwn", "kms") are per language and belong to the lexicon files; see
:mod:`bot.privacy.safety.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_CHARS", "normalize", "words"]

# Telegram text is at most 4096 UTF-16 units and captions 1024; anything longer is not a chat
# message, and only its start is read so that hostile input costs bounded time.
MAX_CHARS = 16_384

_FOLD = str.maketrans(
    {
        "ł": "l",
        "ı": "i",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "ة": "ه",
        "ى": "ي",
        "ـ": None,  # tatweel: stretches Arabic letters, like "heeeel"
        "_": " ",
    }
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^\w@]+")
_REPEATS = re.compile(r"(.)\1+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPELLED_OUT = re.compile(r"(?<!\S)(?:[^\W\d_] +){2,}[^\W\d_](?!\S)")


def normalize(text: str) -> str:
    """``text`` as squeezed lower-case words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_CHARS].casefold())
    kept = "".join(ch for ch in decomposed if _kept(ch)).translate(_FOLD)
    kept = _APOSTROPHES.sub("", kept)
    spaced = _SPELLED_OUT.sub(lambda m: m.group(0).replace(" ", "") + " ", _NON_WORD.sub(" ", kept))
    squeezed = []
    for word in spaced.split():
        if _HAS_LETTER.search(word):
            word = word.translate(_LEET)
        squeezed.append(_REPEATS.sub(r"\1", word))
    return " ".join(squeezed)

def words(text: str) -> list[str]:
    return normalize(text).split()


def _kept(char: str) -> bool:
    # Combining marks (accents, Arabic harakat and hamza) and format/control characters
    # (zero-width joiners, bidi marks and isolates) carry no letters.
    category = unicodedata.category(char)
    return not (category.startswith("M") or category in {"Cf", "Cc", "Co", "Cs"}) or char in "\n\t"
