"""Dutch names, places and streets, as compact sets read once from a shipped data file.

The lists come from deduce (the field's Dutch de-identification library, LGPL-3.0-or-later),
copied into ``data/redact_lists.json.gz`` by ``scripts/build_redact_lists.py``. Deduce itself is
not imported: as a whole it needs about 1.1 GB and 9 s to load, while these sets take a few tens
of MB and a fraction of a second (``python -m benchmarks.redaction`` prints both figures).

Everything is lower case; callers decide what capitals mean. ``common`` holds the entries of the
name lists that are also frequent Dutch words ("hoop", "klaar", "roos") plus deduce's own
whitelist: such a word is a name only when the context says so. ``words`` holds frequent Dutch
words that are no name or place at all.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Lexicon", "lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lower-case lookup sets for names and places."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    interfixes: frozenset[str]
    places: frozenset[str]
    towns: frozenset[str]
    streets: frozenset[str]
    common: frozenset[str]
    words: frozenset[str]

    def is_name(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.first_names or lower in self.surnames

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.first_names

    def is_common(self, word: str) -> bool:
        """A frequent Dutch word: either no name at all, or a name mostly used as a word."""
        lower = word.lower()
        return lower in self.common or lower in self.words

    def is_place(self, word: str) -> bool:
        return word.lower() in self.places

    def is_town(self, word: str) -> bool:
        """A municipality or province: the places everybody knows, never a person's name."""
        return word.lower() in self.towns

    def is_street(self, word: str) -> bool:
        return word.lower() in self.streets


@cache
def lexicon() -> Lexicon:
    """Load the lists once per process (the first redaction pays for it, later ones do not)."""
    raw = resources.files("bot.privacy").joinpath("data/redact_lists.json.gz").read_bytes()
    lists = json.loads(gzip.decompress(raw))
    return Lexicon(
        first_names=frozenset(lists["first_names"]),
        surnames=frozenset(lists["surnames"]),
        interfixes=frozenset(lists["interfixes"]),
        places=frozenset(lists["places"]),
        towns=frozenset(lists["towns"]),
        streets=frozenset(lists["streets"]),
        common=frozenset(lists["common"]),
        words=frozenset(lists["words"]),
    )
