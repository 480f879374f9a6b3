"""Theme matching that generalises: weak words (family members) weigh half, a short compound
head after a modifier of its own weighs half ("skatebaan" is not a job), and what follows a
contrast word ("maar", "toch", "but") is the point of the answer. The fresh corpus is scored by
``python -m benchmarks.themes`` (``fresh_heldout``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks import themes as benchmark
from bot.engine import load_catalog
from bot.engine.schema import Taxonomy
from bot.summary.themes import ThemeMatcher

CORPORA = Path(__file__).resolve().parent / "corpora"


def matcher(*themes: tuple[str, list[str]]) -> ThemeMatcher:
    return ThemeMatcher(
        Taxonomy(
            kind="taxonomy",
            id="test",
            themes=[{"key": key, "label": key.title(), "words": words} for key, words in themes],
        )
    )


def test_a_weak_word_tags_but_loses_the_main_theme_to_a_full_word() -> None:
    themes = matcher(("thuis", ["~broertje"]), ("wachtlijsten", ["wachtlijst"]))
    text = "mijn broertje staat al maanden op een wachtlijst"
    assert themes.main(text) == "wachtlijsten"
    assert themes.tag(text) == {"thuis", "wachtlijsten"}
    assert themes.main("mijn broertje is lief") == "thuis"
    assert themes.keywords("mijn broertje is lief") == {"thuis": frozenset({"broertje"})}


def test_a_short_compound_head_weighs_half() -> None:
    themes = matcher(("werk", ["baan"]), ("vrije-tijd", ["park"]))
    assert themes.main("we willen een skatebaan in het park") == "vrije-tijd"
    assert themes.main("ik zoek een bijbaan") == "werk"  # a short modifier: still a job
    assert themes.main("ik zoek een vakantiebaan") == "werk"  # the only theme it has


def test_what_follows_a_contrast_word_is_the_point() -> None:
    themes = matcher(("werk", ["werken", "banen"]), ("geld", ["geld", "geen geld"]))
    assert themes.main("mijn moeder werkt twee banen en toch is er geen geld") == "geld"
    assert themes.main("mijn moeder werkt twee banen en er is geen geld") == "werk"


def test_fresh_corpus_is_new_multilingual_and_split() -> None:
    tuning = yaml.safe_load((CORPORA / "themes_fresh_tuning.yaml").read_text("utf-8"))
    heldout = yaml.safe_load((CORPORA / "themes_fresh_heldout.yaml").read_text("utf-8"))
    older = {
        item["text"].lower()
        for name in ("themes_tuning.yaml", "themes_heldout.yaml")
        for item in yaml.safe_load((CORPORA / name).read_text("utf-8"))
    }
    texts = [item["text"].lower() for item in tuning + heldout]
    assert len(texts) >= 150 and len(set(texts)) == len(texts)
    assert not set(texts) & older
    assert 0.38 <= len(heldout) / len(texts) <= 0.42
    assert {item["lang"] for item in heldout} == {"nl", "en", "tr", "ar", "pl"}
    assert "HELD-OUT" in (CORPORA / "themes_fresh_heldout.yaml").read_text("utf-8")[:600]


def test_benchmark_reports_the_fresh_held_out_set(capsys: pytest.CaptureFixture[str]) -> None:
    """Measured on 2026-12-03 (docs/summary.md): 64.6 % before, 67.7 % after; the 85 % target
    is NOT met on this set. The floor catches regressions."""
    benchmark.main([])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    fresh = result["fresh_heldout"]
    assert fresh["corpus"].endswith("themes_fresh_heldout.yaml")
    assert fresh["answers"] == 65
    assert fresh["main_theme_accuracy"] >= 0.67


def test_a_setting_word_gives_way_in_a_tie() -> None:
    """ "@school" is where something happens; what happens there is the point."""
    themes = matcher(("school", ["@school", "toets"]), ("gezondheid", ["vapen"]))
    assert themes.main("op school vapen ze op de wc") == "gezondheid"
    assert themes.main("op school vapen ze voor de toets") == "school"  # more words still win
    assert themes.main("de school is te groot") == "school"
    assert themes.tag("op school vapen ze") == {"school", "gezondheid"}


def test_apostrophe_endings_and_hyphens() -> None:
    """ "foto's", "money's" and Turkish "TikTok'ta" are the word; hyphenated parts match."""
    themes = matcher(
        ("online", ["tiktok"]), ("respect", ["homo"]), ("geld", ["money"]), ("hulp", ["test"])
    )
    assert themes.main("op school worden homo's uitgelachen") == "respect"
    assert themes.main("money's tight") == "geld"
    assert themes.main("Kızım bütün gün TikTok'ta") == "online"
    assert themes.main("een soa-test doen") == "hulp"
    assert themes.tag("I can't sleep") == {"overig"}


def test_a_prefix_word_is_a_compound_head_too() -> None:
    themes = matcher(("school", ["cijfer*"]), ("mentaal", ["paniek*"]))
    assert themes.main("ik had een rotcijfer") == "school"
    assert themes.main("ik krijg paniekaanvallen") == "mentaal"


def test_spoken_arabic_prefixes_and_suffixes() -> None:
    """ "عالموبايل" (on the phone), "بهالمواضيع" (these topics), "يلعبوا" (they play)."""
    taxonomy = Taxonomy(
        kind="taxonomy",
        id="test",
        themes=[
            {"key": "online", "label": "Online", "words": ["x"],
             "words_by_language": {"ar": ["موبايل"]}},
            {"key": "schaamte", "label": "Schaamte", "words": ["x"],
             "words_by_language": {"ar": ["مواضيع", "يلعب"]}},
        ],
    )  # fmt: skip
    themes = ThemeMatcher(taxonomy)
    assert themes.main("ولادي طول النهار عالموبايل") == "online"
    assert themes.main("عيب نحكي بهالمواضيع") == "schaamte"
    assert themes.main("ما في مكان يلعبوا فيه") == "schaamte"


def test_a_frame_theme_weighs_more() -> None:
    """Shame or waiting is the point of an answer that also names the topic."""
    taxonomy = Taxonomy(
        kind="taxonomy",
        id="test",
        themes=[
            {"key": "geld", "label": "Geld", "words": ["geen geld", "voedselbank"]},
            {"key": "schaamte", "label": "Schaamte", "words": ["schamen"], "frame": True},
        ],
    )
    themes = ThemeMatcher(taxonomy)
    assert themes.main("we gaan naar de voedselbank en ik schaam me") == "schaamte"
    # two of its things to one: geld
    assert themes.main("ik schaam me, geen geld en naar de voedselbank") == "geld"


def test_a_phrase_counts_its_first_word_fully_and_the_rest_half() -> None:
    """ "food bank" is one thing in two words: it does not outweigh a word and a half."""
    taxonomy = Taxonomy(
        kind="taxonomy",
        id="test",
        themes=[
            {"key": "geld", "label": "Geld", "words": ["x"],
             "words_by_language": {"en": ["food bank"]}},
            {"key": "schaamte", "label": "Schaamte", "words": ["x"], "frame": True,
             "words_by_language": {"en": ["embarrassing"]}},
        ],
    )  # fmt: skip
    themes = ThemeMatcher(taxonomy)
    assert themes.main("it's embarrassing to use the food bank") == "schaamte"


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("ik snap niet welke toeslagen we kunnen krijgen", "regelingen"),  # not Snapchat
        ("jongeren gooien vuurwerk naar mensen", "veiligheid"),  # not werk
        ("de leraren gaan te snel en ik snap het niet", "school"),  # not traffic
        ("mijn ouders kunnen de sportclub niet betalen", "geld"),
        ("my parents are always worried about money", "geld"),  # worry is weak
        ("بنتي بتحب الرسم", "overig"),  # no "نت" inside "بنتي"
        ("Chcę, żeby było lepiej", "overig"),  # "żeby" is "so that", not teeth
        ("ik heb geen idee", "overig"),
    ],
)
def test_everyday_words_with_a_second_meaning_stay_quiet(text: str, theme: str) -> None:
    default = ThemeMatcher(
        load_catalog(Path(__file__).resolve().parents[2] / "flows").taxonomies["default"]
    )
    assert default.main(text) == theme


def test_a_blocker_keeps_a_non_answer_quiet() -> None:
    """ "-geen mening" is a non-answer: its words match no theme."""
    themes = matcher(("meepraten", ["mening", "-geen mening"]), ("school", ["school"]))
    assert themes.main("geen mening") == "overig"
    assert themes.main("mijn mening telt niet") == "meepraten"
    assert themes.main("geen mening over school") == "school"


def test_a_first_part_counts_only_before_a_real_word() -> None:
    """ "school|reis" is partly school; "insta|ntie" is no Instagram, "leer|lingen" no learning."""
    themes = matcher(("online", ["insta"]), ("school", ["school"]), ("voorlichting", ["leren"]))
    assert themes.main("bij welke instantie moet ik zijn") == "overig"
    assert themes.main("de leerlingen") == "overig"
    assert themes.main("het schoolreisje") == "school"
