"""Recognise a young person's disclosure of danger in free text, so the bot can answer with
help lines before anything else.

The lexicon is data (``data/crisis_lexicon.yaml``). Text and lexicon go through the same
normalisation: lower case, accents dropped ("suïcide"), apostrophes dropped ("m'n" → "mn"),
digits inside words read as letters ("d00d"), everything else a space, and every run of a
repeated letter squeezed to one ("dood gaaaan" and "dood gaan" both become "dod gan"). Patterns
are therefore written in ordinary Dutch; the loader squeezes them the same way.

Pattern language, one phrase per line, matched on whole words:

* ``ik wil dood``: these words in this order, next to each other;
* ``slaat|sloeg``: either word; ``zelfmoord*``: a word starting with "zelfmoord";
  ``*moord``: a word ending with "moord";
* ``er?``: an optional word;
* ``...``: zero to three other words;
* ``{SELF}``: one of the phrases of the macro ``SELF`` (macros are defined in the same file).

Phrases under ``exclude`` are blanked out before matching, so "ik ga dood van het lachen" does
not fire "ik ga dood". False alarms cost a help-line message; a missed disclosure costs more, so
the lexicon leans towards firing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import yaml

# The crisis reply is the help-line message; callers import both from here.
from bot.privacy.helplines import helpline_message, load_helplines

__all__ = [
    "CATEGORIES",
    "CrisisCategory",
    "CrisisLexicon",
    "CrisisSignal",
    "LexiconError",
    "detect_crisis",
    "helpline_message",
    "load_helplines",
    "load_lexicon",
    "normalize",
]

CrisisCategory = Literal[
    "suicide", "self_harm", "abuse", "domestic_violence", "sexual_violence", "running_away"
]
# Also the order of urgency: the first category of a signal is the most urgent one.
CATEGORIES: tuple[CrisisCategory, ...] = (
    "suicide",
    "self_harm",
    "sexual_violence",
    "abuse",
    "domestic_violence",
    "running_away",
)

_GAP_WORDS = 3
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^a-z0-9@]+")
_REPEATS = re.compile(r"(.)\1+")
_HAS_LETTER = re.compile(r"[a-z]")


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the phrase."""


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    """Which kinds of danger a text mentions, most urgent first. Never holds the text itself."""

    categories: tuple[CrisisCategory, ...]

    @property
    def primary(self) -> CrisisCategory:
        return self.categories[0]


@dataclass(frozen=True, slots=True)
class CrisisLexicon:
    patterns: Mapping[CrisisCategory, tuple[re.Pattern[str], ...]]
    excludes: tuple[re.Pattern[str], ...]

    def detect(self, text: str) -> CrisisSignal | None:
        normalized = normalize(text)
        for pattern in self.excludes:
            normalized = pattern.sub(" _ ", normalized)
        found = tuple(
            category
            for category in CATEGORIES
            if any(p.search(normalized) for p in self.patterns.get(category, ()))
        )
        return CrisisSignal(found) if found else None


def normalize(text: str) -> str:
    """Reduce ``text`` to squeezed lower-case ASCII words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    words = []
    for word in _NON_WORD.sub(" ", ascii_text).split():
        if _HAS_LETTER.search(word):
            word = word.translate(_LEET)
        words.append(_REPEATS.sub(r"\1", word))
    return " ".join(words)


def detect_crisis(text: str) -> CrisisSignal | None:
    """Return the crisis categories ``text`` mentions, or None; uses the shipped lexicon."""
    return load_lexicon().detect(text)


@cache
def load_lexicon() -> CrisisLexicon:
    """Load and compile ``data/crisis_lexicon.yaml`` (once per process)."""
    source = resources.files("bot.privacy").joinpath("data/crisis_lexicon.yaml").read_text("utf-8")
    return compile_lexicon(yaml.safe_load(source))


def compile_lexicon(data: Any) -> CrisisLexicon:
    """Compile lexicon data (the parsed YAML) into regular expressions over normalised text."""
    if not isinstance(data, dict):
        raise LexiconError("the crisis lexicon must be a mapping")
    macros = {
        name: _as_phrases(phrases, f"macro {name}")
        for name, phrases in (data.get("macros") or {}).items()
    }
    categories = data.get("categories") or {}
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown:
        raise LexiconError(f"unknown crisis categories: {', '.join(unknown)}")
    patterns = {
        cast(CrisisCategory, category): tuple(
            _compile_phrase(phrase, macros) for phrase in _as_phrases(phrases, category)
        )
        for category, phrases in categories.items()
    }
    excludes = tuple(
        _compile_phrase(phrase, macros)
        for phrase in _as_phrases(data.get("exclude") or [], "exclude")
    )
    return CrisisLexicon(patterns=patterns, excludes=excludes)


def _as_phrases(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty phrases")
    return value


def _compile_phrase(phrase: str, macros: Mapping[str, Sequence[str]]) -> re.Pattern[str]:
    body = _phrase_body(phrase, macros, depth=0)
    return re.compile(rf"(?<!\S){body}(?!\S)")


def _phrase_body(phrase: str, macros: Mapping[str, Sequence[str]], depth: int) -> str:
    tokens = phrase.split()
    if not tokens or tokens[0] == "..." or tokens[-1] == "...":
        raise LexiconError(f"{phrase!r}: a phrase cannot start or end with '...'")
    if tokens[0].endswith("?") or tokens[-1].endswith("?"):
        raise LexiconError(f"{phrase!r}: the first and last word cannot be optional")
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if token == "...":
            parts.append(rf"(?: \S+){{0,{_GAP_WORDS}}}")
            continue
        optional = token.endswith("?")
        word = _token(token.removesuffix("?"), phrase, macros, depth)
        if index == 0:
            parts.append(word)
        elif optional:
            parts.append(f"(?: {word})?")
        else:
            parts.append(f" {word}")
    return "".join(parts)


def _token(token: str, phrase: str, macros: Mapping[str, Sequence[str]], depth: int) -> str:
    alternatives = []
    for alternative in token.split("|"):
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in macros or depth > 0:
                raise LexiconError(f"{phrase!r}: unknown or nested macro {alternative}")
            bodies = [_phrase_body(p, macros, depth + 1) for p in macros[name]]
            alternatives.append("(?:" + "|".join(bodies) + ")")
            continue
        prefix = alternative.startswith("*")
        suffix = alternative.endswith("*")
        literal = normalize(alternative.strip("*"))
        if not literal or " " in literal:
            raise LexiconError(f"{phrase!r}: {alternative!r} is not a single word")
        alternatives.append(
            ("\\S*" if prefix else "") + re.escape(literal) + ("\\S*" if suffix else "")
        )
    return "(?:" + "|".join(alternatives) + ")"
