"""The crisis detector's shortcuts never change a verdict.

* A lexicon searches a text only with the groups of phrases one of its words can take part in
  (``PhraseGroups``): over every corpus text (held-out files excepted) and every form the
  lexicon matches, the groups find exactly the categories the whole expressions find, and the
  exclusions' groups say "no match" only where the whole exclusion has none.
* A lexicon that cannot blank or match a text's words (``may_blank``, ``may_match``) indeed
  leaves it as it is and finds nothing in it.
* The language guess is skipped only where it cannot matter: the detector with the guess
  always made gives the same verdicts and the same input to the learned model.

The corpora grow every round, so these tests read a fixed third of their texts (chosen by a
hash of the text, the same third in every run; about 5,000 texts); ``SAMENSPRAAK_ALL_TEXTS=1``
reads all of them, and ``scripts/crisis_equivalence.py`` compares two versions over every text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.lexicon import compile_lexicon, phrase_requirements
from bot.privacy.safety.normalize import normalize
from tests.privacy.equivalence import RecordingModel, a_fixed_third, training_texts


def _texts() -> list[str]:
    return list(training_texts())


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = a_fixed_third(_texts())
    assert len(found) > 3_000
    return found


@pytest.fixture(scope="module")
def detector() -> Detector:
    return load_detector()


def _searched(pattern: re.Pattern[str] | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


def test_groups_find_what_the_whole_expressions_find(detector: Detector, texts: list[str]) -> None:
    checked = matched = 0
    for text in texts:
        normalized = normalize(text, clauses=True)
        for lexicon in detector.lexicons.values():
            assert lexicon.groups is not None
            for form in lexicon.forms(normalized):
                whole = {c for c, p in lexicon.patterns.items() if p.search(form)}
                assert lexicon.groups.matching(form, form.split()) == whole, (
                    lexicon.language,
                    form,
                )
                checked += 1
                matched += bool(whole)
            for exclude, groups in (
                (lexicon.exclude, lexicon.exclude_groups),
                (lexicon.exclude_unmapped, lexicon.exclude_unmapped_groups),
            ):
                assert groups is not None  # every lexicon has exclusions
                expected = _searched(exclude, normalized)
                assert groups.search(normalized, normalized.split()) == expected
    assert checked > 15_000 and matched > 1_000  # the corpora hold many matches


def test_what_cannot_blank_or_match_does_not(detector: Detector, texts: list[str]) -> None:
    skipped = 0
    for text in texts:
        normalized = normalize(text, clauses=True)
        words = {*normalized.split(), "_"}
        blanked = {other.blank(normalized) for other in detector.lexicons.values()}
        for lexicon in detector.lexicons.values():
            assert lexicon.may_blank(words) or lexicon.blank(normalized) == normalized
            may_match = lexicon.may_match(words)
            # What the detector asks first (Lexicon.stirs_*) is necessary for both.
            assert lexicon.stirs_blank(words) or not lexicon.may_blank(words)
            assert lexicon.stirs_match(words) or not may_match
            skipped += not may_match
            # nothing in the text, nor in the text as another lexicon blanked it
            assert may_match or all(lexicon.match(t) == set() for t in {normalized, *blanked}), (
                lexicon.language,
                normalized,
            )
    assert skipped > len(texts)  # most lexicons are not about most texts


class _AlwaysGuessing(Detector):
    __slots__ = ()

    def _unguessed(self, normalized: str, languages: Any) -> None:
        return None


def _runs(detector: Detector, texts: list[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    for index, text in enumerate(texts):
        yield text, ()
        yield text, (("nl", "en", "tr", "ar", "pl")[index % 5],)


def test_skipping_the_language_guess_changes_no_verdict(
    detector: Detector, texts: list[str]
) -> None:
    fast_model, slow_model = RecordingModel(detector.model), RecordingModel(detector.model)
    fast = Detector(detector.lexicons, fast_model)  # type: ignore[arg-type]
    slow = _AlwaysGuessing(detector.lexicons, slow_model)  # type: ignore[arg-type]
    unguessed = 0
    for text, languages in _runs(detector, texts):
        normalized = normalize(text[:4096].encode("utf-8", "replace").decode("utf-8"), True)
        unguessed += bool(normalized) and fast._unguessed(normalized, languages) is not None
        assert fast.detect(text, languages) == slow.detect(text, languages), (text, languages)
    assert fast_model.asked == slow_model.asked
    assert unguessed > len(texts)  # the shortcut is taken for most texts


def test_requirements_of_phrases() -> None:
    """Words as normalised ("dood" -> "dod"), after slang, one set per required token."""
    macros = {"ME": ["me", "mij", "mezelf"], "WILD": ["pijn*", "ik"]}
    slang = {"kms": "kil myself", "mn": "mijn"}
    assert phrase_requirements("ik wil er? dood", macros, slang) == [
        frozenset({"=ik"}),
        frozenset({"=wil"}),
        frozenset({"=dod"}),
    ]
    assert phrase_requirements("zelfmoord* ... *snij*|*moord ~ $", macros, slang) == [
        frozenset({"^zelfmord"}),
        frozenset({"~snij", "$mord"}),
    ]
    # a macro: one anchor set of each of its phrases; slang, also to several words
    assert phrase_requirements("{ME} kms|mn pijn_doe", macros, slang) == [
        frozenset({"=me", "=mij", "=mezelf"}),
        frozenset({"=kil", "=mijn"}),
        frozenset({"=pijn"}),
    ]
    assert phrase_requirements("{WILD} x", macros, slang) == [
        frozenset({"^pijn", "=ik"}),
        frozenset({"=x"}),
    ]


def test_a_lexicon_of_wildcards_and_macros_gives_the_verdicts_of_its_expressions() -> None:
    lexicon = compile_lexicon(
        {
            "language": "nl",
            "slang": {"kms": "kill myself", "mn": "mijn"},
            "macros": {"ME": ["me", "mij", "mezelf"]},
            "categories": {
                "suicide": ["ik wil ... dood", "zelfmoord*", "kill myself", "*moord ~ {ME}"],
                "abuse": ["mn vader slaat|sloeg {ME}", "*slaan*"],
            },
            "exclude": ["dood van het lachen", "{ME} *lach*"],
        }
    )
    for text in [
        "ik wil echt heel graag dood",
        "zelfmoordgedachten",
        "kms",
        "moord is niets voor mij",
        "mn vader sloeg me",
        "doodslaan",
        "ik ga dood van het lachen",
        "ik wil nu dood van het lachen",
        "mij uitlachen",
        "ik wil niet meer leven",
    ]:
        normalized = normalize(text, clauses=True)
        assert lexicon.groups is not None and lexicon.exclude_groups is not None
        for form in lexicon.forms(normalized):
            whole = {c for c, p in lexicon.patterns.items() if p.search(form)}
            assert lexicon.groups.matching(form, form.split()) == whole, form
        assert lexicon.exclude_groups.search(normalized, normalized.split()) == _searched(
            lexicon.exclude, normalized
        )
