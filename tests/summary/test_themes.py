"""Theme tagging of free text: Dutch stemming, phrases, compounds, "overig", unmatched words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import load_catalog
from bot.engine.schema import Taxonomy
from bot.summary.themes import OVERIG, ThemeMatcher, stop_words, top_unmatched_words

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "flows" / "_themes"


def taxonomy(*themes: tuple[str, list[str]]) -> Taxonomy:
    return Taxonomy(
        kind="taxonomy",
        id="test",
        themes=[{"key": key, "label": key.title(), "words": words} for key, words in themes],
    )


@pytest.fixture(scope="module")
def default() -> ThemeMatcher:
    data = yaml.safe_load((THEMES / "default.yaml").read_text("utf-8"))
    return ThemeMatcher(Taxonomy.model_validate(data))


def test_stemming_matches_other_word_forms() -> None:
    """A taxonomy word finds its plural and inflected forms ("vriend" finds "vrienden")."""
    matcher = ThemeMatcher(taxonomy(("vrienden", ["vriend"]), ("school", ["toets"])))
    assert matcher.tag("Mijn vrienden zijn lief") == {"vrienden"}
    assert matcher.tag("Te veel toetsen!") == {"school"}


def test_phrase_matches_only_adjacent_words() -> None:
    """A multi-word synonym matches when its words stand together, not when scattered."""
    matcher = ThemeMatcher(taxonomy(("geld", ["geen geld"])))
    assert matcher.tag("Wij hebben geen geld voor de club") == {"geld"}
    assert matcher.tag("Geen idee, geld is er wel") == {OVERIG}


def test_wildcards_match_compound_words() -> None:
    """ "school*" finds schoolwerk, "*school" finds basisschool; a plain word is found as the
    head of a compound ("werk" in "schoolwerk"), not in its middle ("huiswerkklas")."""
    matcher = ThemeMatcher(taxonomy(("school", ["school*", "*school"]), ("werk", ["werk"])))
    assert matcher.tag("Het schoolwerk is zwaar") == {"school", "werk"}
    assert matcher.tag("Op de basisschool was het leuk") == {"school"}
    assert matcher.tag("huiswerkklas") == {OVERIG}


def test_diacritics_and_case_do_not_matter() -> None:
    """ "Geïsoleerd" in a taxonomy matches "GEISOLEERD" in an answer."""
    matcher = ThemeMatcher(taxonomy(("mentaal", ["geïsoleerd"])))
    assert matcher.tag("Ik voel me GEISOLEERD") == {"mentaal"}


def test_answer_can_get_several_themes(default: ThemeMatcher) -> None:
    """An answer about school stress gets both school and mental health."""
    assert default.tag("Veel stress door school en toetsen.") == {"school", "mentaal"}


def test_unmatched_text_is_overig(default: ThemeMatcher) -> None:
    """Text that matches no theme word is tagged "overig" and nothing else."""
    assert default.tag("De bus rijdt 's avonds niet.") == {OVERIG}
    assert default.tag("") == {OVERIG}


def test_redaction_markers_are_not_words(default: ThemeMatcher) -> None:
    """A marker like [telefoonnummer] does not make an answer match the "online" theme, and
    the learned model does not see it either (what "bel me op" alone means is its own
    business)."""
    words_only = ThemeMatcher(default.taxonomy, learned=False)
    assert words_only.tag("bel me op [telefoonnummer]") == {OVERIG}
    assert default.model is not None
    assert default.model.probabilities("bel me op [telefoonnummer]") == (
        default.model.probabilities("bel me op")
    )


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Alles wordt duurder", "geld"),
        ("Mijn ouders hebben schulden", "geld"),
        ("Er is niks te doen in het dorp", "vrije-tijd"),
        ("Ik word gepest op insta", "online"),
        ("Geen bijbaantje te vinden", "werk"),
        ("Ik voel me zo eenzaam", "mentaal"),
        ("Thuis is er veel ruzie", "thuis"),
        ("Ik voel me niet veilig op straat", "veiligheid"),
        ("Te weinig huurhuizen voor starters", "wonen"),
        ("Meer sporten en gezond eten", "gezondheid"),
        ("Mijn vriendin helpt me", "vrienden"),
    ],
)
def test_default_taxonomy_knows_common_youth_words(
    default: ThemeMatcher, text: str, theme: str
) -> None:
    """The shipped default taxonomy recognises everyday words of jongeren and ouders."""
    assert theme in default.tag(text)


def test_shipped_taxonomies_cover_every_template() -> None:
    """The default taxonomy serves every template; seksuele-gezondheid has its own themes."""
    catalog = load_catalog(ROOT / "flows")
    assert set(catalog.taxonomies) >= {"default", "seksuele-gezondheid"}
    keys = {theme.key for theme in catalog.taxonomies["default"].themes}
    assert keys == {
        "geld", "school", "gezondheid", "vrije-tijd", "wonen", "veiligheid", "thuis",
        "online", "werk", "vrienden", "mentaal", "schaamte", "regelingen", "hulp",
        "wachtlijsten", "discriminatie", "meepraten", "online-veiligheid",
    }  # fmt: skip
    for template in catalog.templates:
        expected = "seksuele-gezondheid" if template == "seksuele-gezondheid" else "default"
        found = catalog.taxonomy_for(template)
        assert found is not None and found.id == expected
    sexual = ThemeMatcher(catalog.taxonomies["seksuele-gezondheid"])
    assert "grenzen" in sexual.tag("Hij ging over mijn grens")
    assert "online" in sexual.tag("Nudes worden doorgestuurd")


def test_overig_is_reserved() -> None:
    """A taxonomy may not define its own "overig" theme: that name means unmatched."""
    with pytest.raises(ValueError, match="reserved"):
        ThemeMatcher(taxonomy((OVERIG, ["iets"])))


def test_top_unmatched_words_counts_answers_not_occurrences(default: ThemeMatcher) -> None:
    """Words of "overig" answers rank by how many answers use them; stop words are skipped."""
    texts = [
        "De bus bus bus rijdt niet",
        "Geen bus in de avond",
        "De bus is te laat in de avond",
        "Stress door school",  # matched: not counted
    ]
    ranked = top_unmatched_words(texts, default, n=3)
    assert ranked[0] == ("bus", 3)
    assert ("avond", 2) in ranked
    assert all(word not in stop_words() for word, _ in ranked)
    assert all(word != "stress" for word, _ in ranked)


def test_top_unmatched_words_respects_min_count(default: ThemeMatcher) -> None:
    """With min_count, a word used in fewer answers (which could point at one person) is left
    out."""
    texts = ["Fietsenstalling kapot"] * 3 + ["Janssenstraat is eng"]
    assert top_unmatched_words(texts, default, n=10, min_count=2) == [
        ("fietsenstalling", 3),
        ("kapot", 3),
    ]


def test_top_unmatched_words_of_texts_known_unmatched_are_not_tagged_again() -> None:
    """A summary passes only answers stored without a theme (those its "overig" count counts):
    their words are listed as they are, without tagging each again (that cost most of a first
    summary's Python time)."""
    texts = ["De bus rijdt niet", "Geen bus in de avond", "Stress door school"]
    ranked = top_unmatched_words(texts, None, n=5)
    assert ranked[0] == ("bus", 2)
    assert ("stress", 1) in ranked  # stored as overig: its words explain the overig count
