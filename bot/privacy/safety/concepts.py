"""Words of the five languages read as shared concepts, so the learned model carries over.

The model's n-grams are tied to spellings: what it learns from "mijn vader slaat me" says
nothing about "babam beni dövüyor" or "tata mnie bije", and the Turkish, Arabic and Polish
training texts are few. A table of concepts (``data/crisis_concepts.yaml``: ``HIT``,
``PARENT``, ``ME``, ``PILLS``, ``SECRET``, ... with the words of each language, chat spellings
and inflections included; a form ending in ``*`` covers every word it starts) maps each word to
language-independent ids, and the model gets features over them (:meth:`ConceptTable.features`):

* ``c:HIT``: a concept anywhere in the text;
* ``cc:HIT+PARENT``: two concepts in the same clause, within a few concept-bearing words, in
  either order (word order differs between the languages: Turkish puts the verb last).

What the model learns about ``c:HIT`` and ``cc:HIT+PARENT`` from the Dutch texts then counts
for the other languages and for synonyms no training text used.

The table is written as people type and normalised like the text
(:func:`~bot.privacy.safety.normalize.normalize`) when it is read; the trainer stores the
normalised table in the model file, so the weights and the words they were trained on travel
together and the bot reads no YAML at start-up.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from bot.i18n import SUPPORTED_LOCALES
from bot.privacy.safety.normalize import CLAUSE, normalize

__all__ = ["CONCEPTS_PATH", "ConceptTable", "read_concepts"]

CONCEPTS_PATH = "data/crisis_concepts.yaml"
# The languages the bot offers are the languages a table must cover.
LANGUAGES = SUPPORTED_LOCALES
# A prefix shorter than this matches too many unrelated words ("döv" and "döviz").
MIN_PREFIX = 4
# Pairs are formed between a concept-bearing word and the next few such words of its clause.
PAIR_WINDOW = 4
# A word counts as at most this many concepts (the most specific first: longest form).
MAX_PER_WORD = 3
_MEMO_SIZE = 8192


@dataclass(frozen=True, slots=True)
class ConceptTable:
    exact: Mapping[str, tuple[str, ...]]
    prefixes: Mapping[str, tuple[str, ...]]
    longest_prefix: int
    _memo: dict[str, tuple[str, ...]] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ConceptTable:
        """From the normalised table as :meth:`to_data` wrote it (in the model file)."""
        exact = {word: tuple(ids) for word, ids in data["exact"].items()}
        prefixes = {word: tuple(ids) for word, ids in data["prefixes"].items()}
        return cls(exact, prefixes, max(map(len, prefixes), default=0))

    def to_data(self) -> dict[str, Any]:
        return {
            "exact": {word: list(ids) for word, ids in sorted(self.exact.items())},
            "prefixes": {word: list(ids) for word, ids in sorted(self.prefixes.items())},
        }

    def concepts_of(self, word: str) -> tuple[str, ...]:
        known = self._memo.get(word)
        if known is not None:
            return known
        found: list[str] = list(self.exact.get(word, ()))
        for size in range(min(len(word), self.longest_prefix), MIN_PREFIX - 1, -1):
            for concept in self.prefixes.get(word[:size], ()):
                if concept not in found:
                    found.append(concept)
        result = tuple(found[:MAX_PER_WORD])
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[word] = result
        return result

    def features(self, normalized: str) -> set[str]:
        """``c:`` and ``cc:`` features of a text normalised with clause marks (see above)."""
        found: set[str] = set()
        for clause in _clauses(normalized.split()):
            bearing = [c for c in map(self.concepts_of, clause) if c]
            for index, concepts in enumerate(bearing):
                found.update(f"c:{concept}" for concept in concepts)
                for other in bearing[index + 1 : index + 1 + PAIR_WINDOW]:
                    for a, b in itertools.product(concepts, other):
                        if a != b:
                            found.add(f"cc:{min(a, b)}+{max(a, b)}")
        return found


def _clauses(words: Sequence[str]) -> Iterable[list[str]]:
    clause: list[str] = []
    for word in words:
        if word == CLAUSE:
            if clause:
                yield clause
            clause = []
        elif not word.isdigit():
            clause.append(word)
    if clause:
        yield clause


def read_concepts(text: str | None = None, strict: bool = True) -> ConceptTable:
    """The table from its YAML source (the trainer's view), normalised like the text.

    Raises ``ValueError`` for a malformed table: an unknown language, a form of several words,
    or a prefix shorter than :data:`MIN_PREFIX` letters once normalised ("kill*" is "kil*",
    which "kilo" starts with); with ``strict=False`` such forms are skipped instead.
    """
    if text is None:
        text = resources.files("bot.privacy").joinpath(CONCEPTS_PATH).read_text(encoding="utf-8")
    concepts = yaml.safe_load(text)["concepts"]
    exact: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for concept, by_language in concepts.items():
        unknown = set(by_language) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"concept {concept}: unknown languages {sorted(unknown)}")
        for form in itertools.chain.from_iterable(by_language.values()):
            raw = str(form)
            is_prefix = raw.endswith("*")
            words = normalize(raw.rstrip("*")).split()
            problem = (
                f"{raw!r} is not one word"
                if len(words) != 1
                else f"prefix {raw!r} is shorter than {MIN_PREFIX} letters"
                if is_prefix and len(words[0]) < MIN_PREFIX
                else None
            )
            if problem is not None:
                if strict:
                    raise ValueError(f"concept {concept}: {problem}")
                continue
            (word,) = words
            target = prefixes if is_prefix else exact
            ids = target.setdefault(word, [])
            if concept not in ids:
                ids.append(concept)
    return ConceptTable(
        {w: tuple(ids) for w, ids in exact.items()},
        {w: tuple(ids) for w, ids in prefixes.items()},
        max(map(len, prefixes), default=0),
    )
