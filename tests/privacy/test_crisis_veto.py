"""The learned model's veto on lexicon signals (docs/privacy.md, "Safety", round 9).

A lexicon fires on hyperbole and topic talk with a death or violence word ("ik ga letterlijk
dood als ajax weer verliest"). A veto lets the model drop such a signal when it finds the
text unlikely to be a disclosure. Whether there is one, and at which probability, is decided
by the trainer's leave-one-corpus-out cross-validation (scripts/train_crisis_model.py,
``evaluate_veto``); the detector honours what the shipped data says. These tests name texts of
the training files, as a user would see them: what a veto quiets, what it must never quiet.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.model import parse_model, read_model_data
from scripts.train_crisis_model import VETO_SHIPS, shipped_veto

HERE = Path(__file__).parent

# Ordinary texts of the training files that a lexicon fires on (hyperbole, topic talk).
HYPERBOLE = [
    ("bro ik ga letterlijk dood als ajax weer verliest", "nl", "independent5"),
    (
        "mijn moeder betrapte me om 3 uur 's nachts met mijn telefoon, een week kwijt haha",
        "nl",
        "train7c",
    ),
    ("we learned about sextortion scams in class, scary how common it is", "en", "train8b"),
    ("my little brother punched me over the xbox lol we're fine now", "en", "train7b"),
]
# Disclosures of the training files that a lexicon fires on and that a veto must leave alone.
CRISIS = [
    ("ik wil dood ik meen het", "nl", ""),
    ("mijn vader slaat mij als hij dronken is", "nl", ""),
    ("i wish i was dead", "en", ""),
    ("أريد الموت", "ar", ""),
    ("ölmek istiyorum", "tr", ""),
]


def _in_file(text: str, corpus: str, crisis: bool) -> None:
    """``text`` is in the training file ``crisis_corpus_<corpus>_tuning.yaml`` ("": the first
    corpus's, ``crisis_corpus_tuning.yaml``), labelled as said."""
    name = f"crisis_corpus_{corpus}_tuning.yaml" if corpus else "crisis_corpus_tuning.yaml"
    cases = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    assert any(c["text"] == text and bool(c["crisis"]) is crisis for c in cases), text


def _cv_veto() -> float:
    """The veto the cross-validation chose (whether or not it was accepted)."""
    veto = read_model_data()["metadata"]["veto_cross_validation"]["all"]["veto"]
    assert veto is not None
    return float(veto)


def test_the_shipped_veto_is_the_cross_validated_decision() -> None:
    """What the cross-validation decided: the framed scope's veto when the rule accepted it
    (round 12), the unscoped one never while ``VETO_SHIPS`` is False."""
    data = read_model_data()
    decisions = data["metadata"]["veto_cross_validation"]
    assert "all" in decisions
    # Round 15: the framed scope accepted (0.4: two disclosures lost and 55 false alarms
    # quieted out of fold over 44 files), and shipped.
    framed = decisions["framed"]
    assert framed["accepted"] and data["veto_scope"] == "framed"
    expected = (framed["veto"], "framed") if framed["accepted"] else (None, "all")
    assert (data["veto"], data.get("veto_scope", "all")) == expected == shipped_veto(decisions)
    rules = data["metadata"]["hyperparameters"]
    assert rules["veto_max_recall_loss"] <= 0.005
    assert rules["veto_min_false_alarm_drop"] >= 0.005


def _highest_framed_veto() -> Detector:
    """The shipped detector with a framed veto as high as it may be (the model's threshold)."""
    detector = load_detector()
    assert detector.model is not None
    highest = dataclasses.replace(
        detector.model, veto=detector.model.threshold, veto_scope="framed", hit_veto=None
    )
    return Detector(detector.lexicons, highest)


def test_a_framed_veto_never_silences_a_disclosure_without_a_frame() -> None:
    """However high the veto (up to the model's own threshold, the most it may be), a text
    without a distancing frame keeps its lexicon signal: the explicit disclosures the unscoped
    veto silenced, recent or ongoing abuse told with a past tense or a game, and disclosures
    with a laugh (gallows humour; a laugh is no frame)."""
    vetoing = _highest_framed_veto()
    lexicons_only = Detector(load_detector().lexicons, None)
    unframed = [
        *EXPLICIT,
        *((text, language) for text, language, _ in CRISIS),
        ("twee weken geleden heeft hij me verkracht", "nl"),
        ("een man op roblox wil dat ik fotos stuur zonder kleren", "nl"),
        ("ze zegt dat het de kat was maar we hebben geen kat, ze snijdt zichzelf", "nl"),
        ("haha ik wil gewoon dood", "nl"),
        ("ik heb pillen gespaard haha, dan is het klaar", "nl"),
        ("ik snij mezelf lol 💀", "nl"),
        ("i want to die lol", "en"),
    ]
    for text, language in unframed:
        assert lexicons_only.detect(text, (language,)) is not None, text
        assert vetoing.detect(text, (language,)) == lexicons_only.detect(text, (language,)), text


def test_a_framed_veto_quiets_framed_hyperbole_only() -> None:
    """The same highest veto, scoped to frames: the hyperbole and topic talk of the training
    files with a lesson or a game loses its lexicon signal; the texts without a frame (a
    football club, a laugh) keep it: the price of the scope."""
    vetoing = _highest_framed_veto()
    unframed, framed_texts = HYPERBOLE[:2], HYPERBOLE[2:]
    for text, _, name in HYPERBOLE:
        _in_file(text, name, crisis=False)
    for text, language, _ in framed_texts:
        assert vetoing.detect(text, (language,)) is None, text
    for text, language, _ in unframed:
        assert vetoing.detect(text, (language,)) is not None, text


def test_an_unknown_veto_scope_is_refused() -> None:
    data = read_model_data()
    data["veto_scope"] = "some"
    with pytest.raises(ValueError, match="scope"):
        parse_model(data)


# Explicit disclosures the rest of the suite requires to fire (test_crisis.py,
# test_crisis_inversion.py); none of them is in a training file.
EXPLICIT = [
    ("ik wil heeeel graag dood", "nl"),
    ("ik heb geen toekomst, dat weet ik gewoon", "nl"),
    ("ik wil gewoon voor altijd weg", "nl"),
    ("zaterdag ga ik naar het spoor achter de school. dan is het over", "nl"),
]


def test_no_veto_ships_while_the_accepted_one_silences_explicit_disclosures() -> None:
    """Round 11: the rule accepted an unscoped veto (0.15; pooled nested recall -0.49 points,
    false alarms -1.19 points), and it silenced these; round 12's (refused) retrain accepted
    0.15 again, which silenced three of the four. Unscoped vetoes are not shipped (``VETO_SHIPS``) while
    that holds (the framed one is, see below); when it stops holding, this fails and the
    decision can be taken again."""
    assert VETO_SHIPS is False
    detector = load_detector()
    assert detector.model is not None
    assert detector.model.veto is None or detector.model.veto_scope == "framed"
    unscoped = dataclasses.replace(detector.model, veto=_cv_veto(), veto_scope="all", hit_veto=None)
    vetoing = Detector(detector.lexicons, unscoped)
    for text, language in EXPLICIT:
        assert detector.detect(text, (language,)) is not None, text
    silenced = [text for text, language in EXPLICIT if vetoing.detect(text, (language,)) is None]
    # Round 12: all but "ik wil gewoon voor altijd weg"; round 17 (0.2 over 53 files): two.
    assert len(silenced) >= 2, silenced


def test_a_veto_above_the_threshold_is_refused() -> None:
    data = read_model_data()
    data["veto"] = data["threshold"] + 0.01
    with pytest.raises(ValueError, match="veto"):
        parse_model(data)


def test_the_shipped_veto_quiets_framed_hyperbole_and_keeps_disclosures() -> None:
    """Round 15 ships the framed veto the cross-validation accepted: the training files' topic
    talk and game hyperbole with a frame loses its lexicon signal, the disclosures keep theirs."""
    detector = load_detector()
    assert detector.model is not None
    assert detector.model.veto is not None and detector.model.veto_scope == "framed"
    lexicons_only = Detector(detector.lexicons, None)
    for text, language, name in HYPERBOLE[2:]:  # a lesson, a game
        _in_file(text, name, crisis=False)
        assert lexicons_only.detect(text, (language,)) is not None, text
        assert detector.detect(text, (language,)) is None, text
    for text, language, name in CRISIS:
        _in_file(text, name, crisis=True)
        assert lexicons_only.detect(text, (language,)) is not None, text
        assert detector.detect(text, (language,)) == lexicons_only.detect(text, (language,)), text


def test_the_shipped_veto_spares_the_attack_on_it() -> None:
    """The attack written against the framed veto in round 12
    (``crisis_corpus_adversarial_framed_tuning.yaml``: 120 disclosures with a laugh, a film, a
    lesson, a game or a childhood past in them, and 120 ordinary texts with the same cues; not
    training material). With the shipped veto at most one of the disclosures a lexicon finds
    loses its signal (round 15: none), and it quiets ordinary ones."""
    detector = load_detector()
    lexicons_only = Detector(detector.lexicons, None)
    cases = yaml.safe_load(
        (HERE / "crisis_corpus_adversarial_framed_tuning.yaml").read_text(encoding="utf-8")
    )
    lost = quieted = 0
    for case in cases:
        text, languages = case["text"], (case["lang"],)
        if lexicons_only.detect(text, languages) is None:
            continue
        vetoed = detector.model is not None and detector.detect(text, languages) is None
        lost += vetoed and case["crisis"]
        quieted += vetoed and not case["crisis"]
    assert lost <= 1
    assert quieted >= 1


def test_the_shipped_veto_spares_the_attack_on_the_round_16_frames() -> None:
    """Round 16 gave Turkish, Arabic and Polish lesson, documentary and "fine now" frames; a
    helper then wrote 100 current disclosures that carry such a frame
    (``crisis_corpus_adversarial_framed16_tuning.yaml``, 20 per language). Of those a lexicon
    finds, the shipped veto silences none (it silenced an honour threat "... وأنا فعلا بخطر"
    until Arabic earnest words took the frame back)."""
    detector = load_detector()
    lexicons_only = Detector(detector.lexicons, None)
    cases = yaml.safe_load(
        (HERE / "crisis_corpus_adversarial_framed16_tuning.yaml").read_text(encoding="utf-8")
    )
    assert len(cases) == 100 and all(case["crisis"] for case in cases)
    found = [c for c in cases if lexicons_only.detect(c["text"], (c["lang"],)) is not None]
    assert len(found) >= 80
    silenced = [c["text"] for c in found if detector.detect(c["text"], (c["lang"],)) is None]
    assert silenced == []
