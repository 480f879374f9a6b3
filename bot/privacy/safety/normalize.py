"""Reduce free text to the plain words the crisis lexicons are written in.

Young people write "IK WIL DOOOOD", "z3lfm00rd", "z e l f m o o r d", "m'n", "zelfmoooord";
Arabic arrives with or without vowel marks and hamza; Polish and Turkish with or without their
letters (ł, ı, ş). All of it, and the lexicon phrases themselves, go through :func:`normalize`:

* case folded, accents and Arabic vowel marks dropped (NFKD), ``ł``→``l``, ``ı``→``i``,
  ``ة``→``ه``, ``ى``→``ي``, tatweel removed;
* zero-width characters, direction marks and other control or format characters removed;
* Cyrillic and Greek letters that look like Latin ones read as those ("іk wіl dооd" with a
  Cyrillic і and о → "ik wil dood") in a word that also has Latin letters or has only such
  look-alikes; letters of a flag ("🇩ood") as letters;
* apostrophes dropped ("m'n" → "mn"), every other non-word character a space;
* digits inside a word that has letters read as letters ("d00d" → "dood"); plain numbers stay;
* every run of a repeated character squeezed to one ("dooood" and "dood" both become "dod");
* a run of three or more single letters joined ("z e l f m o o r d" → "zelfmord");
* a word cut after 40 characters;
* with ``clauses=True`` (the detector's view), the end of every clause (``.``, ``!``, ``?``,
  ``,``, ``;``, ``:`` before a space, a line break) becomes the token ``|``, and the text ends
  with one, so that phrases can ask for words in the same clause or at its end.

Chat spellings ("mn", "gwn", "kms") are per language and belong to the lexicon files; see
:mod:`bot.privacy.safety.lexicon`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache

from bot.datafiles import cached_json

__all__ = ["CLAUSE", "MAX_CHARS", "load_normalizer", "normalize", "words"]

# A Telegram message holds at most 4096 characters (a caption 1024): only that much of any
# text is read, so that hostile input costs bounded time.
MAX_CHARS = 4_096

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
# Look-alikes that pass for Latin letters (after case folding): a human reads "dооd" with
# Cyrillic о's as "dood". Not Unicode's whole confusables list: only letters that look the
# same in ordinary fonts, so real Cyrillic or Greek words are not turned into Dutch ones.
_LOOKALIKE_LETTERS = "авекмнорстухѕіїјһԁԛԝӏαβεικνορτυχ"
_LOOKALIKES = str.maketrans(
    dict(zip(_LOOKALIKE_LETTERS, "abekmhopctyxsiijhdqwlabeiknoptux", strict=True))
)
_HAS_LOOKALIKE = re.compile(f"[{_LOOKALIKE_LETTERS}]")
_LOOKALIKE_WORD = re.compile(rf"\w*[{_LOOKALIKE_LETTERS}]\w*")
# A letter that is neither Latin nor a look-alike: the word is Russian, Greek, ... as written.
_OWN_LETTER = re.compile(rf"[^\W\d_a-z{_LOOKALIKE_LETTERS}]")
# Regional indicator symbols, the letters of flag emoji, are letters in disguise too.
_FLAG_LETTERS = str.maketrans({0x1F1E6 + n: chr(ord("a") + n) for n in range(26)})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^\w@]+")
_REPEATS = re.compile(r"(.)\1+")
# A digit or "@" touching a letter is a letter in disguise ("z3lfm0rd"); "113" stays a number.
# No word is longer than this; a longer run is cut, so it cannot make matching quadratic.
_LONG_WORD = re.compile(r"(\S{40})\S+")
_LEET_DIGIT = re.compile(r"(?<=[^\W\d_])[013457@]|[013457@](?=[^\W\d_])")
_SPELLED_OUT = re.compile(r"(?<!\S)(?:[^\W\d_] +){2,}[^\W\d_](?!\S)")
# Punctuation that ends a clause: only before white space or the end ("z.e.l.f" stays a word).
_CLAUSE_END = re.compile(r"(?:[.!?;:,\u2026\u061f\u060c\u061b]+(?=\s|$)|\n)+")
CLAUSE = "|"


def normalize(text: str, clauses: bool = False) -> str:
    """``text`` as squeezed lower-case words separated by single spaces.

    With ``clauses``, clauses are separated by the token ``|`` and the text ends with one.
    """
    if clauses:
        pieces = (_normalize(piece) for piece in _CLAUSE_END.split(text[:MAX_CHARS]))
        kept = [piece for piece in pieces if piece]
        return f" {CLAUSE} ".join(kept) + f" {CLAUSE}" if kept else ""
    return _normalize(text)


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text[:MAX_CHARS].casefold())
    kept = decomposed.translate(_drop_table()).translate(_FOLD).translate(_FLAG_LETTERS)
    if _HAS_LOOKALIKE.search(kept):
        kept = _LOOKALIKE_WORD.sub(_as_latin, kept)
    kept = _NON_WORD.sub(" ", _APOSTROPHES.sub("", kept))
    joined = _SPELLED_OUT.sub(lambda m: m.group(0).replace(" ", "") + " ", kept)
    squeezed = _LONG_WORD.sub(r"\1", _REPEATS.sub(r"\1", joined))
    return _LEET_DIGIT.sub(lambda m: m.group(0).translate(_LEET), squeezed).strip()


def _as_latin(match: re.Match[str]) -> str:
    """A word with look-alike letters, in Latin letters when it passes for a Latin word: it
    has Latin letters too ("dооd"), or only look-alikes ("іk"); a Russian or Greek word with
    letters of its own stays as it is."""
    word = match.group(0)
    return word if _OWN_LETTER.search(word) else word.translate(_LOOKALIKES)


def load_normalizer() -> None:
    """Build the table of dropped characters (a tenth of a second) at start-up."""
    _drop_table()


def words(text: str) -> list[str]:
    return normalize(text).split()


@cache
def _drop_table() -> dict[int, None]:
    """Characters that carry no letters: combining marks (accents, Arabic harakat and hamza)
    and format and control characters (zero-width joiners, bidi marks and isolates)."""
    # Scanning 200,000 code points takes a tenth of a second or more; the result depends only
    # on the Unicode database, so it is kept between starts under its version.
    version = f"{_DROP_RULE}|{unicodedata.unidata_version}".encode()
    codes = cached_json("crisis-drop-table", version, _dropped_codes)
    return dict.fromkeys(codes)


# Change when _dropped_codes changes: it keys the kept table.
_DROP_RULE = "marks, Cf and Cc except newline and tab; planes 0, 1 and 14 (v1)"


def _dropped_codes() -> list[int]:
    # Planes 0 and 1 hold every script people chat in; plane 14 holds tag characters and
    # variation selectors, used to hide text. The other planes have no marks or controls.
    codes = itertools.chain(range(0x20000), range(0xE0000, 0xE1000))
    return [
        code
        for code in codes
        if (category := unicodedata.category(chr(code)))[0] == "M"
        or (category in {"Cf", "Cc"} and chr(code) not in "\n\t")
    ]
