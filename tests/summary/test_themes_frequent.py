"""No everyday Dutch word alone makes an answer about a theme, except real theme words.

tests/data/nl-top500.txt holds the 500 most frequent Dutch words (wordfreq 3.1.1,
``top_n_list("nl", 2000)`` filtered to letters-only tokens). Issue 17: "date" stemmed to
"dat" and tagged every answer with "dat" as Relaties en verliefdheid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.summary.themes import OVERIG, ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    line
    for line in (ROOT / "tests" / "data" / "nl-top500.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
]

# Frequent words that are keywords of a theme on purpose, with the reason.
ALLOWED: dict[str, dict[str, str]] = {
    "default": {
        "geld": "geld: the core word of the theme",
        "euro": "geld: an amount of money ('dat kost 12 euro')",
        "gratis": "geld: free of charge is about what things cost",
        "prijs": "geld: prices",
        "school": "school: the core word of the theme",
        "leren": "school: learning",
        "eten": "gezondheid: food (also the first thing families cut on)",
        "muziek": "vrije-tijd: a pastime",
        "huis": "wonen: a house",
        "kamer": "wonen: a room of one's own",
        "politie": "veiligheid: the police",
        "thuis": "thuis: home and family",
        "familie": "thuis: family",
        "vader": "thuis: a parent",
        "moeder": "thuis: a parent",
        "ouders": "thuis: parents (weak: weighs half)",
        "online": "online: the core word of the theme",
        "werk": "werk: work and jobs",
        "werken": "werk: to work (a job)",
        "werkt": "werk: a form of werken ('het werkt niet' is a known false hit)",
        "vrienden": "vrienden: friends",
        "hulp": "hulp: help, the core word of the theme",
        "helpen": "hulp: to help (weak: weighs half)",
        "wachten": "wachtlijsten: waiting (for care, a house, an answer)",
    },
    "seksuele-gezondheid": {
        "foto": "online: photos passed on (sexting)",
        "online": "online: the core word of the theme",
        "informatie": "voorlichting: information is what voorlichting gives",
        "leren": "voorlichting: learning ('we leren niks over ons lichaam')",
        "helpen": "hulp: help",
        "hulp": "hulp: the core word of the theme",
        "praten": "hulp: having someone to talk to",
    },
}


def test_word_list_is_the_500_most_frequent() -> None:
    """The list is complete and ordered by frequency (starts with the commonest words)."""
    assert len(WORDS) == 500 == len(set(WORDS))
    assert WORDS[:5] == ["de", "van", "het", "een", "en"]
    assert "dat" in WORDS


@pytest.mark.parametrize("taxonomy_id", sorted(ALLOWED))
def test_frequent_words_alone_trigger_no_theme(taxonomy_id: str) -> None:
    """Each of the 500 words alone is "overig", except the listed real theme words (which
    must still match: the list may not go stale)."""
    matcher = ThemeMatcher(load_catalog(ROOT / "flows").taxonomies[taxonomy_id])
    allowed = ALLOWED[taxonomy_id]
    triggering = {word for word in WORDS if matcher.tag(word) != {OVERIG}}
    assert triggering == set(allowed)
