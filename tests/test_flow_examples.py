"""A flow's `examples:` are the worksheet's own (e.g. gemeente Velsen's answers); examples
written for the bot are `invented_examples:`, shown apart as "Voorbeeld (bedacht)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.engine import load_catalog
from bot.engine.schema import InfoStep

ROOT = Path(__file__).resolve().parents[1]
SEED_EXAMPLES = Path(__file__).resolve().parent / "data" / "seed_examples.txt"
SEEDS = ROOT.parent / "shared" / "seeds"


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _listed() -> set[str]:
    lines = SEED_EXAMPLES.read_text(encoding="utf-8").splitlines()
    return {_normalise(line) for line in lines if line and not line.startswith("#")}


def test_examples_are_the_worksheets_own() -> None:
    """Every `examples:` entry of the shipped flows is a worksheet example; an invented one in
    that list is named with its flow and step."""
    listed = _listed()
    wrong = [
        f"{flow_id} / {step.id}: {example[:60]}"
        for flow_id, loaded in load_catalog(ROOT / "flows").flows.items()
        for step in loaded.flow.steps
        if not isinstance(step, InfoStep)
        for example in step.examples
        if _normalise(example) not in listed
    ]
    assert not wrong, "move these to `invented_examples:`:\n" + "\n".join(wrong)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_listed_examples_occur_in_the_seeds() -> None:
    """The list itself only holds sentences that occur in the NJi worksheets."""
    seeds = _normalise(" ".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")))
    missing = [line for line in _listed() if fuzz.partial_ratio(line, seeds) < 90]
    assert not missing, missing
