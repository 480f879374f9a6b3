"""The crisis detector's learned component (bot/privacy/safety/model.py): the shipped weights
load quickly, record what they were trained on, add disclosures the lexicons miss on texts
written for this purpose (tests/privacy/crisis_model_probes.yaml, never trained on) when it is
switched on, and keep ordinary answers quiet. It is off by default (see docs/privacy.md)."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.privacy.safety.categories import CATEGORIES
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
from tests.privacy.test_crisis_inversion import QUIET as INVERSION_QUIET
from tests.privacy.test_crisis_structure import QUIET as STRUCTURE_QUIET

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train_crisis_model as train  # noqa: E402

PROBES: list[dict[str, Any]] = yaml.safe_load(
    (HERE / "crisis_model_probes.yaml").read_text(encoding="utf-8")
)


def test_the_model_file_is_small_and_loads_quickly() -> None:
    path = ROOT / "bot" / "privacy" / MODEL_PATH
    assert path.stat().st_size < 1_000_000
    started = time.perf_counter()
    model = parse_model(read_model_data())
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # about 0.15 s measured; generous for a busy test machine
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
    weights = json.dumps(
        {
            k: data[k]
            for k in ("crisis_weights", "category_weights", "crisis_bias", "category_bias")
        },
        sort_keys=True,
    )
    assert hashlib.sha256(weights.encode()).hexdigest() == meta["weights_sha256"]


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
    lexicons_only = Detector(load_detector().lexicons, None)
    before, before_alarms = _recall(lexicons_only.detect)
    after, after_alarms = _recall(_with_model().detect)
    # Measured when the probes were first scored with the shipped model: 46 -> 47 of 54.
    assert before < after
    assert after >= 47 / 54
    assert after_alarms == before_alarms == 0
    text = "i dont see a reason to keep living anymore"
    assert lexicons_only.detect(text, ("en",)) is None
    signal = _with_model().detect(text, ("en",))
    assert signal is not None and signal.primary == "suicide"


def test_switched_on_the_model_never_changes_a_lexicon_signal() -> None:
    for text, language in [("ik wil dood", "nl"), ("mijn vader slaat me", "nl")]:
        lexicon_signal = Detector(load_detector().lexicons, None).detect(text, (language,))
        assert lexicon_signal is not None
        assert _with_model().detect(text, (language,)) == lexicon_signal


def test_switched_on_the_model_keeps_ordinary_texts_quiet() -> None:
    """The quiet texts of the probes and of the lexicon tests stay quiet with the model on
    (the shipped threshold sits just above the highest of them, see the trainer)."""
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
