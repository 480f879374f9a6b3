"""A small learned theme model per taxonomy, next to the word lists of ``flows/_themes/``.

Word lists find what their words name; answers written in other words ("everything costs so
much now", "maaşım yetmiyor") slip through them. The model is a multinomial logistic
regression over hashed character n-grams, words and lemmas (:mod:`bot.summary.textfeatures`),
trained by ``scripts/train_theme_model.py`` on the labelled tuning corpora only, and shipped as
one small file per taxonomy (``data/theme-model-<taxonomy>.bin``).

Why hand-written, not scikit-learn or torch: scoring is a sum of a few hundred table entries
per theme and a softmax, which plain Python does in well under 0.1 ms; a library would add tens
of megabytes and a second or more of import time to a bot that otherwise has no use for it, and
the trainer needs only numpy (a development dependency), so the shipped file is all there is.

File format (little endian): ``SSTM1\\n``, one JSON line (classes, bits, per-class scales,
biases, how the matcher combines it with the words, and the provenance: corpora and their
SHA-256, hyperparameters), then zlib-compressed weights of one byte each, class-major
(``classes`` rows of ``2 ** bits``). A weight is ``(byte - 128) * scale[class]``: unsigned
bytes, because summing bytes picked out of a ``bytes`` row is about four times faster in
Python than summing signed values of an ``array``.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from bot.summary.textfeatures import feature_ids

__all__ = ["MAGIC", "ThemeModel", "load_model", "model_path"]

MAGIC = b"SSTM1\n"
_OFFSET = 128


@dataclass(frozen=True)
class ThemeModel:
    """Class probabilities for an answer; classes are theme keys and ``overig``."""

    classes: tuple[str, ...]
    bits: int
    scales: tuple[float, ...]
    biases: tuple[float, ...]
    rows: tuple[bytes, ...]  # per class: a weight + 128 per hashed feature
    # How ThemeMatcher combines the model with the word lists (chosen by the trainer's
    # cross-validation): ``blend`` times a theme's probability is added to its word score
    # among the matched themes; an answer no word matches gets the model's theme when its
    # probability is at least ``floor`` and the answer has at least ``min_words`` words that
    # are no Dutch stop words (else ``overig``: "misschien later", "ik denk het wel").
    # Round 7: when the model's most likely theme (not ``overig``) is at least ``override``
    # likely and the words did not match it, it is the main theme (only when several themes
    # matched, or also when one did: ``single``); ``share``: a matched theme's word weight
    # counts as its share of all matched weight before the blend. An ``override`` above 1
    # never fires (round 4-6 files).
    blend: float = 0.0
    floor: float = 1.0
    min_words: int = 2
    override: float = 2.0
    share: bool = False
    single: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def probabilities(self, text: str) -> dict[str, float]:
        ids = feature_ids(text, self.bits)
        if not ids:
            return {}
        pick = itemgetter(*ids) if len(ids) > 1 else (lambda row: (row[ids[0]],))
        norm = 1.0 / math.sqrt(len(ids))
        offset = _OFFSET * len(ids)
        logits = [
            bias + scale * norm * (sum(pick(row)) - offset)
            for bias, scale, row in zip(self.biases, self.scales, self.rows, strict=True)
        ]
        top = max(logits)
        exps = [math.exp(value - top) for value in logits]
        total = sum(exps)
        return {key: value / total for key, value in zip(self.classes, exps, strict=True)}

    @classmethod
    def from_bytes(cls, data: bytes) -> ThemeModel:
        if not data.startswith(MAGIC):
            raise ValueError("not a theme model file")
        header, _, body = data[len(MAGIC) :].partition(b"\n")
        meta = json.loads(header)
        classes = tuple(meta["classes"])
        size = 1 << meta["bits"]
        weights = zlib.decompress(body)
        if len(weights) != size * len(classes):
            raise ValueError("theme model file: weights do not match the header")
        return cls(
            classes=classes,
            bits=meta["bits"],
            scales=tuple(meta["scales"]),
            biases=tuple(meta["biases"]),
            rows=tuple(weights[at * size : (at + 1) * size] for at in range(len(classes))),
            blend=meta["combine"]["blend"],
            floor=meta["combine"]["floor"],
            min_words=meta["combine"]["min_words"],
            override=meta["combine"].get("override", 2.0),
            share=meta["combine"].get("share", False),
            single=meta["combine"].get("single", False),
            meta=meta,
        )


def model_path(taxonomy_id: str) -> str:
    return f"data/theme-model-{taxonomy_id}.bin"


@cache
def load_model(taxonomy_id: str) -> ThemeModel | None:
    """The shipped model of a taxonomy, or None when there is none (a taxonomy a gemeente
    wrote itself is matched by its words alone)."""
    found = resources.files("bot.summary").joinpath(model_path(taxonomy_id))
    if not found.is_file():
        return None
    return ThemeModel.from_bytes(found.read_bytes())
