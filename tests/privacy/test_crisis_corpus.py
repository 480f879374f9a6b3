"""The labelled crisis corpora: the tuning parts are matched exactly; the held-out parts (never
tuned on) are scored: the first meets the targets of issue 14, the fresh one (written later in
the manner of an independent tester) holds the floor measured when it was scored.
``python -m benchmarks.crisis`` prints the figures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.privacy.crisis import CATEGORIES, detect_crisis

HERE = Path(__file__).parent


def load(name: str) -> list[dict[str, Any]]:
    corpus: list[dict[str, Any]] = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return corpus


TUNING: list[dict[str, Any]] = load("crisis_corpus_tuning.yaml")
HELDOUT: list[dict[str, Any]] = load("crisis_corpus_heldout.yaml")
FRESH_TUNING: list[dict[str, Any]] = load("crisis_corpus_fresh_tuning.yaml")
FRESH_HELDOUT: list[dict[str, Any]] = load("crisis_corpus_fresh_heldout.yaml")
FRESH2_TUNING: list[dict[str, Any]] = load("crisis_corpus_fresh2_tuning.yaml")
FRESH2_HELDOUT: list[dict[str, Any]] = load("crisis_corpus_fresh2_heldout.yaml")


def test_corpus_is_large_balanced_and_covers_languages_and_categories() -> None:
    corpus = TUNING + HELDOUT
    kinds = Counter(case["crisis"] for case in corpus)
    assert kinds[True] >= 150 and kinds[False] >= 150
    assert {case["lang"] for case in corpus} == {"nl", "en", "tr", "ar", "pl"}
    assert {case["category"] for case in corpus if case["crisis"]} == set(CATEGORIES)
    assert all(case["category"] is None for case in corpus if not case["crisis"])
    assert not {case["text"] for case in TUNING} & {case["text"] for case in HELDOUT}


def test_fresh_corpus_is_large_new_and_split_sixty_forty() -> None:
    fresh = FRESH_TUNING + FRESH_HELDOUT
    kinds = Counter(case["crisis"] for case in fresh)
    assert kinds[True] >= 200 and kinds[False] >= 200
    assert {case["lang"] for case in fresh} == {"nl", "en", "tr", "ar", "pl"}
    for language in ("nl", "en", "tr", "ar", "pl"):
        assert {c["category"] for c in fresh if c["crisis"] and c["lang"] == language} == set(
            CATEGORIES
        )
    assert all(case["category"] is None for case in fresh if not case["crisis"])
    fresh_texts = [case["text"].lower() for case in fresh]
    assert len(set(fresh_texts)) == len(fresh_texts)
    assert not set(fresh_texts) & {case["text"].lower() for case in TUNING + HELDOUT}
    assert 0.38 <= len(FRESH_HELDOUT) / len(fresh) <= 0.42
    header = (HERE / "crisis_corpus_fresh_heldout.yaml").read_text(encoding="utf-8")[:800]
    assert "HELD-OUT" in header and "NEVER tune" in header


def test_second_fresh_corpus_is_new_and_split_in_halves() -> None:
    fresh2 = FRESH2_TUNING + FRESH2_HELDOUT
    texts = [case["text"].lower() for case in fresh2]
    assert len(texts) >= 150 and len(set(texts)) == len(texts)
    older = TUNING + HELDOUT + FRESH_TUNING + FRESH_HELDOUT
    assert not set(texts) & {case["text"].lower() for case in older}
    assert 0.45 <= len(FRESH2_HELDOUT) / len(fresh2) <= 0.55
    assert {case["category"] for case in fresh2 if case["crisis"]} == set(CATEGORIES)


# Written by an independent tester, scored once as held-out (recall 59 %, false alarms 13 %),
# then tuned on in round 2.
INDEPENDENT1_TUNING: list[dict[str, Any]] = load("crisis_corpus_independent1_tuning.yaml")
ALL_TUNING = TUNING + FRESH_TUNING + FRESH2_TUNING + INDEPENDENT1_TUNING
TUNING_CRISIS = [case for case in ALL_TUNING if case["crisis"]]
TUNING_ORDINARY = [case for case in ALL_TUNING if not case["crisis"]]


def test_independent_corpus_is_large_and_covers_languages_and_categories() -> None:
    kinds = Counter(case["crisis"] for case in INDEPENDENT1_TUNING)
    assert kinds[True] >= 140 and kinds[False] >= 130
    assert {case["lang"] for case in INDEPENDENT1_TUNING} == {"nl", "en", "tr", "ar", "pl"}
    assert {c["category"] for c in INDEPENDENT1_TUNING if c["crisis"]} == set(CATEGORIES)


@pytest.mark.parametrize("case", TUNING_CRISIS, ids=[c["text"][:40] for c in TUNING_CRISIS])
def test_tuning_disclosure_fires_with_its_category(case: dict[str, Any]) -> None:
    signal = detect_crisis(case["text"], (case["lang"],))
    assert signal is not None
    assert case["category"] in signal.categories


@pytest.mark.parametrize("case", TUNING_ORDINARY, ids=[c["text"][:40] for c in TUNING_ORDINARY])
def test_tuning_ordinary_text_stays_quiet(case: dict[str, Any]) -> None:
    assert detect_crisis(case["text"], (case["lang"],)) is None


def test_heldout_part_meets_the_targets() -> None:
    """Recall at least 95 % (with the right category), false alarms at most 5 %."""
    crisis = [case for case in HELDOUT if case["crisis"]]
    ordinary = [case for case in HELDOUT if not case["crisis"]]
    found = 0
    for case in crisis:
        signal = detect_crisis(case["text"], (case["lang"],))
        found += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    assert found / len(crisis) >= 0.95
    assert alarms / len(ordinary) <= 0.05


def test_fresh_heldout_part_holds_the_measured_floor() -> None:
    """Measured on 2026-12-03 after tuning (docs/privacy.md, Safety): recall 88 %, after round 2
    93 %, false alarms 3 %. The target of 95 % recall is NOT met on this set; this floor catches
    regressions."""
    crisis = [case for case in FRESH_HELDOUT if case["crisis"]]
    ordinary = [case for case in FRESH_HELDOUT if not case["crisis"]]
    found = 0
    for case in crisis:
        signal = detect_crisis(case["text"], (case["lang"],))
        found += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    assert found / len(crisis) >= 0.92
    assert alarms / len(ordinary) <= 0.05


def test_second_fresh_heldout_part_holds_the_measured_floor() -> None:
    """Measured on 2026-12-03 (docs/privacy.md, Safety): recall 77 %, after round 2 82 % (mostly
    indirect Dutch; suicidal hints without a death word are the weak spot), no false alarms.
    Far below the 95 % target; this floor catches regressions."""
    crisis = [case for case in FRESH2_HELDOUT if case["crisis"]]
    ordinary = [case for case in FRESH2_HELDOUT if not case["crisis"]]
    found = 0
    for case in crisis:
        signal = detect_crisis(case["text"], (case["lang"],))
        found += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    assert found / len(crisis) >= 0.81
    assert alarms / len(ordinary) <= 0.05


# Round 3: the tuning half of a third independent corpus. Before round 3: recall 55.6 %, false
# alarms 2.2 %; after: 100 %, 0 %. Its held-out half (never tuned on) joined the repository
# after round 3 was scored on it.
INDEPENDENT3_TUNING: list[dict[str, Any]] = load("crisis_corpus_independent3_tuning.yaml")
# Variants of each missed family written before the round-3 changes (not corpus sentences):
# 22.8 % recall, 6.8 % false alarms before, then tuned on: 100 %, 0 %.
PROBES3: list[dict[str, Any]] = load("crisis_probes3.yaml")
# New phrasings written after the round-3 frames, scored once before further changes: 71.8 %
# (right category) and 6.4 % false alarms; after the fixes it showed: 97.4 %, 0 %.
PROBES3B: list[dict[str, Any]] = load("crisis_probes3b.yaml")
# More Turkish, Arabic, Polish and indirect Dutch, written after the narrowing and scored once
# first: 68.4 % (right category), 5 % false alarms; after the fixes it showed: 98.2 %, 0 %.
PROBES3D: list[dict[str, Any]] = load("crisis_probes3d.yaml")
# Mostly Dutch in chat style, written after the fourth round and scored once first: 73.6 %,
# no false alarms; after the fixes it showed: 100 %, 0 %.
PROBES3E: list[dict[str, Any]] = load("crisis_probes3e.yaml")
# Mostly English, Turkish, Arabic and Polish, written after the fifth round and scored once
# first: 76.6 %, 18.8 % false alarms (3 of 16); after the fixes it showed: 100 %, 0 %.
PROBES3F: list[dict[str, Any]] = load("crisis_probes3f.yaml")
# Indirect Dutch, written after the sixth round and scored once first: 46.7 %, 13.3 % false
# alarms (2 of 15); after the fixes it showed: 90 % (86.7 % right category), 0 %. The misses
# left are too indirect to tell from ordinary talk ("binnenkort hoef ik niks meer").
PROBES3G: list[dict[str, Any]] = load("crisis_probes3g.yaml")
# Ordinary texts close to the new frames: 16 of 42 fired before the frames were narrowed, 1 after;
# with three hushes and 25 everyday worries added later, 1 of 70.
QUIET3C: list[dict[str, Any]] = load("crisis_probes3c_quiet.yaml")


def _recall_and_false_alarms(corpus: list[dict[str, Any]]) -> tuple[float, float]:
    crisis = [case for case in corpus if case["crisis"]]
    ordinary = [case for case in corpus if not case["crisis"]]
    found = 0
    for case in crisis:
        signal = detect_crisis(case["text"], (case["lang"],))
        found += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    return found / len(crisis), alarms / len(ordinary)


def test_third_independent_corpus_is_new_and_covers_languages_and_categories() -> None:
    kinds = Counter(case["crisis"] for case in INDEPENDENT3_TUNING)
    assert kinds[True] >= 85 and kinds[False] >= 85
    assert {case["lang"] for case in INDEPENDENT3_TUNING} == {"nl", "en", "tr", "ar", "pl"}
    assert {c["category"] for c in INDEPENDENT3_TUNING if c["crisis"]} == set(CATEGORIES)
    header = (HERE / "crisis_corpus_independent3_tuning.yaml").read_text(encoding="utf-8")[:300]
    assert "TUNING" in header


def test_third_independent_tuning_half_holds_the_measured_floor() -> None:
    recall, false_alarms = _recall_and_false_alarms(INDEPENDENT3_TUNING)
    assert recall >= 0.95
    assert false_alarms <= 0.03


@pytest.mark.parametrize(
    ("probes", "floor"),
    [
        (PROBES3, 0.95),
        (PROBES3B, 0.93),
        (PROBES3D, 0.93),
        (PROBES3E, 0.95),
        (PROBES3F, 0.95),
        (PROBES3G, 0.8),
    ],
    ids=["a", "b", "d", "e", "f", "g"],
)
def test_round_three_probe_sets_hold_the_measured_floor(
    probes: list[dict[str, Any]], floor: float
) -> None:
    probe_texts = {case["text"].lower() for case in probes}
    assert not probe_texts & {case["text"].lower() for case in INDEPENDENT3_TUNING}
    recall, false_alarms = _recall_and_false_alarms(probes)
    assert recall >= floor
    assert false_alarms <= 0.05


def test_ordinary_texts_near_the_round_three_frames_stay_mostly_quiet() -> None:
    assert all(not case["crisis"] for case in QUIET3C)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in QUIET3C)
    assert alarms / len(QUIET3C) <= 0.05


def test_third_independent_heldout_half_holds_the_measured_floor() -> None:
    """The held-out half of the third independent corpus, never tuned on: recall 66.3 % before
    round 3, 72.4 % after, false alarms 2.2 % (docs/privacy.md, Safety). Far below the 95 %
    target: phrasing nobody here wrote is still the weak spot. This floor catches regressions."""
    heldout: list[dict[str, Any]] = yaml.safe_load(
        (HERE / "crisis_corpus_independent3_heldout.yaml").read_text(encoding="utf-8")
    )
    assert (
        "NEVER TUNED ON"
        in (HERE / "crisis_corpus_independent3_heldout.yaml").read_text(encoding="utf-8")[:600]
    )
    crisis = [case for case in heldout if case["crisis"]]
    ordinary = [case for case in heldout if not case["crisis"]]
    assert len(crisis) >= 90 and len(ordinary) >= 90
    found = 0
    for case in crisis:
        signal = detect_crisis(case["text"], (case["lang"],))
        found += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    assert found / len(crisis) >= 0.70
    assert alarms / len(ordinary) <= 0.05


def _heldout_figures(name: str) -> tuple[int, int, float, float]:
    """A never-tuned-on corpus: its disclosures and ordinary texts, the share of disclosures
    found with their expected category, and the share of ordinary texts that fire."""
    text = (HERE / name).read_text(encoding="utf-8")
    assert "NEVER TUNED ON" in text[:600]
    heldout: list[dict[str, Any]] = yaml.safe_load(text)
    crisis = [case for case in heldout if case["crisis"]]
    ordinary = [case for case in heldout if not case["crisis"]]
    found = sum(
        bool(signal and case["category"] in signal.categories)
        for case in crisis
        for signal in [detect_crisis(case["text"], (case["lang"],))]
    )
    alarms = sum(detect_crisis(case["text"], (case["lang"],)) is not None for case in ordinary)
    return len(crisis), len(ordinary), found / len(crisis), alarms / len(ordinary)


def test_fourth_independent_heldout_half_holds_the_measured_floor() -> None:
    """The held-out half of the fourth independent corpus, never tuned on (scored whole before
    rounds 4-6 and split before round 6): recall 65.5 % and false alarms 5.2 % after round 6,
    which tuned on the other half and moved neither figure; 74.7 % (72.4 % with the expected
    category) and 5.2 % after round 7, 76.4 % (75.3 %) and 5.2 % after round 10 (docs/privacy.md,
    Safety). Below the 95 % target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 84.5 % and 4.6 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 85.6 % and 4.6 %.
    Round 17 (the hit head, 53 files, a higher threshold): 86.2 % and 2.9 %."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent4_heldout.yaml")
    assert crisis >= 160 and ordinary >= 160
    assert recall >= 0.83
    assert alarms <= 0.04


def test_sixth_independent_corpus_holds_the_measured_floor() -> None:
    """The sixth independent corpus (round 7: 200 disclosures and 200 ordinary texts by a helper
    briefed as the external testers, never tuned on, scored whole): recall 68.0 % and false
    alarms 6.5 % before round 7; after it 81.5 % (78.0 % with the expected category) and 6.5 %;
    after round 10 83.5 % (80.0 %) and 6.5 % (docs/privacy.md, Safety). Below the 95 % / 5 %
    target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 89.0 % and 7.5 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 89.0 % and 7.0 %.
    Round 17 (the hit head, 53 files, a higher threshold): 88.0 % and 5.0 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 89.1 % and 3.0 % with round 17's model, 90.0 % and 3.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent6_heldout.yaml")
    assert crisis == 110 and ordinary == 100
    assert recall >= 0.87
    assert alarms <= 0.04


def test_seventh_independent_corpus_holds_the_measured_floor() -> None:
    """The seventh independent corpus (rounds 9-10: 200 disclosures and 200 ordinary texts by
    another helper briefed as the external testers, read by no one who changed the detector,
    never tuned on, scored whole): recall 85.5 % (84.0 % with the expected category) and false
    alarms 8.5 % before round 9; 88.0 % (87.0 %) and 8.5 % after round 10 (docs/privacy.md,
    Safety). Below the 95 % / 5 % target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 91.0 % and 6.5 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 91.5 % and 6.0 %.
    Round 17 (the hit head, 53 files, a higher threshold): 91.0 % and 2.0 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 91.3 % and 1.0 % with round 17's model, 90.4 % and 1.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent7_heldout.yaml")
    assert crisis == 104 and ordinary == 102
    assert recall >= 0.88
    assert alarms <= 0.03


def test_eighth_independent_corpus_holds_the_measured_floor() -> None:
    """The eighth independent corpus (round 11: 200 disclosures and 200 ordinary texts by a helper
    briefed as the external testers, read by no one who changed the detector, never tuned on,
    scored whole): recall 80.5 % (79.0 % with the expected category) and false alarms 6.0 %
    before round 11, 80.0 % (77.5 %) and 6.0 % after it (docs/privacy.md, Safety). Below the
    95 % / 5 % target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 86.5 % and 6.0 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 87.0 % and 6.0 %.
    Round 17 (the hit head, 53 files, a higher threshold): 85.0 % and 5.0 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 84.9 % and 4.0 % with round 17's model, 85.8 % and 2.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent8_heldout.yaml")
    assert crisis == 106 and ordinary == 100
    assert recall >= 0.83
    assert alarms <= 0.05


def test_ninth_independent_corpus_holds_the_measured_floor() -> None:
    """The ninth independent corpus (round 12: 200 disclosures and 200 ordinary texts by a helper
    briefed as the external testers, read by no one who changed the detector, never tuned on,
    scored whole): recall 84.0 % (83.0 % with the expected category) and false alarms 5.5 %
    before round 12 and after it (docs/privacy.md, Safety). Below the 95 % / 5 % target; this
    floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 87.5 % and 6.0 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 89.0 % and 6.0 %.
    Round 17 (the hit head, 53 files, a higher threshold): 88.0 % and 4.5 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 85.8 % and 4.0 % with round 17's model, 86.8 % and 5.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent9_heldout.yaml")
    assert crisis == 106 and ordinary == 100
    assert recall >= 0.84
    assert alarms <= 0.06


def test_tenth_independent_corpus_holds_the_measured_floor() -> None:
    """The tenth independent corpus (round 13: 200 disclosures and 200 ordinary texts by a helper
    briefed as the external testers, read by no one who changed the detector, never tuned on,
    scored whole): recall 75.0 % (72.0 % with the expected category) and false alarms 6.5 % as
    it arrived, 76.0 % (73.0 %) and 6.5 % after round 13 (docs/privacy.md, Safety). Below the
    95 % / 5 % target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 80.5 % and 5.0 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 80.5 % and 5.0 %.
    Round 17 (the hit head, 53 files, a higher threshold): 80.0 % and 4.5 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 80.7 % and 5.0 % with round 17's model, 81.6 % and 5.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent10_heldout.yaml")
    assert crisis == 114 and ordinary == 100
    assert recall >= 0.78
    assert alarms <= 0.06


def test_eleventh_independent_corpus_holds_the_measured_floor() -> None:
    """The eleventh independent corpus (round 15: 200 disclosures and 200 ordinary texts by a
    helper briefed as the external testers and asked for the disclosures a detector misses, read
    by no one who changed the detector, never tuned on, scored whole): recall 62.0 % (58.0 % with
    the expected category) and false alarms 6.5 % as it arrived (docs/privacy.md, Safety). Far
    below the 95 % / 5 % target; this floor only catches regressions.
    Round 15 (concepts, the framed veto and its budget): 73.0 % and 6.0 %.
    Round 16 (Arabic, Turkish, Polish training text; frames): 75.5 % and 5.5 %.
    Round 17 (the hit head, 53 files, a higher threshold): 72.5 % and 5.0 %.
    Round 18 (split per language and category; half A became training text, half B, this
    file, stays held-out): on half B 72.8 % and 4.0 % with round 17's model, 75.4 % and 4.0 %
    after round 18."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent11_heldout.yaml")
    assert crisis == 114 and ordinary == 100
    assert recall >= 0.7
    assert alarms <= 0.05


def test_twelfth_independent_corpus_holds_the_measured_floor() -> None:
    """The twelfth independent corpus (round 16: 200 disclosures and 200 ordinary texts, 40 + 40
    per language, by a helper briefed as the external testers, read by no one who changed the
    detector, never tuned on, scored whole): recall 83.5 % (80.5 % with the expected category)
    and false alarms 7.5 % as it arrived; after round 16 84.0 % (81.5 %) and 6.5 %
    (docs/privacy.md, Safety). Below the 95 % / 5 % target; this floor only catches regressions.
    Round 17 (the hit head, 53 files, a higher threshold): 80.5 % and 5.0 %."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent12_heldout.yaml")
    assert crisis == 200 and ordinary == 200
    assert recall >= 0.78
    assert alarms <= 0.06


def test_thirteenth_independent_corpus_holds_the_measured_floor() -> None:
    """The thirteenth independent corpus (round 17: 200 disclosures and 200 ordinary texts, 40 +
    40 per language, by a helper briefed as the external testers, read by no one who changed the
    detector, never tuned on, scored whole): recall 80.5 % (73.5 % with the expected category)
    and false alarms 4.0 % as it arrived; after round 17 79.5 % (72.0 %) and 2.5 %
    (docs/privacy.md, Safety). Below the 95 % recall target; this floor only catches
    regressions."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent13_heldout.yaml")
    assert crisis == 200 and ordinary == 200
    assert recall >= 0.70
    assert alarms <= 0.035


def test_fourteenth_independent_corpus_holds_the_measured_floor() -> None:
    """The fourteenth independent corpus (round 18: 200 disclosures and 200 ordinary texts, 40 +
    40 per language, mostly indirect disclosures, by a helper briefed as the external testers,
    read by no one who changed the detector, never tuned on, scored whole): recall 71.5 % (69.5 %
    with the expected category) and false alarms 4.5 % as it arrived; after round 18 the same
    (docs/privacy.md, Safety). Far below the 95 % recall target; this floor only catches
    regressions."""
    crisis, ordinary, recall, alarms = _heldout_figures("crisis_corpus_independent14_heldout.yaml")
    assert crisis == 200 and ordinary == 200
    assert recall >= 0.66
    assert alarms <= 0.055
