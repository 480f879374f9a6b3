"""For tests that show two ways of computing a crisis verdict agree (the word gate, the
prefilter): the texts of every corpus file but the held-out ones (``*heldout*``, never read
here: they are measurements, not test material), and a model that records what it was asked."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def a_fixed_third(texts: Sequence[str], part: int = 0) -> list[str]:
    """The corpora grow every round: tests that compare two ways of scoring over every text
    read a fixed third of them (by a hash of the text, the same third in every run);
    ``SAMENSPRAAK_ALL_TEXTS=1`` reads all."""
    if os.environ.get("SAMENSPRAAK_ALL_TEXTS") == "1":
        return list(texts)
    return [text for text in texts if zlib.crc32(text.encode("utf-8")) % 3 == part]


@cache
def training_texts() -> tuple[str, ...]:
    """Every ``text`` or ``input`` of tests/privacy/*.yaml and tests/summary/corpora/*.yaml
    but the held-out files, each once, in file order."""
    files = sorted([*ROOT.glob("tests/privacy/*.yaml"), *ROOT.glob("tests/summary/corpora/*.yaml")])
    texts: list[str] = []
    for path in files:
        if "heldout" in path.name:
            continue
        for entry in yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or []:
            if isinstance(entry, dict):
                texts.extend(
                    entry[key] for key in ("text", "input") if isinstance(entry.get(key), str)
                )
    return tuple(dict.fromkeys(texts))


class RecordingModel:
    """A crisis model that remembers every text it was asked to categorise, so two ways of
    detecting can be shown to hand the model the same input."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.asked: list[str] = []

    def categories(self, normalized: str) -> Any:
        self.asked.append(normalized)
        return self.model.categories(normalized)

    def vetoes(self, normalized: str, framed: Callable[[], bool] = lambda: True) -> bool:
        self.asked.append("veto: " + normalized)
        return bool(self.model.vetoes(normalized, framed))

    def hit_vetoes(self, normalized: str, earnest: Callable[[], bool] = lambda: False) -> bool:
        self.asked.append("hit veto: " + normalized)
        return bool(self.model.hit_vetoes(normalized, earnest))
