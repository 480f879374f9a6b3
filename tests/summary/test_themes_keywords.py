"""Which taxonomy keywords matched per theme, for coordinators: only keywords that at least k
distinct respondents' answers matched (``keywords_by_theme``)."""

from __future__ import annotations

from bot.engine.schema import Taxonomy
from bot.summary.themes import ThemeMatcher, keywords_by_theme


def matcher() -> ThemeMatcher:
    return ThemeMatcher(
        Taxonomy(
            kind="taxonomy",
            id="test",
            themes=[
                {"key": "geld", "label": "Geld", "words": ["rondkomen", "schuld*", "duur"]},
                {"key": "wonen", "label": "Wonen", "words": ["huur"]},
            ],
        )
    )


def test_keyword_listed_only_from_k_distinct_respondents() -> None:
    """A keyword matched by k respondents is listed with its count; one matched by fewer is
    left out, and a theme with nothing left disappears."""
    themes = matcher()
    answers = [
        ("r1", "ik kom niet rond"),
        ("r2", "we komen nooit rond, alles is duur"),
        ("r3", "rondkomen lukt niet"),
        ("r4", "schulden bij de energie"),
        ("r5", "de huur is duur"),
    ]
    result = keywords_by_theme(((who, themes.keywords(text)) for who, text in answers), k=2)
    assert result == {"geld": [("rondkomen", 3), ("duur", 2)]}


def test_respondent_with_several_answers_counts_once() -> None:
    """Three answers of one respondent do not make a keyword pass k = 2."""
    themes = matcher()
    answers = [("r1", "schulden"), ("r1", "nog meer schulden"), ("r1", "schuldeisers")]
    matches = [(who, themes.keywords(text)) for who, text in answers]
    assert keywords_by_theme(matches, k=2) == {}
    assert keywords_by_theme(matches, k=1) == {"geld": [("schuld", 1)]}


def test_listed_words_are_taxonomy_keywords_not_participant_spelling() -> None:
    """Misspelled or inflected answers are shown by the keyword they matched."""
    themes = matcher()
    answers = [("a", "we komen niet rond"), ("b", "kom nooit rond"), ("c", "rondkomn is moeilijk")]
    result = keywords_by_theme(((who, themes.keywords(text)) for who, text in answers), k=3)
    assert result == {"geld": [("rondkomen", 3)]}
