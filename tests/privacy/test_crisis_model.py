"""The crisis detector's learned component (bot/privacy/safety/model.py): the shipped weights
load quickly, record what they were trained on, add disclosures the lexicons miss on texts
written for this purpose (tests/privacy/crisis_model_probes.yaml, never trained on) when it is
switched on, and keep ordinary answers quiet. It is off by default (see docs/privacy.md)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from bot.privacy.crisis import detect_crisis
from bot.privacy.safety.categories import CATEGORIES
from bot.privacy.safety.concepts import CONCEPTS_PATH, read_concepts
from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.model import (
    ENABLED,
    FEATURE_VERSION,
    MODEL_PATH,
    CrisisModel,
    features,
    load_model,
    parse_model,
    read_model_data,
)
from bot.privacy.safety.normalize import normalize
from tests.privacy.equivalence import a_fixed_third
from tests.privacy.test_crisis_inversion import QUIET as INVERSION_QUIET
from tests.privacy.test_crisis_structure import QUIET as STRUCTURE_QUIET

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train_crisis_model as train  # noqa: E402

PROBES: list[dict[str, Any]] = yaml.safe_load(
    (HERE / "crisis_model_probes.yaml").read_text(encoding="utf-8")
)


def test_the_model_file_is_small_and_loads() -> None:
    """Its size is guarded here; how long it takes to load is start-up time, measured by
    ``python -m benchmarks.startup`` (no timed assertions in tests: the machines are shared;
    a 1.0 s bound here failed at 2.3 s under a loaded CI run)."""
    path = ROOT / "bot" / "privacy" / MODEL_PATH
    # Round 11 (33 files, 12,092 texts): 1.03 MB gzipped; round 14 (42 files, 15,995 texts):
    # 1.24 MB; round 15 (concepts): 1.31 MB; round 16 (50 files, 19,145 texts, a quarter of
    # them Arabic): 1.53 MB, read in the same 0.2 s (docs/privacy.md, "Round 16"); round 17
    # (53 files and the hit head's weights): 1.84 MB (start-up in docs/privacy.md, "Round 17").
    assert path.stat().st_size < 2_000_000
    model = parse_model(read_model_data())
    assert model.crisis_weights and model.category_weights
    assert 0.5 <= model.threshold < 1


def test_the_shipped_detector_asks_the_model() -> None:
    """On by default (docs/privacy.md, "Round 4"): the detector the bot uses carries it."""
    assert ENABLED is True
    model = load_model()
    assert model is not None and load_detector().model is model


def test_the_model_records_its_training_data_and_weights() -> None:
    data = read_model_data()
    assert data["feature_version"] == FEATURE_VERSION
    meta = data["metadata"]
    files = meta["training_files"]
    assert not [name for name in files if "heldout" in name]
    for name, digest in files.items():
        current = hashlib.sha256((HERE / name).read_bytes()).hexdigest()
        assert current == digest, f"{name} changed: run scripts/train_crisis_model.py"
    assert "crisis_model_probes.yaml" not in files
    heads = ("crisis_weights", "category_weights", "crisis_bias", "category_bias")
    heads += ("hit_weights", "hit_bias")  # round 17: the hit head's, when there is one
    weights = json.dumps({k: data[k] for k in heads if k in data}, sort_keys=True)
    assert hashlib.sha256(weights.encode()).hexdigest() == meta["weights_sha256"]


def test_the_trainer_refuses_every_held_out_file() -> None:
    """Round 18 split six held-out corpora: the trainer tells a held-out half from its tuning
    half by the header's mark, not by the number in the name, and trains on no held-out file."""
    heldout = sorted(path.name for path in HERE.glob("crisis_corpus_*heldout.yaml"))
    assert len(heldout) >= 14
    assert all(train.never_trained_on(name) for name in heldout)
    for name in (f"crisis_corpus_independent{n}_heldout.yaml" for n in range(6, 15)):
        # Marked inside too: a copy under another name is refused as well.
        assert "NEVER TUNED ON" in (HERE / name).read_text(encoding="utf-8")[:2000]
    assert not [name for name in train.TRAINING if train.never_trained_on(name)]
    assert {f"crisis_corpus_independent{n}_tuning.yaml" for n in range(6, 12)} <= set(
        train.TRAINING
    )


@pytest.mark.parametrize("number", range(6, 12))
def test_a_split_corpus_halves_share_no_text_and_keep_every_text(number: int) -> None:
    """Each of the independent corpora 6-11 was 200 disclosures and 200 ordinary texts, 400 in
    all; after the split (round 18) its tuning half and held-out half together still are, and
    no text of the held-out half is in its tuning half. The held-out half is the larger one
    (odd groups give it the extra text) and covers every language and category."""
    halves = [
        yaml.safe_load((HERE / f"crisis_corpus_independent{number}_{part}.yaml").read_text("utf-8"))
        for part in ("tuning", "heldout")
    ]
    tuning, heldout = halves
    assert len(tuning) + len(heldout) == 400
    assert sum(case["crisis"] for half in halves for case in half) == 200
    assert len(tuning) <= len(heldout) <= len(tuning) + 30
    assert not {case["text"] for case in heldout} & {case["text"] for case in tuning}
    kinds = {(case["lang"], case["category"]) for case in tuning + heldout}
    assert kinds == {(case["lang"], case["category"]) for case in heldout}


def test_the_probe_texts_are_new() -> None:
    meta = read_model_data()["metadata"]
    trained_on = set()
    for name in meta["training_files"]:
        trained_on |= {c["text"] for c in yaml.safe_load((HERE / name).read_text("utf-8"))}
    assert not {case["text"] for case in PROBES} & trained_on
    assert {case["lang"] for case in PROBES if case["crisis"]} == {"nl", "en", "tr", "ar", "pl"}
    assert {case["category"] for case in PROBES if case["crisis"]} == set(CATEGORIES)


@cache
def _with_model() -> Detector:
    return Detector(load_detector().lexicons, parse_model(read_model_data()))


def _recall(detect: Any) -> tuple[float, float]:
    positives = [c for c in PROBES if c["crisis"]]
    negatives = [c for c in PROBES if not c["crisis"]]
    hits = 0
    for case in positives:
        signal = detect(case["text"], (case["lang"],))
        hits += bool(signal and case["category"] in signal.categories)
    alarms = sum(detect(c["text"], (c["lang"],)) is not None for c in negatives)
    return hits / len(positives), alarms / len(negatives)


def test_switched_on_the_model_adds_disclosures_the_lexicons_miss() -> None:
    """Measured on the two newest independent corpora, never trained or tuned on (the probes
    are too few: round 7's model added one of their 54 disclosures, "i dont see a reason to keep
    living anymore", which the English lexicon catches since round 10; round 10's model puts
    the six the lexicons still miss at 0.69-0.85, under its threshold 0.862). Round 10: the
    model adds 34 disclosures of independent6 and 24 of independent7, and no false alarm; round
    11: 37, 26 and 37 of independent8, still none; round 12 (lexicon frames): 32, 26 and 33 of
    those three and 40 of independent9, none."""
    lexicons_only = Detector(load_detector().lexicons, None)
    before, before_alarms = _recall(lexicons_only.detect)
    after, after_alarms = _recall(_with_model().detect)
    assert after >= before >= 47 / 54
    assert after_alarms == before_alarms == 0
    for name, at_least in (
        # Round 18: the held-out halves (round 17's model added 22, 20, 26, 24; round 18's 23,
        # 19, 27, 25 and one false alarm on independent9's half).
        ("independent6", 20),
        ("independent7", 16),
        ("independent8", 23),
        ("independent9", 21),
    ):
        cases = yaml.safe_load((HERE / f"crisis_corpus_{name}_heldout.yaml").read_text("utf-8"))
        added = alarms = 0
        for case in cases:
            if lexicons_only.detect(case["text"], (case["lang"],)) is None:
                fired = _with_model().detect(case["text"], (case["lang"],)) is not None
                added += fired and case["crisis"]
                alarms += fired and not case["crisis"]
        assert added >= at_least, name
        assert alarms <= 2, name


def test_switched_on_the_model_never_changes_a_lexicon_signal() -> None:
    for text, language in [("ik wil dood", "nl"), ("mijn vader slaat me", "nl")]:
        lexicon_signal = Detector(load_detector().lexicons, None).detect(text, (language,))
        assert lexicon_signal is not None
        assert _with_model().detect(text, (language,)) == lexicon_signal


def test_switched_on_the_model_keeps_ordinary_texts_quiet() -> None:
    """The quiet texts of the probes and of the lexicon tests stay quiet with the model on
    (round 7: taught by hard negatives in the training material, not by a raised threshold)."""
    quiet = [(c["text"], c["lang"]) for c in PROBES if not c["crisis"]]
    quiet += [*INVERSION_QUIET, *STRUCTURE_QUIET]
    model = _with_model()
    assert [text for text, language in quiet if model.detect(text, (language,))] == []


def test_the_trainer_is_deterministic() -> None:
    examples = train.load_examples(["crisis_model_training.yaml"])
    first, second = train.fit(examples), train.fit(examples)
    assert first.vocabulary == second.vocabulary
    assert (first.crisis_w == second.crisis_w).all()
    assert (first.category_w == second.category_w).all()


def test_the_folds_fitted_in_parallel_are_the_folds_fitted_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Round 16: the leave-one-corpus-out fits run in worker processes; the models come back
    in the files' order with the same weights, so the shipped file does not depend on it."""
    examples = train.load_examples(["crisis_model_training.yaml", "crisis_probes3.yaml"])
    sources = ["crisis_model_training.yaml", "crisis_probes3.yaml"]
    monkeypatch.setattr(train, "WORKERS", 1)
    one_by_one = train._fold_models(examples, sources, train.L2, train.MIN_DF)
    monkeypatch.setattr(train, "WORKERS", 2)
    parallel = train._fold_models(examples, sources, train.L2, train.MIN_DF)
    assert len(parallel) == len(sources) == 2
    for a, b in zip(one_by_one, parallel, strict=True):
        assert a.vocabulary == b.vocabulary
        assert (a.crisis_w == b.crisis_w).all() and a.crisis_b == b.crisis_b
        assert (a.category_w == b.category_w).all()
    # Each fold is the model of the other files: the first fold's is fitted on the second file.
    without_first = train.fit([e for e in examples if e.source != sources[0]])
    assert parallel[0].vocabulary == without_first.vocabulary
    assert (parallel[0].crisis_w == without_first.crisis_w).all()


def test_a_model_that_fails_the_pinned_tests_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trainer puts the previous model back when the new one fails the gate (round 12's
    retrain fired on two pinned ordinary texts and was only caught by the full suite)."""
    shipped = tmp_path / "crisis_model.json.gz"
    shipped.write_bytes(b"previous")
    monkeypatch.setattr(train, "OUTPUT", shipped)
    candidate = {"threshold": 0.5, "metadata": {}}
    assert train.write_gated(candidate, lambda: False) == 1
    assert shipped.read_bytes() == b"previous"
    assert json.loads(gzip.decompress(train.refused().read_bytes())) == candidate
    assert train.write_gated(candidate, lambda: True) == 0
    assert json.loads(gzip.decompress(shipped.read_bytes())) == candidate


def test_the_gate_runs_the_tests_that_pin_texts_to_the_detector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[list[str]] = []

    def run(command: list[str], **_: Any) -> Any:
        ran.append(command)
        return type("Done", (), {"returncode": 1})()

    monkeypatch.setattr(train.subprocess, "run", run)
    assert train.passes_gate() is False
    assert ran and ran[0][1:3] == ["-m", "pytest"] and "tests/privacy" in ran[0]


def test_features_are_word_bounded_character_grams_words_and_word_pairs() -> None:
    found = features(normalize("Ik wil DOOOD!", clauses=True))
    assert {"w:ik", "w:wil", "w:dod", "b:ik wil", "b:wil dod", " d", "dod ", " dod "} <= found
    assert not any("|" in feature for feature in found)
    assert "k w" not in found  # character grams stay inside one word


def _toy(category_rows: dict[str, list[float]]) -> CrisisModel:
    return CrisisModel(
        crisis_weights={"w:x": 10.0},
        crisis_bias=0.0,
        threshold=0.7,
        category_weights=category_rows,
        category_bias=[0.0] * len(CATEGORIES),
        category_floor=0.5,
        plausible=0.25,
        metadata={},
    )


def test_an_unsure_category_falls_back_to_every_plausible_one() -> None:
    # "x" alone has 8 features; its weights decide the scores after dividing by sqrt(8).
    sure = _toy({"w:x": [0, 0, 0, 0, 30, 0]})
    assert sure.categories("x") == {"abuse"}
    unsure = _toy({"w:x": [0, 0, 0, 0, 9, 9]})  # abuse and unsafe home equally likely
    assert unsure.categories("x") == {"abuse", "unsafe_home"}
    assert not unsure.categories("y"), "the crisis head does not fire on an unknown word"


def test_the_threshold_is_the_cross_validated_one_without_a_floor() -> None:
    """Round 7: the shipped threshold is the whole detector's cross-validated one at the false-
    alarm budget, not raised to 0.97 above a few quiet sentences."""
    data = read_model_data()
    meta = data["metadata"]
    assert "threshold_floor" not in meta["hyperparameters"]
    assert data["threshold"] == meta["cross_validation"]["threshold"] < 0.97
    cv = meta["cross_validation"]
    assert cv["false_alarms"] <= cv["lexicons_false_alarms"] + train.MODEL_FALSE_ALARMS + 1e-4
    for name in (
        "crisis_corpus_train7a_tuning.yaml",
        "crisis_corpus_train7b_tuning.yaml",
        "crisis_corpus_train7c_tuning.yaml",
    ):
        assert name in meta["training_files"]


def test_the_threshold_counts_the_lexicons_false_alarms() -> None:
    """The budget is for the whole detector: the lexicons' own false alarms use part of it,
    and a text a lexicon already fires on is not the model's to count."""
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    negatives = np.ones(10, dtype=bool)
    no_lexicon = np.zeros(10, dtype=bool)
    # 20 % of ten negatives: two may fire, so the threshold lies just above the third highest.
    assert 0.7 < train.threshold_for(scores, negatives, no_lexicon, 0.2) <= 0.8
    lexicon = no_lexicon.copy()
    lexicon[0] = True  # the lexicons raise one false alarm: one left for the model
    assert 0.7 < train.threshold_for(scores, negatives, lexicon, 0.2) <= 0.8 + 1e-9
    lexicon[1] = True  # two: none left for the model
    threshold = train.threshold_for(scores, negatives, lexicon, 0.2)
    assert threshold > 0.7 and not (scores[~lexicon] >= threshold).any()


def test_the_false_alarms_a_veto_quiets_are_the_models_to_spend() -> None:
    """Round 15: with a shipped veto the budget stays the lexicons' own false alarms plus the
    model's share, so each lexicon false alarm the veto drops lets the model fire once more.
    Round 17: the model reads a vetoed text as any other (a veto asks for a score below the
    threshold, so it never fires there); here the vetoed text scores 0.05."""
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    negatives = np.ones(10, dtype=bool)
    lexicon = np.zeros(10, dtype=bool)
    lexicon[[0, 9]] = True  # the lexicons raise two false alarms (20 %)
    nothing = np.zeros(10, dtype=bool)
    # A budget of 30 %: the lexicons' two and one more from the model (0.8 fires, 0.7 not).
    without = train.threshold_for(scores, negatives, lexicon, 0.3, nothing)
    assert without == train.threshold_for(scores, negatives, lexicon, 0.3)
    assert 0.7 < without <= 0.8
    vetoed = nothing.copy()
    vetoed[9] = True  # the veto drops one lexicon false alarm: the model may fire twice
    assert 0.6 < train.threshold_for(scores, negatives, lexicon, 0.3, vetoed) <= 0.7


# Written for round 7 (not taken from any corpus): everyday texts like the hard negatives in
# crisis_model_training.yaml but not among them; quiet with the model on.
NEW_QUIET: list[tuple[str, str]] = [
    ("ik wil niet meer naar de tandarts, die doet altijd pijn", "nl"),
    ("ik wil niet meer op hockey, ik ga liever zwemmen", "nl"),
    ("niemand heeft me op mijn verjaardag gebeld, wel veel appjes gehad", "nl"),
    ("mijn ex stuurt me nog steeds verjaardagskaartjes, een beetje raar", "nl"),
    ("ik ga dood van het lachen om die meme", "nl"),
    ("ik heb mijn personage in de game laten doodgaan om opnieuw te beginnen", "nl"),
    ("i want to end this match quickly, i'm so tired", "en"),
    ("nobody called me back about the job, kind of annoying", "en"),
    ("i'm dead tired after practice", "en"),
    ("artık piyano dersine gitmek istemiyorum", "tr"),
    ("nie chcę już chodzić na basen, wolę piłkę", "pl"),
    ("ما بدي روح عالنادي بعد اليوم", "ar"),
]

# Written for round 7 (not in any training file): disclosures neither the lexicons nor the
# round-6 model (threshold floor 0.97) recognised, which the round-7 model does. Of eleven such
# texts written for this check, the round-7 model caught these three; the other eight (a
# pencil-sharpener blade, marks on the thighs, "soon nobody will have to deal with me", an
# Arabic suicide hint, the mother's boyfriend walking in on the shower, ...) it misses too.
NEW_DISCLOSURES: list[tuple[str, str, str]] = [
    ("ik sta vaak op het perron en denk dan aan stappen", "nl", "suicide"),
    (
        "thuis krijg ik een tik als ik iets fout doe, soms met de slipper, en dan mag ik niks zeggen",
        "nl",
        "abuse",
    ),
    ("بخاف أرجع عالبيت، أبوي بيرجع سكران وبيكسر كل شي", "ar", "unsafe_home"),
]


def test_everyday_texts_like_the_hard_negatives_stay_quiet() -> None:
    trained = {
        c["text"] for c in yaml.safe_load((HERE / "crisis_model_training.yaml").read_text("utf-8"))
    }
    assert not {text for text, _ in NEW_QUIET} & trained
    model = _with_model()
    assert [text for text, language in NEW_QUIET if model.detect(text, (language,))] == []


def test_the_hard_negatives_are_in_the_training_material() -> None:
    text = (HERE / "crisis_model_training.yaml").read_text("utf-8")
    assert "HARD NEGATIVES" in text
    cases = yaml.safe_load(text)
    for sentence in (
        "ik wil niet meer naar school, het is zo saai daar",
        "i quit this game, my team keeps feeding",
    ):
        assert {"text": sentence, "crisis": False}.items() <= next(
            c for c in cases if c["text"] == sentence
        ).items()


def test_disclosures_the_round_six_model_missed_now_fire() -> None:
    lexicons_only = Detector(load_detector().lexicons, None)
    trained: set[str] = set()
    for name in read_model_data()["metadata"]["training_files"]:
        trained |= {c["text"] for c in yaml.safe_load((HERE / name).read_text("utf-8"))}
    model = _with_model()
    for text, language, category in NEW_DISCLOSURES:
        assert text not in trained
        assert lexicons_only.detect(text, (language,)) is None, text
        signal = model.detect(text, (language,))
        assert signal is not None, text
        assert category in signal.categories, text


def test_weights_scaled_per_text_score_as_weights_scaled_when_read() -> None:
    """The shipped weights stay integers and are scaled per text (a faster start); each text
    of a fixed third of the tuning corpora (``tests/privacy/equivalence.py``;
    ``SAMENSPRAAK_ALL_TEXTS=1`` for all) gets the probability (to 1e-12) and categories of the
    weights scaled one by one when the file is read, as before."""
    data = read_model_data()
    shipped = parse_model(data)
    scale = float(data["scale"])
    reference = dataclasses.replace(
        shipped,
        crisis_weights={f: w * scale for f, w in data["crisis_weights"].items()},
        category_weights={
            f: [w * scale for w in row] for f, row in data["category_weights"].items()
        },
        scale=1.0,
    )
    texts = [
        normalize(text, clauses=True)
        for text in a_fixed_third(
            [
                case["text"]
                for path in sorted(HERE.glob("crisis_corpus_*_tuning.yaml"))
                for case in yaml.safe_load(path.read_text(encoding="utf-8"))
            ]
        )
    ]
    assert len(texts) > 4000
    for text in texts:
        assert abs(shipped.crisis_probability(text) - reference.crisis_probability(text)) < 1e-12
        assert shipped.categories(text) == reference.categories(text)


def test_numbers_alone_never_make_a_message_a_disclosure() -> None:
    """Ages are frequent in disclosures ("ik ben 13 en ..."); a model that learnt "13" flagged a
    flood of "bericht 13" messages as suicide. Numbers are not features."""
    assert not any(detect_crisis(f"bericht {n}", ("nl",)) for n in range(1000))
    assert not any(detect_crisis(f"ik ben {n} jaar", ("nl",)) for n in range(1, 100))
    assert features(normalize("ik ben 13", clauses=True)) == features(
        normalize("ik ben", clauses=True)
    )


def test_the_table_of_known_words_changes_no_score() -> None:
    """The model keeps each word's weighed features; a text scores exactly (==, not to a
    tolerance) what the sum over its features gives, whether its words are new or known, and
    with weights as stored (integers) or scaled when read (floats); over a fixed third of the
    tuning corpora's texts (``SAMENSPRAAK_ALL_TEXTS=1`` for all)."""
    data = read_model_data()
    shipped = parse_model(data)
    scaled = dataclasses.replace(
        shipped,
        crisis_weights={f: w * shipped.scale for f, w in data["crisis_weights"].items()},
        scale=1.0,
    )
    texts = [
        normalize(text, clauses=True)
        for text in a_fixed_third(
            [
                case["text"]
                for path in sorted(HERE.glob("crisis_corpus_*_tuning.yaml"))
                for case in yaml.safe_load(path.read_text(encoding="utf-8"))
            ]
        )
    ]
    texts += [text.replace(" ", "") for text in texts[:500]] + ["", "|", "13 | 14", "x"]
    for model in (shipped, scaled):
        assert model._words == {}  # a replaced model does not share the table
        for round_ in range(2):  # new words, then known ones
            for text in texts:
                # The sum over its features, the concepts' included.
                expected = model._crisis_probability(features(text, model.concepts))
                assert model.crisis_probability(text) == expected, (round_, text)
        assert model._words
        model.forget_words()
        assert model._words == {}


def test_the_model_carries_the_concepts_it_was_trained_with() -> None:
    """Round 15: the model file holds the table of concepts its ``c:``/``cc:`` weights were
    trained with; a changed ``crisis_concepts.yaml`` fails here until the model is retrained."""
    data = read_model_data()
    source = ROOT / "bot" / "privacy" / CONCEPTS_PATH
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert data["metadata"]["concepts_sha256"] == digest, "run scripts/train_crisis_model.py"
    shipped = parse_model(data).concepts
    assert shipped is not None and shipped.to_data() == read_concepts().to_data()
    assert any(feature.startswith("cc:") for feature in data["crisis_weights"])
