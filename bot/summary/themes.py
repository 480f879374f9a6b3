"""Tag free-text answers with the themes of a taxonomy (``flows/_themes/*.yaml``).

A taxonomy word matches after Dutch stemming, so one form per word is enough ("vriend" finds
"vrienden"). A phrase of several words matches those stems next to each other. A word ending
in ``*`` matches every word starting with it ("school*": schoolwerk), a word starting with
``*`` every word ending with it ("*school": basisschool): Dutch glues compounds together, and
stemming cannot split them. An answer that matches nothing is tagged :data:`OVERIG`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

from bot.engine.schema import Taxonomy

__all__ = ["OVERIG", "ThemeMatcher", "stop_words", "tokens", "top_unmatched_words"]

OVERIG = "overig"
"""The theme of an answer that matches no theme of the taxonomy."""

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Redaction markers ("[telefoonnummer]") are not words the participant chose.
_MARKER = re.compile(r"\[[^\]\s]{1,20}\]")


@cache
def _stemmer() -> snowballstemmer.stemmer:
    # snowballstemmer 3 renamed the classic Dutch stemmer to "dutch_porter"; its new "dutch"
    # strips "ge-" prefixes (gezond -> zon, gezin -> zin), which wrecks theme matching.
    algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"
    return snowballstemmer.stemmer(algorithm)


def _fold(text: str) -> str:
    """Lowercase without diacritics, so "geïsoleerd" and "geisoleerd" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(text: str) -> list[str]:
    """The folded words of ``text`` (letters only; hyphenated words stay one token)."""
    return _WORD.findall(_fold(_MARKER.sub(" ", text)))


# Dutch plurals turn a final s or f into z or v (huis/huizen, brief/brieven); the stemmer keeps
# the z and v, so both sides are brought back to s and f.
_FINAL = str.maketrans({"z": "s", "v": "f"})


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    stem = str(_stemmer().stemWord(word))
    return stem[:-1] + stem[-1].translate(_FINAL) if stem else stem


def _keys(word: str) -> set[str]:
    """A word's look-up keys: its stem and the word itself. The Porter stemmer cuts a final
    s now and then ("toets" -> "toet", but "toetsen" -> "toets"); matching the stem of one
    form against the other form catches those."""
    return {_stem(word), word}


class ThemeMatcher:
    """Tags text with the theme keys of one taxonomy; built once, used for many answers."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.labels: dict[str, str] = {theme.key: theme.label for theme in taxonomy.themes}
        if OVERIG in self.labels:
            raise ValueError(f"taxonomy {taxonomy.id}: '{OVERIG}' is reserved for unmatched text")
        self._single: dict[str, set[str]] = defaultdict(set)
        # Phrases are indexed by their first stem so a text is scanned once, not per phrase.
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        # Wildcards by length, so a word is checked with one look-up per length, not per entry.
        self._prefixes: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._suffixes: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for theme in taxonomy.themes:
            for entry in theme.words:
                self._add(entry, theme.key)

    def _add(self, entry: str, key: str) -> None:
        folded = _fold(entry.strip())
        if folded.endswith("*") and not folded.startswith("*"):
            prefix = folded.rstrip("*")
            self._prefixes[len(prefix)][prefix].add(key)
            return
        if folded.startswith("*") and not folded.endswith("*"):
            suffix = folded.lstrip("*")
            self._suffixes[len(suffix)][suffix].add(key)
            return
        words = tokens(folded)
        stems = tuple(_stem(word) for word in words)
        if len(stems) == 1:
            for look_up in _keys(words[0]):
                self._single[look_up].add(key)
        elif stems:
            self._phrases[stems[0]].append((stems, key))

    def tag(self, text: str) -> frozenset[str]:
        """The theme keys ``text`` matches, or ``{"overig"}`` when it matches none."""
        words = tokens(text)
        stems = [_stem(word) for word in words]
        found: set[str] = set()
        for index, (word, stem) in enumerate(zip(words, stems, strict=True)):
            found.update(self._single.get(stem, ()))
            found.update(self._single.get(word, ()))
            for phrase, key in self._phrases.get(stem, ()):
                if tuple(stems[index : index + len(phrase)]) == phrase:
                    found.add(key)
        for word in words:
            for length, prefixes in self._prefixes.items():
                found.update(prefixes.get(word[:length], ()) if len(word) >= length else ())
            for length, suffixes in self._suffixes.items():
                found.update(suffixes.get(word[-length:], ()) if len(word) >= length else ())
        return frozenset(found) if found else frozenset({OVERIG})

    def label(self, key: str, overig_label: str = "Overig") -> str:
        return overig_label if key == OVERIG else self.labels.get(key, key)


@cache
def stop_words() -> frozenset[str]:
    """The Dutch stop words in ``data/stopwords-nl.txt`` (folded)."""
    text = resources.files("bot.summary").joinpath("data/stopwords-nl.txt").read_text("utf-8")
    return frozenset(
        _fold(line.strip()) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def top_unmatched_words(
    texts: Iterable[str], matcher: ThemeMatcher, n: int = 10, min_count: int = 1
) -> list[tuple[str, int]]:
    """The words that occur in most answers no theme matched, as (word, answers) pairs.

    Counts answers, not occurrences, and groups words by stem (shown in their most common
    form). ``min_count`` keeps out words that few answers share: in a summary it is k, so a
    rare word that could point at one person is never listed. Ties are sorted by the word.
    """
    skip = stop_words()
    answers: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        if matcher.tag(text) != {OVERIG}:
            continue
        seen: set[str] = set()
        for word in tokens(text):
            if len(word) < 3 or word in skip:
                continue
            stem = _stem(word)
            forms[stem][word] += 1
            seen.add(stem)
        answers.update(seen)
    ranked = [
        (min(forms[stem].items(), key=lambda item: (-item[1], item[0]))[0], count)
        for stem, count in answers.items()
        if count >= min_count
    ]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked[:n]
