"""Every question of the NJi worksheets (the seeds) ends up in some flow or template.

``tests/data/seed_questions/<seed file name>`` lists the question sentences and imperative
prompts of one seed, one per line (``#`` starts a comment line). Each line must occur, after
normalisation, inside one text of the shipped flows and templates: a step text, info title, tip,
example, option label or explanation, scale label, link title, or a template's doel, resultaat
or vragen vooraf. New data files are picked up automatically.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from bot.engine import Catalog, load_catalog
from bot.engine.schema import ChoiceStep, InfoStep, MultiChoiceStep, ScaleStep

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
SEED_QUESTIONS = Path(__file__).resolve().parent / "data" / "seed_questions"
DATA_FILES = sorted(SEED_QUESTIONS.glob("*.txt"))

_QUOTES = str.maketrans("", "", "\"'`´‘’‚‛“”„‟«»")
_BULLET = re.compile(r"^(?:[-–—•*+·]|\d+[.)])\s+")


def normalise(text: str) -> str:
    """Casefold, drop quotes, collapse white space and strip a leading bullet or number."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return _BULLET.sub("", " ".join(text.split())).strip()


def catalog_texts(catalog: Catalog) -> Iterator[str]:
    """Every seed-derived text of the catalog's templates and flows."""
    for template in catalog.templates.values():
        yield template.title
        for tstep in template.steps:
            yield from (tstep.title, tstep.doel, tstep.resultaat, *tstep.vragen_vooraf)
    for loaded in catalog.flows.values():
        yield loaded.flow.title
        for step in loaded.flow.steps:
            yield step.text
            yield from (link.title for link in step.links)
            if isinstance(step, InfoStep):
                if step.title:
                    yield step.title
                continue
            yield from step.tips
            yield from step.examples
            if isinstance(step, ChoiceStep | MultiChoiceStep):
                for option in step.options:
                    yield option.label
                    if option.explanation:
                        yield option.explanation
            if isinstance(step, ScaleStep):
                yield from (label for label in (step.min_label, step.max_label) if label)


@cache
def corpus() -> tuple[str, ...]:
    return tuple(normalise(text) for text in catalog_texts(load_catalog(FLOWS)))


def seed_lines(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_seed_question_files_exist() -> None:
    """The seed question lists of the armoede and NPO worksheets are present and not empty."""
    names = {path.name for path in DATA_FILES}
    assert {
        "000_c85c43c07ac13a34.txt",
        "001_81e7cc4b7c2bfd92.txt",
        "003_a0194ae89a2f1124.txt",
    } <= names
    assert all(seed_lines(path) for path in DATA_FILES)


def test_normalise_ignores_case_quotes_bullets_and_spacing() -> None:
    """Quotes, bullets, numbering, case and line breaks do not count as a difference."""
    assert normalise("• Welke  aanpakken en\nprogramma's?") == "welke aanpakken en programmas?"
    assert normalise("2. Welke lokale cijfers hebben we?") == "welke lokale cijfers hebben we?"
    assert normalise("‘werkende armen’") == normalise("'Werkende Armen'")


@pytest.mark.parametrize("path", DATA_FILES, ids=[path.name for path in DATA_FILES])
def test_every_seed_question_is_in_a_flow(path: Path) -> None:
    """Each question of the seed appears in the text of some shipped flow or template."""
    texts = corpus()
    missing = [line for line in seed_lines(path) if not any(normalise(line) in t for t in texts)]
    assert not missing, f"{path.name}: {len(missing)} seed sentence(s) in no flow:\n" + "\n".join(
        f"  - {line}" for line in missing
    )
