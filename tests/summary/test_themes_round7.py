"""Round 7 (docs/summary.md, "Round 7"): the learned model may make a theme the words did not
match the main one when it is sure of it. The example answers were written for these tests
(2026-12-03), in no corpus."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.engine.schema import Taxonomy
from bot.summary.theme_model import ThemeModel, load_model
from bot.summary.themes import OVERIG, ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]
TAXONOMIES = load_catalog(ROOT / "flows").taxonomies


def _sure_of(theme: str, probability: float, **combine: object) -> ThemeModel:
    """A model of the default taxonomy that gives ``theme`` ``probability`` whatever the text
    (all weights zero, only biases), the rest spread evenly over the other classes."""
    shipped = load_model("default")
    assert shipped is not None
    classes = shipped.classes
    rest = (1 - probability) / (len(classes) - 1)
    biases = tuple(math.log(probability if key == theme else rest) for key in classes)
    return dataclasses.replace(
        shipped,
        bits=1,
        scales=(1.0,) * len(classes),
        biases=biases,
        rows=(bytes([128, 128]),) * len(classes),
        **combine,
    )


@pytest.fixture
def matcher() -> ThemeMatcher:
    return ThemeMatcher(TAXONOMIES["default"])


TWO_THEMES = "ik heb geen geld voor de bus naar school"  # words: geld and school


def test_a_sure_model_theme_the_words_missed_comes_first(matcher: ThemeMatcher) -> None:
    words = ThemeMatcher(TAXONOMIES["default"], learned=False)
    found = words.ranked(TWO_THEMES)
    assert "mentaal" not in found and len(found) >= 2
    matcher.model = _sure_of("mentaal", 0.9, override=0.5, blend=4.0, single=False)
    assert matcher.ranked(TWO_THEMES) == ["mentaal", *found]
    assert matcher.tag(TWO_THEMES) == {"mentaal", *found}
    # Not sure enough: the words' themes, settled by the blend.
    matcher.model = _sure_of("mentaal", 0.4, override=0.5, blend=4.0, single=False)
    assert "mentaal" not in matcher.ranked(TWO_THEMES)
    # An override above 1 never fires (the round 4-6 files).
    matcher.model = _sure_of("mentaal", 0.99, override=2.0, blend=4.0, single=False)
    assert "mentaal" not in matcher.ranked(TWO_THEMES)


def test_single_decides_whether_one_matched_theme_can_be_overridden(
    matcher: ThemeMatcher,
) -> None:
    text = "de wachtlijst is lang"
    assert ThemeMatcher(TAXONOMIES["default"], learned=False).ranked(text) == ["wachtlijsten"]
    matcher.model = _sure_of("mentaal", 0.9, override=0.5, single=False)
    assert matcher.ranked(text) == ["wachtlijsten"]
    matcher.model = _sure_of("mentaal", 0.9, override=0.5, single=True)
    assert matcher.ranked(text) == ["mentaal", "wachtlijsten"]
    # The model's own certainty about a matched theme changes nothing.
    matcher.model = _sure_of("wachtlijsten", 0.9, override=0.5, single=True)
    assert matcher.ranked(text) == ["wachtlijsten"]


def test_override_never_picks_overig_or_a_removed_theme(matcher: ThemeMatcher) -> None:
    matcher.model = _sure_of(OVERIG, 0.95, override=0.3, single=True)
    assert matcher.main("de wachtlijst is lang") == "wachtlijsten"
    themes = [theme for theme in TAXONOMIES["default"].themes if theme.key != "mentaal"]
    edited = Taxonomy(kind="taxonomy", id="default", templates=[], themes=themes)
    without = ThemeMatcher(edited)
    without.model = _sure_of("mentaal", 0.95, override=0.3, single=True)
    assert without.main("de wachtlijst is lang") == "wachtlijsten"


# Answers written for this test whose main point is a theme the round-6 matcher missed: the
# words chose another theme they name, and only the override gets there.
SHIPPED_MODEL_OVERRIDES = [
    ("default", "w szkole nikt ze mną nie rozmawia, czuję się samotna", "vrienden"),
    ("seksuele-gezondheid", "op een feestje ging hij door terwijl ik nee had gezegd", "grenzen"),
]  # fmt: skip


def test_shipped_models_combine_as_chosen_in_round_7() -> None:
    """The trainer's leave-one-corpus-out choice is what ships."""
    for key in TAXONOMIES:
        model = load_model(key)
        assert model is not None
        assert 0 < model.override <= 0.5
        assert model.single
        # The lowest that keeps the tests' non-answers "overig": 0.4-0.46 in round 7; 0.27
        # since round 9, when hedges ("misschien later") stopped counting as content words.
        assert model.floor >= 0.25


@pytest.mark.parametrize(("taxonomy", "text", "theme"), SHIPPED_MODEL_OVERRIDES)
def test_model_names_the_main_point_of_a_two_theme_answer(
    taxonomy: str, text: str, theme: str
) -> None:
    learned = ThemeMatcher(TAXONOMIES[taxonomy])
    assert learned.main(text) == theme
    assert theme in learned.tag(text)
    # Without the override (the round-6 rule) the same model does not get there.
    assert learned.model is not None
    learned.model = dataclasses.replace(learned.model, override=2.0, single=False)
    assert learned.main(text) != theme


def test_retrained_model_keeps_a_theme_the_round_6_model_blended_away() -> None:
    """The words find discriminatie; the round-6 model's blend made it school (written for
    this test)."""
    learned = ThemeMatcher(TAXONOMIES["default"])
    text = "the kids at school laugh at my accent and call me names"
    assert learned.main(text) == "discriminatie"
