"""Crisis detection: disclosures fire the help-line reply, everyday speech does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.crisis import (
    CATEGORIES,
    CrisisSignal,
    LexiconError,
    compile_lexicon,
    detect_crisis,
    normalize,
)

CORPUS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "crisis_corpus.yaml").read_text(encoding="utf-8")
)
FAST = settings(max_examples=200, deadline=None)


def _found(text: str) -> list[str]:
    signal = detect_crisis(text)
    return sorted(signal.categories) if signal else []


def test_corpus_covers_every_category_and_negatives() -> None:
    """At least 40 cases, every category fires somewhere, and 15 or more must stay silent."""
    assert len(CORPUS) >= 40
    covered = {category for case in CORPUS for category in case["expect"]}
    assert covered == set(CATEGORIES)
    assert sum(1 for case in CORPUS if not case["expect"]) >= 15


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{n:02d}-{c['text'][:30]}" for n, c in enumerate(CORPUS)]
)
def test_corpus_case(case: dict[str, Any]) -> None:
    """Each corpus text yields exactly the expected categories."""
    assert _found(case["text"]) == sorted(case["expect"])


def test_signal_orders_categories_by_urgency_and_keeps_no_text() -> None:
    """The most urgent category comes first; the signal does not carry the user's words."""
    signal = detect_crisis("mijn vader slaat me en ik wil dood")
    assert signal is not None
    assert signal.primary == "suicide"
    assert signal == CrisisSignal(("suicide", "abuse", "domestic_violence"))
    assert "vader" not in repr(signal)


def test_normalisation_squeezes_accents_apostrophes_leet_and_repeats() -> None:
    """Accents, apostrophes, digits-for-letters and stretched letters all reduce alike."""
    assert normalize("Suïcide!!") == "suicide"
    assert normalize("m'n vader") == "mn vader"
    assert normalize("d00d gaaaan") == normalize("dood gaan") == "dod gan"
    assert normalize("Bel 113 nu") == "bel 13 nu"


@FAST
@given(st.data())
def test_stretched_and_shouted_text_is_still_recognised(data: st.DataObject) -> None:
    """Random capitals and repeated letters do not hide "ik wil dood" or "mijn vader slaat me"."""
    phrase = data.draw(st.sampled_from(["ik wil dood", "mijn vader slaat me", "ik snij mezelf"]))
    noisy = "".join(
        char * data.draw(st.integers(1, 4)) if char.isalpha() else char for char in phrase
    )
    noisy = "".join(c.upper() if data.draw(st.booleans()) else c for c in noisy)
    assert detect_crisis(noisy) is not None


@FAST
@given(st.text(max_size=200))
def test_any_text_is_handled(text: str) -> None:
    """Arbitrary input never raises; the answer is a signal or None."""
    result = detect_crisis(text)
    assert result is None or result.categories


def _lexicon(**categories: list[str]) -> dict[str, Any]:
    return {"macros": {"ME": ["me", "mij"]}, "categories": categories}


def test_lexicon_phrases_are_normalised_like_the_text() -> None:
    """A phrase written in plain Dutch matches the stretched spelling of the same words."""
    lexicon = compile_lexicon(_lexicon(abuse=["slaat {ME}", "zelf* ... pijn"]))
    assert lexicon.detect("hij SLAAAT mij") == CrisisSignal(("abuse",))
    assert lexicon.detect("zelfs met veel pijn") == CrisisSignal(("abuse",))
    assert lexicon.detect("zelfs met heel erg veel pijn") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_lexicon(boredom=["saai"]), "unknown crisis categories"),
        (_lexicon(abuse=["... slaat"]), "cannot start or end"),
        (_lexicon(abuse=["slaat {YOU}"]), "unknown or nested macro"),
        (_lexicon(abuse=["slaat me?"]), "cannot be optional"),
        (_lexicon(abuse="slaat"), "list of non-empty phrases"),
        ([], "must be a mapping"),
    ],
)
def test_malformed_lexicon_is_refused(data: Any, message: str) -> None:
    """Lexicon mistakes are reported with the offending phrase, not silently ignored."""
    with pytest.raises(LexiconError, match=message):
        compile_lexicon(data)
