"""Theme matching as people write: lemmas, compounds, separable verbs, typos, other languages,
the function-word guard, the main theme, and what a match is explained by."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.engine.schema import Taxonomy
from bot.summary.themes import OVERIG, ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]


def taxonomy(*themes: tuple[str, list[str]], other: dict[str, list[str]] | None = None) -> Taxonomy:
    return Taxonomy(
        kind="taxonomy",
        id="test",
        themes=[
            {
                "key": key,
                "label": key.title(),
                "words": words,
                "words_by_language": (other or {}) if index == 0 else {},
            }
            for index, (key, words) in enumerate(themes)
        ],
    )


@pytest.fixture(scope="module")
def catalog_matchers() -> dict[str, ThemeMatcher]:
    catalog = load_catalog(ROOT / "flows")
    return {key: ThemeMatcher(value) for key, value in catalog.taxonomies.items()}


@pytest.fixture(scope="module")
def default(catalog_matchers: dict[str, ThemeMatcher]) -> ThemeMatcher:
    return catalog_matchers["default"]


@pytest.fixture(scope="module")
def sexual(catalog_matchers: dict[str, ThemeMatcher]) -> ThemeMatcher:
    return catalog_matchers["seksuele-gezondheid"]


@pytest.mark.parametrize(
    "text",
    [
        "ik kom niet rond",
        "We komen maar net rond.",
        "ik kom al maanden niet meer rond met mijn loon",
        "het is moeilijk om rond te komen",
        "we zijn nooit rondgekomen",
    ],
)
def test_separable_verb_matches_when_split(text: str) -> None:
    """ "rondkomen" is found when its parts stand apart in the sentence, in any tense."""
    matcher = ThemeMatcher(taxonomy(("geld", ["rondkomen"])))
    assert matcher.tag(text) == {"geld"}


def test_separable_verb_parts_in_different_clauses_do_not_match() -> None:
    """ "kom" and "rond" in separate clauses, or one of them alone, is no "rondkomen"."""
    matcher = ThemeMatcher(taxonomy(("geld", ["rondkomen"])))
    assert matcher.tag("Ik kom uit Delft. Rond de kerk is het druk") == {OVERIG}
    assert matcher.tag("ik kom morgen") == {OVERIG}
    assert matcher.tag("we liepen rond") == {OVERIG}


def test_keyword_matches_as_head_of_a_compound() -> None:
    """ "toeslag" finds "huurtoeslag", "kosten" finds "schoolkosten": the keyword is the part
    after a real Dutch word, not a chance string inside a word."""
    matcher = ThemeMatcher(taxonomy(("regelingen", ["toeslag"]), ("geld", ["kosten"])))
    assert matcher.tag("De huurtoeslag is te laat") == {"regelingen"}
    assert matcher.tag("schoolkosten zijn hoog") == {"geld"}
    assert matcher.tag("de toeslagen") == {"regelingen"}
    # "xqzkosten": the part before "kosten" is no word, so no morpheme boundary.
    assert matcher.tag("xqzkosten") == {OVERIG}


def test_compound_head_is_the_main_theme(default: ThemeMatcher) -> None:
    """In "schoolkosten" the head (kosten, geld) outweighs "school*" of the first part."""
    assert default.tag("schoolkosten") >= {"geld", "school"}
    assert default.main("De schoolkosten zijn te hoog") == "geld"


def test_phrase_of_lemmas_matches_inflected_phrase(default: ThemeMatcher) -> None:
    """ "vaste lasten" finds "de vaste lasten stijgen" (issue 17: was "overig")."""
    assert default.main("De vaste lasten stijgen elke maand") == "geld"
    assert default.main("ik kom niet rond") == "geld"


def test_small_misspelling_of_a_long_word_matches() -> None:
    """One typo (or a swap of two letters) in a word of six letters or more still matches."""
    matcher = ThemeMatcher(taxonomy(("wachtlijsten", ["wachtlijst*"]), ("geld", ["schulden"])))
    assert matcher.tag("de wachtlijts is lang") == {"wachtlijsten"}
    assert matcher.tag("veel schukden") == {"geld"}


def test_misspelling_is_not_tried_on_short_or_real_words() -> None:
    """Short words and real Dutch words are never read as typos: "merken" is no "werken",
    "ziet" no "ziek"."""
    matcher = ThemeMatcher(taxonomy(("werk", ["werken"]), ("gezondheid", ["ziek"])))
    assert matcher.tag("je kunt het merken") == {OVERIG}
    assert matcher.tag("hij ziet het") == {OVERIG}


def test_function_word_does_not_match_through_a_stem(sexual: ThemeMatcher) -> None:
    """ "date" stems to "dat": an answer with "dat" is no longer Relaties en verliefdheid
    (issue 17), while "date" and "daten" still are."""
    assert sexual.tag("ik denk dat het goed is") == {OVERIG}
    assert sexual.tag("Dat vind ik lastig") == {OVERIG}
    assert "relaties" in sexual.tag("mijn eerste date")
    assert "relaties" in sexual.tag("we daten al een jaar")


def test_short_stems_are_no_match() -> None:
    """ "lezen" and "lessen" share the Porter stem "les"; reading is no lesson."""
    matcher = ThemeMatcher(taxonomy(("school", ["les"])))
    assert matcher.tag("ik hou van lezen") == {OVERIG}
    assert matcher.tag("de lessen zijn saai") == {"school"}


def test_other_language_keywords_match_as_written() -> None:
    """ "x*" covers Turkish and Polish endings (the k/ğ mutation listed as its own prefix);
    an English word is not compared with the Dutch stem of a text word ("helpen" is not
    "help")."""
    matcher = ThemeMatcher(
        taxonomy(("hulp", ["jeugdzorg"]), other={"en": ["help"], "tr": ["destek*", "desteğ*"]})
    )
    assert matcher.tag("we need help") == {"hulp"}
    assert matcher.tag("desteğe ihtiyacımız var") == {"hulp"}
    assert matcher.tag("ik wil helpen") == {OVERIG}


def test_arabic_keyword_matches_with_attached_article_and_suffix() -> None:
    """A bare Arabic keyword finds the word with "ال"/"وال" before it or a suffix after it."""
    matcher = ThemeMatcher(taxonomy(("school", ["school"]), other={"ar": ["مدرسة"]}))
    assert matcher.tag("والمدرسة صعبة") == {"school"}
    assert matcher.tag("مدرستي بعيدة") == {"school"}
    assert matcher.tag("مدرسه") == {"school"}  # written with ha instead of ta marbuta


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("para yetmiyor, faturalar çok yüksek", "geld"),
        ("الأسعار غالية جدا", "geld"),
        ("nie starcza pieniędzy", "geld"),
        ("we can't pay the bills", "geld"),
        ("bekleme listesi çok uzun", "wachtlijsten"),
        ("قائمة الانتظار طويلة", "wachtlijsten"),
        ("wstydzę się", "schaamte"),
        ("I'm ashamed", "schaamte"),
        ("ik schaam me kapot", "schaamte"),
        ("de huurtoeslag aanvragen", "regelingen"),
        ("de jeugdzorg komt niet", "hulp"),
        ("racisme op straat", "discriminatie"),
        ("ik wil meepraten", "meepraten"),
        ("praat mee over de wijk", "meepraten"),
        ("mijn account is gehackt", "online-veiligheid"),
    ],
)
def test_new_themes_and_languages_are_the_main_theme(
    default: ThemeMatcher, text: str, theme: str
) -> None:
    """The themes of issue 17 and the languages participants answer in are recognised as
    the main point of an answer."""
    assert default.main(text) == theme


def test_sexual_health_taxonomy_has_the_new_themes(sexual: ThemeMatcher) -> None:
    """Schaamte, meepraten and wachtlijsten also exist for seksuele gezondheid; online safety
    is its "online" theme."""
    assert sexual.main("het is zo taboe, ik schaam me") == "schaamte"
    assert sexual.main("jongeren moeten meepraten over de lessen") == "meepraten"
    assert sexual.main("lange wachtlijst bij de hulp") == "wachtlijsten"
    assert sexual.main("iemand chanteerde haar met naaktfoto's") == "online"


def test_main_theme_is_the_one_with_most_matched_words(default: ThemeMatcher) -> None:
    """More matched words win; on a tie the theme mentioned first."""
    assert default.ranked("geen geld voor de huur, schulden en rekeningen") == ["geld", "wonen"]
    assert default.ranked("ruzie thuis en stress") == ["thuis", "mentaal"]
    assert default.ranked("stress en ruzie") == ["mentaal", "thuis"]
    assert default.ranked("de bus rijdt niet") == [OVERIG]
    assert default.main("") == OVERIG


def test_explain_names_the_words_of_the_text(default: ThemeMatcher) -> None:
    """explain() gives per theme the (folded) words of the answer that matched, including
    both parts of a split separable verb and the compound itself."""
    assert default.explain("Ik kom niet rond en de huurtoeslag is weg") == {
        "geld": ("kom", "rond"),
        "regelingen": ("huurtoeslag",),
    }
    assert default.explain("De bus rijdt niet") == {}


def test_keywords_name_the_taxonomy_words_not_the_text(default: ThemeMatcher) -> None:
    """keywords() gives per theme the taxonomy keywords, never the participant's spelling."""
    found = default.keywords("Mijn ouders hebben veel schulde en de wachtlijts is lang")
    assert found == {
        "geld": frozenset({"schuld"}),
        "wachtlijsten": frozenset({"wachtlijst"}),
        "thuis": frozenset({"ouders"}),  # a weak family word: tags, weighs half
    }


@pytest.mark.parametrize(
    "text",
    [
        "Ik weet het niet",
        "Geen idee",
        "Dat is goed zo",
        "misschien later",
        "ik denk het wel",
        "we hebben het druk",
        "I don't know",
        "nothing really",  # "not|hing": "hing" (hangen) is no compound head
        "bilmiyorum",
        "hiçbir şey",
        "لا أعرف",
        "nie wiem",
    ],
)
def test_everyday_non_answers_are_overig(default: ThemeMatcher, text: str) -> None:
    """Answers without content get no theme, in any language."""
    assert default.tag(text) == {OVERIG}
