"""The labelled theme corpus and `python -m benchmarks.themes` on its held-out part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks import themes as benchmark

CORPORA = Path(__file__).resolve().parent / "corpora"


def load(name: str) -> list[dict[str, str]]:
    data: list[dict[str, str]] = yaml.safe_load((CORPORA / name).read_text("utf-8"))
    return data


def test_corpus_is_large_multilingual_and_split() -> None:
    """At least 300 answers in nl/en/tr/ar/pl, each with a theme and a taxonomy; the held-out
    part is marked as such and shares no answer with the tuning part."""
    tuning, heldout = load("themes_tuning.yaml"), load("themes_heldout.yaml")
    assert len(tuning) + len(heldout) >= 300
    assert "HELD-OUT PART" in (CORPORA / "themes_heldout.yaml").read_text("utf-8")
    assert not {item["text"] for item in tuning} & {item["text"] for item in heldout}
    for part in (tuning, heldout):
        assert {item["lang"] for item in part} == {"nl", "en", "tr", "ar", "pl"}
        assert {item["taxonomy"] for item in part} == {"default", "seksuele-gezondheid"}


def test_benchmark_prints_held_out_accuracy_as_last_json_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The held-out main-theme accuracy reaches the 85 % target of issue 17, per language too
    it is reported; the JSON line comes last."""
    benchmark.main([])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["corpus"].endswith("themes_heldout.yaml")
    assert result["answers"] == len(load("themes_heldout.yaml"))
    assert result["main_theme_accuracy"] >= 0.85
    assert set(result["per_language"]) == {"nl", "en", "tr", "ar", "pl"}


def test_independent_corpus_holds_its_tuned_score(capsys: pytest.CaptureFixture[str]) -> None:
    """The independent tester's corpus (62.3 % before round 2) was tuned on: 90 % after; the
    floor catches regressions. It measures no generalisation any more."""
    corpus = CORPORA / "themes_independent1_tuning.yaml"
    benchmark.main(["--corpus", str(corpus)])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["answers"] == len(load("themes_independent1_tuning.yaml")) >= 160
    assert result["main_theme_accuracy"] >= 0.88


def test_third_independent_corpus_holds_its_tuned_score(capsys: pytest.CaptureFixture[str]) -> None:
    """The tuning half of a third independent corpus (65.0 % before round 3) was tuned on:
    97.1 % after; the floor catches regressions. This measures no generalisation: its held-out
    half does (test_third_independent_heldout_half_holds_the_measured_floor)."""
    corpus = CORPORA / "themes_independent3_tuning.yaml"
    benchmark.main(["--corpus", str(corpus)])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["answers"] == len(load("themes_independent3_tuning.yaml")) == 137
    assert "TUNING" in corpus.read_text("utf-8")[:400]
    assert result["main_theme_accuracy"] >= 0.94
    assert set(result["per_language"]) == {"nl", "en", "tr", "ar", "pl"}


def test_round_3_probe_answers_hold_their_tuned_score(capsys: pytest.CaptureFixture[str]) -> None:
    """The probe answers of round 3 (each set scored once before it was tuned on: 62.1 % ->
    78.5 % pooled) are tuning answers now: 95.8 %, the floor catches regressions."""
    corpus = CORPORA / "themes_probes3_tuning.yaml"
    benchmark.main(["--corpus", str(corpus)])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["answers"] == len(load("themes_probes3_tuning.yaml")) >= 1700
    assert result["main_theme_accuracy"] >= 0.94


def test_third_independent_heldout_half_holds_the_measured_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The held-out half of the third independent corpus, never tuned on, is scored by default:
    61.7 % before round 3, 82.0 % after, 87.2 % with the learned model of round 4 (target
    85 %; the word lists alone still score 82.0 %). The floor catches regressions."""
    corpus = CORPORA / "themes_independent3_heldout.yaml"
    assert "NEVER TUNED ON" in corpus.read_text("utf-8")[:600]
    result = benchmark.main([])
    capsys.readouterr()
    independent = result["independent3_heldout"]
    assert independent["corpus"].endswith("themes_independent3_heldout.yaml")
    assert independent["answers"] == len(load("themes_independent3_heldout.yaml")) == 133
    assert independent["main_theme_accuracy"] >= 0.85


@pytest.mark.parametrize(
    ("name", "answers", "floor"),
    [
        # Half of the fourth corpus: 81.5 % after rounds 5 and 6 (round 6 tuned on the other
        # half and did not move it), 85.2 % after round 7, 89.9 % after rounds 9 and 10.
        ("independent4_heldout", 189, 0.87),
        # The sixth corpus (round 7, by a helper briefed as the external testers, scored whole):
        # 71.2 % before round 7, 82.0 % after it, 86.8 % after rounds 9 and 10.
        ("independent6_heldout", 250, 0.85),
        # The seventh (rounds 9 and 10, the same kind of helper): 87.6 % before, 94.8 % after.
        ("independent7_heldout", 250, 0.92),
    ],
)
def test_independent_heldout_sets_hold_their_measured_floors(
    capsys: pytest.CaptureFixture[str], name: str, answers: int, floor: float
) -> None:
    """The independent held-out sets, never tuned on, are scored by default; the target is 85 %
    (docs/summary.md) and the floors only catch regressions."""
    corpus = CORPORA / f"themes_{name}.yaml"
    assert "NEVER TUNED ON" in corpus.read_text("utf-8")[:600]
    result = benchmark.main([])
    capsys.readouterr()
    independent = result[name]
    assert independent["answers"] == len(load(f"themes_{name}.yaml")) == answers
    assert independent["main_theme_accuracy"] >= floor
