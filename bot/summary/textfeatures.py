"""Hashed text features for the learned theme model (``bot/summary/theme_model.py``).

An answer becomes a sparse set of feature ids: its folded words, their Dutch lemmas and
Arabic bare forms, word pairs, and the character n-grams of each word with its boundaries
("<geld>" gives "<ge", "gel", ..., "eld>"). N-grams carry what a word list cannot list: Turkish
and Polish endings ("faturalar", "rachunki"), Arabic attached prefixes, Dutch compounds and
misspellings ("wachtlijts" shares most n-grams with "wachtlijst"). Each feature is hashed into
``2 ** bits`` buckets with CRC-32 (stable across processes, unlike ``hash``), so the model is a
fixed-size table without a vocabulary to ship.

Kept apart from the matcher so the trainer (``scripts/train_theme_model.py``) and the bot
compute exactly the same features.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from zlib import crc32

from bot.summary.lemmas import arabic_variants, fold, lemma, tokens

__all__ = ["feature_ids", "word_features"]

# Character n-gram lengths of a word with its boundary marks.
NGRAMS = (3, 4, 5)
# Round 9: Arabic written in Latin letters (Arabizi, chat Darija) uses digits for the sounds
# Latin has no letter for: 3 (ain), 7 (ha), 9 (qaf), 2 (hamza), 5 (kha), 8 (ghain), 6 (ta).
# ``tokens`` cuts "l7ouma" into "l" and "ouma" and "3ndi" into "ndi"; as features such a word
# is kept whole, its digits as letters. Numbers alone ("16", "2024") are no features.
_ARABIZI = re.compile(r"(?<![^\W_])(?=[^\W_]*[^\W\d_])(?=[^\W_]*[235789])[^\W_]{3,}(?![^\W_])")


@lru_cache(maxsize=65536)
def word_features(word: str, bits: int) -> tuple[int, ...]:
    """The hashed features of one folded word: the word, its lemma, its Arabic bare forms and
    its character n-grams."""
    names = [f"w|{word}"]
    base = lemma(word)
    if base and base != word:
        names.append(f"w|{base}")
    names.extend(f"w|{variant}" for variant in arabic_variants(word))
    marked = f"<{word}>"
    for size in NGRAMS:
        names.extend(f"c|{marked[at : at + size]}" for at in range(len(marked) - size + 1))
    mask = (1 << bits) - 1
    return tuple(crc32(name.encode()) & mask for name in names)


def feature_ids(text: str, bits: int) -> list[int]:
    """The distinct hashed features of ``text`` (order of first occurrence)."""
    words = tokens(text)
    mask = (1 << bits) - 1
    found: dict[int, None] = {}
    for word in words:
        found.update(dict.fromkeys(word_features(word, bits)))
    if any(char in text for char in "235789"):
        for word in _ARABIZI.findall(fold(text)):
            found.update(dict.fromkeys(word_features(word, bits)))
    for first, second in pairwise(words):
        found[crc32(f"b|{first} {second}".encode()) & mask] = None
    if not words:
        found[crc32(b"empty") & mask] = None
    return list(found)
