"""The learned theme model (round 4): it ships, loads, records what it was trained on, helps
where the word lists miss, keeps non-answers "overig", and never hides a theme's own words.

The example answers here were written for these tests (2026-12-03), in no corpus."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from bot.engine import load_catalog
from bot.engine.schema import Taxonomy, Theme
from bot.summary.theme_model import MAGIC, ThemeModel, load_model
from bot.summary.themes import OVERIG, ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]
TAXONOMIES = load_catalog(ROOT / "flows").taxonomies


@pytest.fixture(scope="module")
def matchers() -> dict[str, ThemeMatcher]:
    return {key: ThemeMatcher(taxonomy) for key, taxonomy in TAXONOMIES.items()}


@pytest.fixture(scope="module")
def words_only() -> dict[str, ThemeMatcher]:
    return {key: ThemeMatcher(taxonomy, learned=False) for key, taxonomy in TAXONOMIES.items()}


# Answers the word lists get wrong and the model right (most answers written for these tests
# the word lists already got right; these are ones the model adds).
MISSED_BY_WORDS = [
    ("default", "mijn zoon zit de hele dag op zijn kamer te gamen en komt nergens meer", "online"),
    ("default", "boję się wracać wieczorem przez park", "veiligheid"),
    ("seksuele-gezondheid", "okulda bu konular hiç anlatılmıyor", "voorlichting"),
]  # fmt: skip

# Answers both get right: the model does not undo what the words find (all five languages).
FOUND_BY_BOTH = [
    ("default", "aan het eind van de maand is de koelkast altijd leeg", "geld"),
    ("default", "de juf legt alles veel te snel uit", "school"),
    ("default", "ik voel me vaak somber en heb nergens zin in", "mentaal"),
    ("default", "ons huis is te klein voor vijf personen", "wonen"),
    ("default", "we can barely cover the groceries this month", "geld"),
    ("default", "the flat is damp and there's mould on the walls", "wonen"),
    ("default", "nobody at the council ever asks kids what they think", "meepraten"),
    ("default", "older boys hang around the station at night and it feels unsafe", "veiligheid"),
    ("default", "ay sonunu getiremiyoruz", "geld"),
    ("default", "akşamları sokakta yürümeye korkuyorum", "veiligheid"),
    ("default", "oğlum bütün gün telefonda oyun oynuyor", "online"),
    ("default", "الراتب ما بيكفي لآخر الشهر", "geld"),
    ("default", "ابني ما عنده أصحاب يلعب معهم", "vrienden"),
    ("default", "ننتظر موعد عند الطبيب النفسي منذ شهور", "wachtlijsten"),
    ("default", "الجيران يضايقونا لأننا لاجئين", "discriminatie"),
    ("default", "nie starcza nam do pierwszego", "geld"),
    ("default", "córka ciągle płacze i nie chce wychodzić z pokoju", "mentaal"),
    ("seksuele-gezondheid", "hij bleef aandringen terwijl ik al had gezegd dat ik het niet wilde", "grenzen"),
    ("seksuele-gezondheid", "someone sent my pictures to the whole group chat", "online"),
    ("seksuele-gezondheid", "nikt w szkole nie mówi nam o antykoncepcji", "voorlichting"),
    ("seksuele-gezondheid", "ما حدا علمنا شي عن الجسم والبلوغ", "voorlichting"),
]  # fmt: skip

# Non-answers in other words than the model's training examples.
NON_ANSWERS = [
    "geen idee hoor",
    "weet niet echt",
    "nee sorry",
    "niks bijzonders",
    "geen commentaar",
    "i have no clue",
    "nothing i can think of",
    "hiçbir fikrim yok",
    "لا فكرة عندي",
    "nie mam pojęcia szczerze",
]


def test_both_shipped_taxonomies_have_a_small_model() -> None:
    """Each shipped taxonomy has a model file under 1 MB whose classes are its themes and
    overig, and which combines with the words as the trainer chose."""
    for key, taxonomy in TAXONOMIES.items():
        model = load_model(key)
        assert model is not None
        assert set(model.classes) == {theme.key for theme in taxonomy.themes} | {OVERIG}
        assert model.blend > 0
        assert 0 < model.floor < 1
        path = ROOT / "bot" / "summary" / "data" / f"theme-model-{key}.bin"
        assert path.stat().st_size < 1_000_000


def test_model_file_records_tuning_corpora_it_was_trained_on() -> None:
    """The header names the corpora and their SHA-256 (tuning corpora only, never a held-out
    part); they match the corpora in the repository, so a changed corpus needs a retrain
    (scripts/train_theme_model.py)."""
    for key in TAXONOMIES:
        data = (ROOT / "bot" / "summary" / "data" / f"theme-model-{key}.bin").read_bytes()
        assert data.startswith(MAGIC)
        header = json.loads(data[len(MAGIC) :].partition(b"\n")[0])
        assert header["trainer"] == "scripts/train_theme_model.py"
        trained_on = header["trained_on"]
        assert "themes_nonanswers4_tuning" in trained_on
        for name, digest in trained_on.items():
            assert name.endswith("_tuning")
            path = ROOT / "tests" / "summary" / "corpora" / f"{name}.yaml"
            assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == digest, name


def test_a_damaged_model_file_is_refused() -> None:
    with pytest.raises(ValueError, match="theme model"):
        ThemeModel.from_bytes(b"something else")


@pytest.mark.parametrize(("taxonomy", "text", "theme"), MISSED_BY_WORDS)
def test_model_finds_what_the_words_miss(
    matchers: dict[str, ThemeMatcher],
    words_only: dict[str, ThemeMatcher],
    taxonomy: str,
    text: str,
    theme: str,
) -> None:
    assert words_only[taxonomy].main(text) != theme
    assert matchers[taxonomy].main(text) == theme
    assert theme in matchers[taxonomy].tag(text)


@pytest.mark.parametrize(("taxonomy", "text", "theme"), FOUND_BY_BOTH)
def test_model_keeps_what_the_words_find(
    matchers: dict[str, ThemeMatcher],
    words_only: dict[str, ThemeMatcher],
    taxonomy: str,
    text: str,
    theme: str,
) -> None:
    assert words_only[taxonomy].main(text) == theme
    assert matchers[taxonomy].main(text) == theme


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_non_answers_stay_overig(matchers: dict[str, ThemeMatcher], text: str) -> None:
    for matcher in matchers.values():
        assert matcher.main(text) == OVERIG
        assert matcher.tag(text) == {OVERIG}


def test_main_theme_is_always_among_the_tags(matchers: dict[str, ThemeMatcher]) -> None:
    """What is stored (tag) holds what is reported as main, model or not."""
    for taxonomy, text, _ in MISSED_BY_WORDS + FOUND_BY_BOTH:
        matcher = matchers[taxonomy]
        assert matcher.main(text) in matcher.tag(text)
    assert matchers["default"].tag("weet ik niet") == {OVERIG}


def test_a_theme_without_training_examples_works_by_its_words() -> None:
    """A gemeente adds a theme to the default taxonomy: the model never saw it, yet an answer
    with its words gets it as main theme, and a removed theme is never chosen."""
    default = TAXONOMIES["default"]
    vervoer = Theme(key="vervoer", label="Vervoer", words=["buslijn", "ov*"])
    themes = [theme for theme in default.themes if theme.key != "werk"] + [vervoer]
    edited = Taxonomy(kind="taxonomy", id="default", templates=[], themes=themes)
    matcher = ThemeMatcher(edited)
    assert matcher.model is not None
    assert matcher.main("de buslijn naar de stad is opgeheven") == "vervoer"
    assert matcher.main("the ov card is too expensive") in {"vervoer", "geld"}
    assert "werk" not in matcher.tag("mijn vader zoekt al een jaar werk en vindt geen baan")


def test_a_taxonomy_without_a_model_uses_its_words_alone() -> None:
    own = Taxonomy(
        kind="taxonomy",
        id="eigen-gemeente",
        templates=["x"],
        themes=[Theme(key="vervoer", label="Vervoer", words=["buslijn"])],
    )
    matcher = ThemeMatcher(own)
    assert matcher.model is None
    assert matcher.main("de buslijn is weg") == "vervoer"
    assert matcher.main("alles is duur") == OVERIG


def test_trainer_is_deterministic() -> None:
    """Full-batch training from zero weights: the same data give the same weights."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "train_theme_model", ROOT / "scripts" / "train_theme_model.py"
    )
    assert spec is not None and spec.loader is not None
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    texts = ["geen geld", "te weinig geld", "school is zwaar", "toetsen op school", "weet niet"]
    labels = np.array([0, 0, 1, 1, 2])
    first = trainer.train(trainer.featurize(texts, 10), labels, 3, epochs=30)
    second = trainer.train(trainer.featurize(texts, 10), labels, 3, epochs=30)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
