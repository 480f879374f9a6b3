"""Round 9 of theme matching: Arabic typed in Latin letters with digits (Arabizi) reaches the
learned model as whole words, Arabic typed on a Persian keyboard layout is folded, and
internships are werk in Dutch as in the other languages.

The example answers were written for these tests (2026-12-03), in no corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.summary.lemmas import fold, tokens
from bot.summary.textfeatures import feature_ids, word_features
from bot.summary.themes import ThemeMatcher, content_words

ROOT = Path(__file__).resolve().parents[2]
TAXONOMIES = load_catalog(ROOT / "flows").taxonomies
BITS = 14


def test_arabizi_words_are_features_whole_with_their_digits() -> None:
    """ "l7ouma" (the neighbourhood) is one word to the model, not "l" and "ouma"."""
    found = set(feature_ids("ma kayn walo f l7ouma", BITS))
    assert set(word_features("l7ouma", BITS)) <= found
    assert set(word_features("3ndi", BITS)) <= set(feature_ids("3ndi mochkil", BITS))
    # The words of the matcher are unchanged: digits still split them.
    assert tokens("f l7ouma") == ["f", "l", "ouma"]


@pytest.mark.parametrize(
    ("text", "same_as"),
    [("ik ben 16", "ik ben"), ("in 2024 en 2025", "in en"), ("3x per week", "x per week")],
)
def test_numbers_are_no_arabizi(text: str, same_as: str) -> None:
    """A number or a count ("3x") adds no feature of its own."""
    assert set(feature_ids(text, BITS)) == set(feature_ids(same_as, BITS))


def test_persian_keyboard_letters_fold_to_arabic() -> None:
    """ "ی" and "ک" (Persian yeh and keh) are the Arabic ya and kaf."""
    assert fold("کتابی") == fold("كتابي")
    assert tokens("مدرسه ی") == ["مدرسه", "ي"]


@pytest.mark.parametrize(
    "text",
    [
        "ik zoek al maanden een stageplek maar niemand neemt me aan",
        "mijn stage begint pas in maart",
        "ik weet nog niet welke vervolgopleiding ik moet kiezen",
        "no idea which course to pick, the careers advice was useless",
        "oğlum ne okuyacağını bilmiyor",
        "córka nie wie jaki kierunek wybrać",
        "ابني محتار شو بدو يدرس بعد الثانوي",
    ],
)
def test_internships_and_study_choice_are_werk_by_the_words(text: str) -> None:
    words = ThemeMatcher(TAXONOMIES["default"], learned=False)
    assert words.main(text) == "werk"


# Non-answers made of hedges and time words, and other short non-answers, in five languages.
HEDGED_NON_ANSWERS = [
    "misschien later",
    "straks misschien",
    "nee, niks eigenlijk",  # ("ik hoor niks" is waiting: wachtlijsten)
    "maybe later",
    "idk maybe",
    "not really no",
    "belki sonra",
    "yok bir şey",
    "może później",
    "nic takiego",
    "ربما بعدين",
    "ما في شي",
]


@pytest.mark.parametrize("text", HEDGED_NON_ANSWERS)
def test_hedged_non_answers_stay_overig(text: str) -> None:
    """ "later" or "maybe" say nothing about a theme: such answers are never the model's to
    tag (round 9: hedges do not count as words with content)."""
    for taxonomy in TAXONOMIES.values():
        matcher = ThemeMatcher(taxonomy)
        assert matcher.main(text) == "overig", (taxonomy.id, text)
        assert matcher.tag(text) == {"overig"}


def test_hedges_do_not_count_as_content() -> None:
    assert content_words("misschien later") == 0
    assert content_words("maybe later") == 0
    assert content_words("ik kom misschien later niet rond") == 2  # kom, rond
