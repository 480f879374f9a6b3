"""The hit head's veto (round 17, docs/privacy.md): a second logistic model, trained only on the
texts a lexicon fires on, drops a lexicon signal it finds improbable, on a text long enough to
show context and with no earnest word; the model below still reads the text afterwards.

The guards are tested on a head with made-up weights (what the detector does with any head);
what the shipped head quiets and spares is tested on the training files' texts and on an attack
written against it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.model import CrisisModel, parse_model, read_model_data, words_in
from scripts import train_crisis_model as train

HERE = Path(__file__).parent

# Long enough (at least eight words), a lexicon fires on it, and the shipped model alone
# does not: the head's veto decides.
HYPERBOLE = "bro ik ga letterlijk dood als ajax weer verliest"


def _shipped() -> tuple[Detector, CrisisModel]:
    detector = load_detector()
    assert detector.model is not None
    return detector, detector.model


def _with_head(model: CrisisModel, weight: float, **changes: object) -> Detector:
    """The shipped detector with a head that weighs every word of HYPERBOLE by ``weight``
    (stored integers times the model's scale) and vetoes below one half."""
    words = {f"w:{word}": round(weight / model.scale) for word in HYPERBOLE.split()}
    head = dataclasses.replace(
        model,
        hit_weights=words,
        hit_bias=0.0,
        hit_veto=0.5,
        hit_min_words=8,
        hit_model_ceiling=0.3,
        **changes,  # type: ignore[arg-type]
    )
    return Detector(load_detector().lexicons, head)


def test_a_head_that_finds_a_signal_improbable_drops_it() -> None:
    detector, model = _shipped()
    lexicons_only = Detector(detector.lexicons, None)
    assert lexicons_only.detect(HYPERBOLE, ("nl",)) is not None
    assert dataclasses.replace(model, hit_veto=None).categories(HYPERBOLE) == set()
    assert _with_head(model, -5.0).detect(HYPERBOLE, ("nl",)) is None
    # A head that finds it probable keeps the lexicon's signal.
    kept = _with_head(model, 5.0).detect(HYPERBOLE, ("nl",))
    assert kept == lexicons_only.detect(HYPERBOLE, ("nl",))


def test_a_short_text_is_never_vetoed_by_the_head() -> None:
    """A few words hold no context that could show a joke or a topic."""
    _, model = _shipped()
    vetoing = _with_head(model, -5.0)
    for text in ("ik ga dood", "ik ga letterlijk dood als ajax verliest"):
        assert words_in(text) < 8
        assert vetoing.detect(text, ("nl",)) is not None, text


def test_an_earnest_word_keeps_the_signal() -> None:
    _, model = _shipped()
    vetoing = _with_head(model, -5.0)
    for text in (
        HYPERBOLE + " en dat is geen grap",
        HYPERBOLE + ", ik meen het",
        HYPERBOLE + " serieus",
    ):
        assert vetoing.detect(text, ("nl",)) is not None, text


def test_a_text_the_crisis_head_finds_probable_keeps_its_signal() -> None:
    """Both models must find it improbable: a head at -5 drops nothing where the crisis head
    scores the text at the ceiling or above."""
    detector, model = _shipped()
    sure = _with_head(model, -5.0, crisis_weights={}, crisis_bias=0.0)  # 0.5 everywhere
    lexicons_only = Detector(detector.lexicons, None)
    assert sure.detect(HYPERBOLE, ("nl",)) == lexicons_only.detect(HYPERBOLE, ("nl",))


def test_no_head_no_veto() -> None:
    _, model = _shipped()
    vetoing = _with_head(model, -5.0)
    assert vetoing.model is not None
    without = Detector(vetoing.lexicons, dataclasses.replace(vetoing.model, hit_veto=None))
    assert without.detect(HYPERBOLE, ("nl",)) is not None


def test_a_hit_veto_that_is_no_probability_is_refused() -> None:
    data = read_model_data()
    data["hit_veto"] = 1.5
    with pytest.raises(ValueError, match="hit veto"):
        parse_model(data)
    data["hit_veto"], data["hit_model_ceiling"] = 0.1, data["threshold"] + 0.01
    with pytest.raises(ValueError, match="ceiling"):
        parse_model(data)


def _examples(rows: list[tuple[bool, bool, int, bool]]) -> list[train.Example]:
    """(crisis, lexicon, words, earnest) per text."""
    return [
        train.Example(
            f"t{i}",
            "nl",
            crisis,
            "suicide" if crisis else None,
            "f",
            frozenset(),
            lexicon,
            "phrase" if lexicon else None,
            False,
            words,
            earnest,
        )
        for i, (crisis, lexicon, words, earnest) in enumerate(rows)
    ]


def test_the_trainer_chooses_the_largest_veto_within_the_recall_loss() -> None:
    """Ten lexicon hits of ten words: the head scores the ordinary ones low; one disclosure
    scores 0.12. The largest veto of the grid that loses no disclosure (a hit is dropped below it) (the limit is far below
    one in ten) is the last below 0.12; short and earnest hits are never eligible."""
    rows = [(False, True, 10, False)] * 4 + [(True, True, 10, False)] * 6
    rows += [(False, True, 3, False), (False, True, 10, True)]
    examples = _examples(rows)
    hit = np.array([0.02, 0.05, 0.08, 0.2, 0.12, 0.9, 0.9, 0.9, 0.9, 0.9, 0.01, 0.01])
    model = np.zeros(len(rows))
    vetoed = np.zeros(len(rows), dtype=bool)
    decision = train.evaluate_hit_veto(examples, model, hit, 0.8, vetoed)
    assert decision["veto"] == max(v for v in train.HIT_VETO_GRID if v <= 0.12)
    dropped = train.hit_vetoed(examples, model, hit, decision["veto"], vetoed)
    assert dropped.tolist() == [True, True, True] + [False] * 9


def test_the_trainer_spares_what_the_crisis_head_finds_probable() -> None:
    """A disclosure the hit head scores low but the crisis head at the ceiling or above is never
    eligible: the veto may rise past it."""
    rows = [(False, True, 10, False), (True, True, 10, False), (True, True, 10, False)]
    examples = _examples(rows)
    hit = np.array([0.2, 0.1, 0.9])
    vetoed = np.zeros(3, dtype=bool)
    low = train.evaluate_hit_veto(examples, np.zeros(3), hit, 0.8, vetoed)
    ceiling = train.HIT_MODEL_CEILING
    spared = train.evaluate_hit_veto(examples, np.array([0.0, ceiling, 0.0]), hit, 0.8, vetoed)
    assert low["veto"] == max(v for v in train.HIT_VETO_GRID if v <= 0.1)
    assert spared["veto"] == max(train.HIT_VETO_GRID)  # the other one scores 0.9


def test_the_shipped_hit_veto_is_the_cross_validated_decision() -> None:
    """Round 17: the trainer's leave-one-corpus-out run accepted 0.1 over 53 files (nested: two
    indirect disclosures lost, 79 false alarms quieted) and the file carries what it chose."""
    data = read_model_data()
    decision = data["metadata"]["hit_cross_validation"]
    assert decision["accepted"] and data["hit_veto"] == decision["veto"] is not None
    assert data["hit_min_words"] == train.HIT_MIN_WORDS == 8
    assert data["hit_model_ceiling"] == train.HIT_MODEL_CEILING < data["threshold"]
    rules = data["metadata"]["hyperparameters"]
    assert rules["hit_veto_max_recall_loss"] <= 0.0003
    assert max(rules["hit_veto_grid"]) <= 0.1
    assert decision["lost"] <= 2 and decision["quieted"] >= 50


def _without_head() -> tuple[Detector, Detector]:
    detector, model = _shipped()
    return detector, Detector(detector.lexicons, dataclasses.replace(model, hit_veto=None))


# Disclosures the head must leave alone: the explicit ones the unscoped veto silenced, long
# explicit ones a head with a higher veto silenced out of fold, and present-moment ones.
SPARED = [
    ("ik wil heeeel graag dood", "nl"),
    ("zaterdag ga ik naar het spoor achter de school. dan is het over", "nl"),
    ("i wish i was dead", "en"),
    ("my 13 year old said she wishes she was dead", "en"),
    (
        "we moved here from syria 3 years ago and dutch school is hard but the worst part is my "
        "father, he beats me and my brothers when he is angry about work, my mother cries but "
        "cant do anything",
        "en",
    ),
    (
        "i used to be suicidal but i'm over it now lol. except i'm standing on the roof of my "
        "building rn",
        "en",
    ),
    ("haha ik zeg altijd als grap dat ik dood wil maar eerlijk gezegd is het geen grap meer", "nl"),
]


def test_the_shipped_head_spares_explicit_disclosures() -> None:
    detector, without = _without_head()
    for text, language in SPARED:
        assert without.detect(text, (language,)) is not None, text
        assert detector.detect(text, (language,)) == without.detect(text, (language,)), text


def test_the_shipped_head_quiets_hyperbole_of_the_training_files() -> None:
    """Ordinary texts of the training files a lexicon fires on and no frame covers: a football
    loss, a school in Syria long ago; and at least a dozen hard ordinary texts of the round-17
    tester's file."""
    detector, without = _without_head()
    for text, language in (
        (HYPERBOLE, "nl"),
        ("في سوريا كانوا يضربونا بالمدرسة، هون لا الحمد لله", "ar"),
    ):
        assert without.detect(text, (language,)) is not None, text
        assert detector.detect(text, (language,)) is None, text
    cases = yaml.safe_load((HERE / "crisis_corpus_train17c_tuning.yaml").read_text("utf-8"))
    quieted = [
        c["text"]
        for c in cases
        if not c["crisis"]
        and without.detect(c["text"], (c["lang"],)) is not None
        and detector.detect(c["text"], (c["lang"],)) is None
    ]
    assert len(quieted) >= 12


@pytest.mark.parametrize(
    ("corpus", "found_at_least", "silenced_at_most"),
    [
        # Written against the head (round 17): 200 disclosures dressed as jokes, lessons,
        # homework, sport or the past; of the 117 a lexicon finds the head silenced two, then one
        # once "rn"/"right now"/"şu an" took the distance back (frames.earnest).
        ("crisis_corpus_adversarial_hit17_tuning.yaml", 110, 1),
        # Written against the framed veto (rounds 12 and 16): the head silences none.
        ("crisis_corpus_adversarial_framed_tuning.yaml", 90, 0),
        ("crisis_corpus_adversarial_framed16_tuning.yaml", 85, 0),
    ],
)
def test_the_shipped_head_spares_the_attacks_on_it(
    corpus: str, found_at_least: int, silenced_at_most: int
) -> None:
    detector, without = _without_head()
    cases = yaml.safe_load((HERE / corpus).read_text(encoding="utf-8"))
    found = [c for c in cases if c["crisis"] and without.detect(c["text"], (c["lang"],))]
    silenced = [c["text"] for c in found if detector.detect(c["text"], (c["lang"],)) is None]
    assert len(found) >= found_at_least
    assert len(silenced) <= silenced_at_most, silenced
