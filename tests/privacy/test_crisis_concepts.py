"""Words read as concepts shared by the five languages (bot/privacy/safety/concepts.py): the
learned model's features that carry what it learns from one language to the others."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from bot.privacy.safety.concepts import CONCEPTS_PATH, LANGUAGES, ConceptTable, read_concepts
from bot.privacy.safety.model import features
from bot.privacy.safety.normalize import normalize

TABLE = """
concepts:
  HIT:
    nl: [slaat, sloeg, geslagen]
    en: [hits, beats, beat]
    tr: [dövüyor, dövdü]
    ar: [يضربني, بيضربني, drbni]
    pl: [bije, pobił*]
  PARENT:
    nl: [vader, pa, mama]
    en: [dad, mom]
    tr: [babam, annem]
    ar: [ابي, بابا]
    pl: [tata, mama]
  ME:
    nl: [me, mij]
    en: [me]
    tr: [beni]
    ar: [انا]
    pl: [mnie]
"""


def _concepts(text: str, table: ConceptTable) -> set[str]:
    return table.features(normalize(text, clauses=True))


def test_the_same_disclosure_in_five_languages_has_the_same_concept_features() -> None:
    table = read_concepts(TABLE)
    expected = {"c:HIT", "c:PARENT", "c:ME", "cc:HIT+PARENT", "cc:HIT+ME", "cc:ME+PARENT"}
    for text in (
        "mijn vader slaat me",
        "my dad beats me",
        "babam beni dövüyor",  # the verb last
        "بابا بيضربني انا",
        "tata mnie bije",
        "Tata mnie POBIŁA wczoraj",  # a prefix form, in capitals and with its letter
    ):
        assert _concepts(text, table) == expected, text


def test_concepts_pair_only_within_a_clause() -> None:
    table = read_concepts(TABLE)
    found = _concepts("mijn vader werkt veel. de keeper slaat de bal", table)
    assert {"c:PARENT", "c:HIT"} <= found
    assert "cc:HIT+PARENT" not in found


def test_a_word_outside_the_table_has_no_concept_and_numbers_are_ignored() -> None:
    table = read_concepts(TABLE)
    assert _concepts("ik ga morgen naar de 113 winkel", table) == set()


def test_the_model_features_hold_the_concepts_only_with_a_table() -> None:
    text = normalize("my dad beats me", clauses=True)
    plain = features(text)
    with_table = features(text, read_concepts(TABLE))
    assert not {f for f in plain if f.startswith(("c:", "cc:"))}
    assert with_table - plain == _concepts("my dad beats me", read_concepts(TABLE))


def test_the_table_round_trips_through_the_model_file() -> None:
    table = read_concepts(TABLE)
    again = ConceptTable.from_data(table.to_data())
    for text in ("Tata mnie pobiła", "babam beni dövdü", "my dad beats me"):
        assert _concepts(text, again) == _concepts(text, table)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [("two words", "not one word"), ("kill*", "shorter than"), ("döv*", "shorter than")],
)
def test_a_malformed_entry_is_refused_by_name(entry: str, problem: str) -> None:
    """ "kill*" normalises to "kil*" (letters squeezed), which "kilo" starts with."""
    text = f"concepts:\n  HIT:\n    en: ['{entry}']\n"
    with pytest.raises(ValueError, match=problem):
        read_concepts(text)
    assert read_concepts(text, strict=False).exact == {}


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown languages"):
        read_concepts("concepts:\n  HIT:\n    de: [schlägt]\n")


def test_hostile_text_costs_bounded_work() -> None:
    table = read_concepts(TABLE)
    huge = normalize("vader slaat me " * 5000, clauses=True)
    assert "cc:HIT+PARENT" in table.features(huge)
    assert LANGUAGES == ("nl", "en", "tr", "ar", "pl")


def test_the_shipped_table_is_well_formed_in_five_languages() -> None:
    """``bot/privacy/data/crisis_concepts.yaml`` passes the strict reading, and every concept
    has words in all five languages (a concept of one language carries nothing over)."""

    table = read_concepts()
    assert len(table.exact) + len(table.prefixes) > 10_000
    source = resources.files("bot.privacy").joinpath(CONCEPTS_PATH).read_text(encoding="utf-8")
    for concept, by_language in yaml.safe_load(source)["concepts"].items():
        assert set(by_language) == set(LANGUAGES), concept
        assert all(by_language.values()), concept
