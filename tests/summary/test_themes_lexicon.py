"""The shipped lexicon (lemmas and known words) that theme matching reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.summary.lemmas import is_known, lemma, split_compound

DATA = Path(__file__).resolve().parents[2] / "bot" / "summary" / "data"


def test_lexicon_gives_lemmas_of_taxonomy_words() -> None:
    """Inflected forms lead to the lemma the taxonomies use: "kom" -> "komen" (rondkomen),
    "schaam" -> "schamen"."""
    assert lemma("kom") == "komen"
    assert lemma("schaam") == "schamen"
    assert lemma("xyzzy") is None


def test_compounds_split_only_after_a_known_word() -> None:
    """ "huurtoeslag" splits after "huur"; a modifier may carry a linking letter (kinder-)."""
    assert ("huur", "toeslag") in split_compound("huurtoeslag")
    assert ("kinder", "bijslag") in split_compound("kinderbijslag")
    assert split_compound("xqzkosten") == ()
    assert is_known("school") and not is_known("xqz")


def test_shipped_lexicon_is_current() -> None:
    """The data files equal what bot.summary.lexicon_build makes from the current taxonomies
    (so a new taxonomy word also gets its lemma forms). Needs the optional "lexicon" extras."""
    pytest.importorskip("simplemma")
    pytest.importorskip("wordfreq")
    from bot.summary.lexicon_build import build

    for name, text in build().items():
        assert (DATA / name).read_text("utf-8") == text, (
            f"run python -m bot.summary.lexicon_build ({name})"
        )
