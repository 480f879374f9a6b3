"""Train the crisis detector's learned component (bot/privacy/safety/model.py).

    python scripts/train_crisis_model.py            # train, write bot/privacy/data/crisis_model.json.gz
    python scripts/train_crisis_model.py --cv       # leave-one-corpus-out cross-validation only
    python scripts/train_crisis_model.py --check    # retrain and compare with the shipped file
    python scripts/train_crisis_model.py --no-gate  # write without running the pinned tests

A written model must pass the tests that pin texts to the detector (``GATE``: every ordinary
text of the tuning corpora stays quiet, every disclosure there fires with its category, the
round tests' quiet and firing lists); when they fail, the previous model file is put back and
the trainer exits non-zero. Round 12's retrain fired on two such texts and was only caught by
the full suite later: now the trainer itself refuses it.

Training material is ONLY the tuning corpora and probe sets in ``TRAINING`` plus the texts
written for this model (``tests/privacy/crisis_model_training.yaml``); the held-out corpora
(``*_heldout.yaml``) are never read here. Hyperparameters and the threshold are chosen by
leave-one-corpus-out cross-validation on that material (``--cv``): each file in turn is scored
by a model trained on all the others, and the threshold is the lowest probability at which the
pooled out-of-fold false alarms of the WHOLE detector (a lexicon fires, or else the model's
probability reaches the threshold, as ``Detector.detect`` decides) stay at or below
``MODEL_FALSE_ALARMS`` over the lexicons' own. Everyday texts that must stay quiet are kept quiet by hard negatives in
the training material (``crisis_model_training.yaml``), not by raising the threshold.

The models are plain L2-regularised logistic (crisis head) and softmax (category head)
regression, fitted by full-batch Adam in numpy: deterministic (no random initialisation, no
shuffling), so the same files give the same weights; the output records each file's SHA-256,
the hyperparameters and a digest of the weights. Why not scikit-learn: it is not a dependency
of the bot and the model is small enough that forty lines of numpy fit it exactly.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy.safety.categories import CATEGORIES  # noqa: E402
from bot.privacy.safety.concepts import CONCEPTS_PATH, ConceptTable, read_concepts  # noqa: E402
from bot.privacy.safety.detector import Detector, load_detector  # noqa: E402
from bot.privacy.safety.frames import earnest, framed  # noqa: E402
from bot.privacy.safety.model import (  # noqa: E402
    FEATURE_VERSION,
    MODEL_PATH,
    features,
    words_in,
)
from bot.privacy.safety.normalize import CLAUSE, normalize  # noqa: E402

CORPORA = ROOT / "tests" / "privacy"
TRAINING = [
    "crisis_corpus_tuning.yaml",
    "crisis_corpus_fresh_tuning.yaml",
    "crisis_corpus_fresh2_tuning.yaml",
    "crisis_corpus_independent1_tuning.yaml",
    "crisis_corpus_independent3_tuning.yaml",
    "crisis_corpus_independent5_tuning.yaml",
    "crisis_corpus_independent4_tuning.yaml",
    "crisis_corpus_train7a_tuning.yaml",
    "crisis_corpus_train7b_tuning.yaml",
    "crisis_corpus_train7c_tuning.yaml",
    # Round 7, second batch: three more independent writers (parents, 16-23, 12-14).
    "crisis_corpus_train8a_tuning.yaml",
    "crisis_corpus_train8b_tuning.yaml",
    "crisis_corpus_train8c_tuning.yaml",
    "crisis_probes3.yaml",
    "crisis_probes3b.yaml",
    "crisis_probes3c_quiet.yaml",
    "crisis_probes3d.yaml",
    "crisis_probes3e.yaml",
    "crisis_probes3f.yaml",
    "crisis_probes3g.yaml",
    "crisis_model_training.yaml",
]
# Round 9: three more independent writers (newcomer families ar/en/nl; praktijkonderwijs
# pupils 12-18 with straattaal; rural families, Polish/Turkish labour migrants), 1,426 texts;
# round 10: three more (teens online; bicultural teens and mothers in Darija, Arabizi, Turkish
# and Polish; answers to survey questions), 1,350 texts.
TRAINING += [
    "crisis_corpus_train9a_tuning.yaml",
    "crisis_corpus_train9b_tuning.yaml",
    "crisis_corpus_train9c_tuning.yaml",
    "crisis_corpus_train10a_tuning.yaml",
    "crisis_corpus_train10b_tuning.yaml",
    "crisis_corpus_train10c_tuning.yaml",
]
# Round 11: three more (Arabic-speaking newcomer families in dialects and Arabizi; 12-15
# year-olds with extra sexual, online sexual and suicide disclosures; 16-23 year-olds and
# parents in five languages), 1,350 texts.
TRAINING += [
    "crisis_corpus_train11a_tuning.yaml",
    "crisis_corpus_train11b_tuning.yaml",
    "crisis_corpus_train11c_tuning.yaml",
    # Second batch: indirect suicide and self-harm (Brabant, Limburg); parents and their
    # children (wijkteam, five languages); sexual and online sexual abuse (13-20), 1,369 texts.
    "crisis_corpus_train12a_tuning.yaml",
    "crisis_corpus_train12b_tuning.yaml",
    "crisis_corpus_train12c_tuning.yaml",
]
# Round 12: three more (indirect suicide and self-harm hints in straattaal, 12-17; Arabic,
# Turkish and Polish families; disclosures buried in long answers and the hardest ordinary
# answers on the same topics), 1,356 texts. The retrain with them was not shipped: it fired on
# two ordinary texts the suite pins ("ik heb een mesje in mijn etui voor het puntenslijpen",
# "mama chce żebym wracała wcześniej do domu"); the shipped model is still round 11's.
TRAINING += [
    "crisis_corpus_train13a_tuning.yaml",
    "crisis_corpus_train13b_tuning.yaml",
    "crisis_corpus_train13c_tuning.yaml",
]
# Round 13: two more (a youth worker and a Polish-speaking school social worker: hard ordinary
# answers about school blades, curfews and phones taken, indirect disclosures; Arabic-speaking
# families in dialects and Arabizi, international-school teenagers), 840 texts.
TRAINING += [
    "crisis_corpus_train14a_tuning.yaml",
    "crisis_corpus_train14b_tuning.yaml",
    # A Turkish-Dutch family worker and a sexual-health nurse (15-23), 420 texts.
    "crisis_corpus_train14c_tuning.yaml",
    # A school mentor and zorgcoordinator (survey answers, Friesland, Gelderland) and a
    # Polish-speaking parent consultant, 420 texts.
    "crisis_corpus_train14d_tuning.yaml",
    # A women's-shelter social worker, a Sudanese-Dutch youth worker, a Polish community worker;
    # a GGD school nurse, a youth-forum moderator, an international-school teacher; 840 texts.
    "crisis_corpus_train14e_tuning.yaml",
    "crisis_corpus_train14f_tuning.yaml",
]
# The retrain on round 13's first 40 files (threshold 0.855, out of fold 80.6 % at 4.2 %) was
# refused by the gate: it fired on "ik heb een mesje in mijn etui voor het puntenslijpen",
# which test_crisis_inversion.py pins as quiet; the shipped model is still round 11's.
# Round 14: hard negatives for blades in their everyday place (school, crafts, kitchen), in
# five languages, written for the model after that refusal (not a copy of the pinned text).
TRAINING += ["crisis_model_training14.yaml"]
# The retrain on all 42 files (threshold 0.862, out of fold 78.6 % at 4.2 %) kept that text quiet
# but was refused (independent8: 29 disclosures added where the floor is 30) and scored worse on
# independent10 than the shipped model (75.0 % against 76.0 % at 6.5 %): still round 11's model.
# Round 15: the first candidate with concepts and the veto's budget fired on everyday texts the
# suite pins (staying in when it rains, a mother who wants you home early, a pet's photo on
# insta, chores); 350 hard negatives of those kinds, asked for by kind from two helpers who saw
# none of them.
TRAINING += ["crisis_model_training15.yaml"]
# Round 16: Arabic (above all Arabizi), Turkish and Polish scored far below Dutch on every set
# (Arabizi versions of training disclosures: 26 % found). Four helpers wrote adapted, not
# literal, versions of 1,000 Dutch and English training disclosures and 800 ordinary texts
# (same labels) in Polish, Turkish, Arabic script and Arabizi; two more wrote originals:
# indirect suicide, self-harm and unsafe-home disclosures with their lookalikes in five
# languages, and culturally coded Arabic disclosures; 2,800 texts.
TRAINING += [
    "crisis_corpus_train16a_tuning.yaml",
    "crisis_corpus_train16b_tuning.yaml",
    "crisis_corpus_train16c_tuning.yaml",
    "crisis_corpus_train16d_tuning.yaml",
    "crisis_corpus_train16e_tuning.yaml",
    "crisis_corpus_train16f_tuning.yaml",
]
# Round 17: indirect suicide and self-harm (113 volunteer, school nurse); abuse, sexual, online
# sexual and unsafe home (Veilig Thuis, Helpwanted); a tester's hard ordinary texts, 1,500 texts.
TRAINING += [
    "crisis_corpus_train17a_tuning.yaml",
    "crisis_corpus_train17b_tuning.yaml",
    "crisis_corpus_train17c_tuning.yaml",
]
# The first retrain with them (threshold 0.793, out of fold 78.8 % at 4.1 %) was refused only for
# the file's size (1.53 MB, above test_crisis_model.py's bound); the shipped one adds frames in
# Turkish, Arabic and Polish (bot/privacy/safety/frames.py): 79.5 % at 4.1 %, threshold 0.785.
# Round 18: half of each of the independent corpora 6-11 (written by helpers briefed as the
# external testers, scored whole as they arrived and after each round since; split per language
# and category, the other half stays held-out) and 800 texts written as such a tester would
# write them (train18). The model had only seen material written to teach it; these are the
# kind it is measured on. Held out whole: independent12, 13 and 14.
TRAINING += [f"crisis_corpus_independent{n}_tuning.yaml" for n in range(6, 12)]
TRAINING += ["crisis_corpus_train18_tuning.yaml"]
OUTPUT = ROOT / "bot" / "privacy" / MODEL_PATH
# The tests a new model must pass before it is kept (two minutes): tests/privacy pins ordinary
# texts (tuning corpora, the round tests' quiet lists) and disclosures to the whole detector.
GATE = ("tests/privacy",)

# Chosen by ``--cv`` (see docs/privacy.md, "Safety"); change only after running it again.
L2 = 3e-5
MIN_DF = 2
# Whole-detector (lexicons OR model) pooled out-of-fold false alarms the threshold allows.
# Round 4-6 used 1.5 % of the model's own false alarms and then a floor of 0.97 above four
# everyday test sentences (about 15 % of what the lexicons miss); round 7 drops the floor and
# teaches the model those sentences and their kind instead (hard negatives in
# crisis_model_training.yaml).
# (Round 7 set a whole-detector budget of 3 %.) 3 % and not 4 %: the lexicons were tuned on most of these files, so their pooled false alarms
# (2.3 %) flatter them; on the three round-7 files nobody tuned on, a 4 % pooled budget meant
# 7.2 % false alarms, 3 % meant 5.7 % (docs/privacy.md, "Round 7").
# Round 10: the budget is the lexicons' own pooled false alarms plus what the model may add.
# With the round-9 files (hard negatives written to trip detectors) the lexicons alone raise
# 2.9 %, so a fixed 3 % left the model nothing and its threshold rose to 0.917 (out-of-fold
# recall 86.8 -> 81.4 %). The model's own share is what the threshold governs: 0.4 points, what
# it added under the 3 % budget of round 7 (2.59 % lexicons + 0.40 model, 21 files).
# Round 17: 0.1 points, not 0.4. With the round-17 files (hard ordinary texts the lexicons fire
# on, 12-22 % per file) the model at 0.4 points (threshold 0.769, and 0.724 with the hit veto's
# false alarms given to it) fired on everyday texts the suite pins ("ik wil niet meer!!!!!" 0.79,
# "ik heb een mesje in mijn etui voor het puntenslijpen" 0.78, "yağmur yağıyor evden çıkmak
# istemiyorum" 0.75), and on new material the false alarms are already above the 5 % target;
# the retrain was refused twice (docs/privacy.md, "Round 17").
MODEL_FALSE_ALARMS = 0.001
STEPS = 200
LEARNING_RATE = 0.1
PRUNE = 0.02  # weights smaller than this are dropped from the shipped file
SCALE = 0.001  # weights are stored as integers times this
CATEGORY_FLOOR = 0.5
PLAUSIBLE = 0.25

# The veto (docs/privacy.md, "Safety"): when a lexicon fires, the model scores the text too, and
# a lexicon signal whose probability is below ``veto`` is dropped. Chosen by the same
# leave-one-corpus-out run (``evaluate_veto``): the largest value of the grid that costs at most
# VETO_MAX_RECALL_LOSS of pooled out-of-fold recall, estimated honestly by choosing it for each
# file on the other files only; shipped only if that nested estimate keeps the recall loss within
# the limit AND lowers the pooled false alarms by at least VETO_MIN_FALSE_ALARM_DROP (a third of
# the budget): a missed disclosure costs more than a help-line message, so a veto that trades
# disclosures for false alarms one for one is not worth it.
# Round 11: the rule accepted a veto for the first time (0.15 over 33 files: nested recall
# 80.78 -> 80.29 %, false alarms 4.21 -> 3.02 %), and that veto silenced explicit disclosures
# the test suite requires to fire ("ik wil heeeel graag dood", "ik heb geen toekomst, dat weet
# ik gewoon", "ik wil gewoon voor altijd weg"): a pooled recall budget cannot tell an explicit
# disclosure from a vague one. So the veto is still evaluated and reported, never shipped.
VETO_SHIPS = False
VETO_GRID = (0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4)
VETO_MAX_RECALL_LOSS = 0.005
# Round 15: half a point, not one. The framed veto (no laughter) lowered the pooled false alarms
# by 0.91 points with no disclosure lost out of fold (round 12), and was refused only by this
# number. Since round 15 the false alarms a shipped veto quiets are given to the model
# (``threshold_for`` with ``vetoed``): the veto buys recall at the same false alarms, not fewer
# false alarms at a price in recall.
VETO_MIN_FALSE_ALARM_DROP = 0.005
# Which lexicon hits a veto may drop: any ("all", what the detector implements), or only hits
# of low specificity ("weak": a one-word phrase or a misspelt keyword; reported, not shipped).
VETO_SCOPES = {
    "all": ("phrase", "single", "keyword"),
    "weak": ("single", "keyword"),
    "framed": ("phrase", "single", "keyword"),
}
# Round 12: a third scope, "framed": only lexicon hits on a text with a distancing frame (a
# laugh, a medium or lesson, a past that is over; bot/privacy/safety/frames.py). An explicit
# disclosure without a frame can never be vetoed, whatever the model scores, so the reason the
# unscoped veto is refused does not apply to it: this scope ships when the rule accepts it.
FRAMED = "framed"
SHIPPED_SCOPES = (FRAMED,) + (("all",) if VETO_SHIPS else ())

# Round 17: the hit head, a second logistic model trained only on the texts a lexicon fires on
# ("is this lexicon signal a disclosure?"), vetoes the signals it finds improbable, on any text
# of at least HIT_MIN_WORDS words without an earnest word (bot/privacy/safety/frames.py) that the
# crisis head too finds improbable (HIT_MODEL_CEILING). The veto is the largest of the grid whose
# pooled out-of-fold recall loss is at most HIT_VETO_MAX_RECALL_LOSS; it ships only when the
# nested estimate (the veto chosen for each file on the other files) keeps that loss and lowers
# the false alarms by at least VETO_MIN_FALSE_ALARM_DROP. Stricter than the framed veto (a loss of
# 0.03 points, three disclosures in ten thousand, not 0.5): it may drop a signal on a text with no
# frame at all. The grid stops at 0.1: the first run over 53 files (0.5 points, a grid to 0.3)
# chose 0.25, and out of fold the head then silenced explicit disclosures ("my 13 year old said
# she wishes she was dead", "... my father, he beats me and my brothers when he is angry"), the
# reason the unscoped veto never shipped; up to 0.1 it lost two indirect ones and quieted 79 false
# alarms (docs/privacy.md, "Round 17").
HIT_HEAD = True
HIT_L2 = 3e-5
HIT_MIN_WORDS = 8
# And only where the crisis head, too, finds the text improbable (below this). Fixed, not chosen
# by the cross-validation, which sees no attack: on an attack written against the head (200
# disguised disclosures) and the two framed-veto attacks, a head fitted on the round-16 files
# silenced 11 of the disclosures a lexicon finds with no ceiling, 4 below 0.4, 3 below 0.3; out of
# fold the ceiling 0.3 keeps 97 of the 110 false alarms the head alone quiets at 0.15.
HIT_MODEL_CEILING = 0.3
HIT_VETO_GRID = (0.025, 0.05, 0.075, 0.1)
HIT_VETO_MAX_RECALL_LOSS = 0.0003
# Whether the false alarms the hit veto quiets are the model's to spend (as the framed veto's):
# not in round 17, for the reason MODEL_FALSE_ALARMS gives; the veto lowers the false alarms.
HIT_BUDGET_TO_MODEL = False

# Round 15: words read as concepts shared by the five languages (bot/privacy/safety/concepts.py).
USE_CONCEPTS = True
CONCEPTS_SOURCE = ROOT / "bot" / "privacy" / CONCEPTS_PATH

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    crisis: bool
    category: str | None
    source: str
    features: frozenset[str]
    lexicon: bool = False  # the lexicons alone give a signal (the model is then not asked)
    # How specific the lexicons' signal is: "phrase" (a match of two words or more), "single"
    # (one-word matches only), "keyword" (a misspelt keyword only); None when none fired.
    kind: str | None = None
    framed: bool = False  # the text holds a distancing frame (bot.privacy.safety.frames)
    words: int = 0  # words of the text the model reads (model.words_in)
    earnest: bool = False  # a word that takes a distance back (bot.privacy.safety.frames)


def prepared(detector: Detector, text: str, lang: str) -> str:
    """The text as the detector hands it to the model: normalised, with every checked
    lexicon's jokes and topic words blanked (``Detector.detect``)."""
    normalized = normalize(text, clauses=True)
    for code in detector.languages_for(text, (lang,)):
        normalized = detector.lexicons[code].blank(normalized)
    return normalized


def hit_kind(detector: Detector, text: str, lang: str) -> str | None:
    """How specific the lexicons' signal on ``text`` is (``Example.kind``): the most specific
    of the checked lexicons that fire; the length of a match is that of the match the
    category's whole expression finds at each position of each form."""
    normalized = prepared(detector, text, lang)
    best: str | None = None
    order = {None: -1, "keyword": 0, "single": 1, "phrase": 2}
    for code in detector.languages_for(text, (lang,)):
        lexicon = detector.lexicons[code]
        if not lexicon.match(normalized):
            continue
        longest = 0
        for pattern in lexicon.patterns.values():
            for form in lexicon.forms(normalized):
                for found in pattern.finditer(form):
                    longest = max(longest, sum(w != CLAUSE for w in found.group(0).split()))
        kind = "phrase" if longest >= 2 else "single" if longest == 1 else "keyword"
        best = max(best, kind, key=order.__getitem__)
    return best


def concept_table() -> ConceptTable | None:
    """The words read as shared concepts (``bot/privacy/safety/concepts.py``), when
    ``USE_CONCEPTS``; the trained model carries the table it was trained with."""
    return read_concepts() if USE_CONCEPTS else None


def never_trained_on(name: str) -> bool:
    """Whether a corpus is held-out material: by its name or by the mark in its header (a
    held-out half of a split corpus says "NEVER TUNED ON" as the whole file did)."""
    path = CORPORA / name
    return "heldout" in name or "NEVER TUNED ON" in path.read_text(encoding="utf-8")[:2000]


def load_examples(names: Sequence[str] = TRAINING) -> list[Example]:
    concepts = concept_table()
    detector = load_detector()
    lexicons_only = Detector(detector.lexicons, None)
    examples = []
    for name in names:
        if never_trained_on(name):
            raise SystemExit(f"{name}: held-out material is never used for training")
        for case in yaml.safe_load((CORPORA / name).read_text(encoding="utf-8")):
            text, lang = case["text"], case["lang"]
            seen = prepared(detector, text, lang)
            found = frozenset(features(seen, concepts))
            fired = lexicons_only.detect(text, (lang,)) is not None
            kind = hit_kind(detector, text, lang) if fired else None
            examples.append(
                Example(
                    text,
                    lang,
                    bool(case["crisis"]),
                    case["category"],
                    name,
                    found,
                    fired,
                    kind,
                    framed(text),
                    words_in(seen),
                    earnest(text),
                )
            )
    return examples


@dataclass
class Design:
    """A sparse design matrix: rows, columns and values of its non-zero entries, in row order.

    Products are sums over runs of equal row (or, through ``by_col``, column) indices with
    ``np.add.reduceat``, which sums a whole (entries x k) block in one pass.
    """

    rows: IntArray
    cols: IntArray
    vals: FloatArray
    n_rows: int
    vocabulary: list[str]

    def __post_init__(self) -> None:
        by_col = np.argsort(self.cols, kind="stable")
        self.rows_by_col = self.rows[by_col]
        self.vals_by_col = self.vals[by_col]
        self.row_starts, self.row_ids = _runs(self.rows)
        self.col_starts, self.col_ids = _runs(self.cols[by_col])

    def _sum_rows(self, products: FloatArray) -> FloatArray:
        out = np.zeros((self.n_rows, *products.shape[1:]))
        if len(products):
            out[self.row_ids] = np.add.reduceat(products, self.row_starts, axis=0)
        return out

    def _sum_cols(self, products: FloatArray) -> FloatArray:
        """Sums of ``products`` (given in column order) per column."""
        out = np.zeros((len(self.vocabulary), *products.shape[1:]))
        if len(products):
            out[self.col_ids] = np.add.reduceat(products, self.col_starts, axis=0)
        return out

    def dot(self, weights: FloatArray) -> FloatArray:
        return self._sum_rows(self.vals * weights[self.cols])

    def t_dot(self, residual: FloatArray) -> FloatArray:
        return self._sum_cols(self.vals_by_col * residual[self.rows_by_col])

    def dot_many(self, weights: FloatArray) -> FloatArray:
        """``self @ weights`` for a weight matrix (features x k), in one pass."""
        return self._sum_rows(self.vals[:, None] * weights[self.cols])

    def t_dot_many(self, residual: FloatArray) -> FloatArray:
        return self._sum_cols(self.vals_by_col[:, None] * residual[self.rows_by_col])


def _runs(sorted_ids: IntArray) -> tuple[IntArray, IntArray]:
    """Where each run of equal values in ``sorted_ids`` starts, and its value."""
    if not len(sorted_ids):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    return starts.astype(np.int64), sorted_ids[starts]


def vocabulary_of(examples: Sequence[Example], min_df: int) -> list[str]:
    counts: dict[str, int] = {}
    for example in examples:
        for feature in example.features:
            counts[feature] = counts.get(feature, 0) + 1
    return sorted(f for f, n in counts.items() if n >= min_df)


def design(examples: Sequence[Example], vocabulary: list[str]) -> Design:
    index = {feature: i for i, feature in enumerate(vocabulary)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, example in enumerate(examples):
        # Scaled by ALL of the text's features, known or not, as the bot does at run time.
        scale = 1 / math.sqrt(len(example.features)) if example.features else 0.0
        for feature in sorted(example.features):
            if feature in index:
                rows.append(row)
                cols.append(index[feature])
                vals.append(scale)
    return Design(
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(vals, dtype=np.float64),
        len(examples),
        vocabulary,
    )


def _adam(gradient: Any, shape: tuple[int, ...], steps: int) -> FloatArray:
    params = np.zeros(shape)
    m = np.zeros(shape)
    v = np.zeros(shape)
    for step in range(1, steps + 1):
        g = gradient(params)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        params = params - LEARNING_RATE * (m / (1 - 0.9**step)) / (
            np.sqrt(v / (1 - 0.999**step)) + 1e-8
        )
    return params


def train_crisis_head(x: Design, y: FloatArray, l2: float) -> tuple[FloatArray, float]:
    """Weights and bias; each class weighs half of the loss."""
    n_pos = max(float(y.sum()), 1.0)
    n_neg = max(float(len(y) - y.sum()), 1.0)
    sample = np.where(y > 0, 0.5 / n_pos, 0.5 / n_neg)
    size = len(x.vocabulary)

    def gradient(params: FloatArray) -> FloatArray:
        w, b = params[:size], params[size]
        p = 1 / (1 + np.exp(-(x.dot(w) + b)))
        r = (p - y) * sample
        return np.concatenate([x.t_dot(r) + l2 * w, [r.sum()]])

    params = _adam(gradient, (size + 1,), STEPS)
    return params[:size], float(params[size])


def train_category_head(x: Design, labels: IntArray, l2: float) -> tuple[FloatArray, FloatArray]:
    """Weights (features x categories) and biases; each category weighs equally."""
    k = len(CATEGORIES)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sample = 1 / (k * np.maximum(counts, 1.0))[labels]
    onehot = np.eye(k)[labels]
    size = len(x.vocabulary)

    def gradient(params: FloatArray) -> FloatArray:
        w, b = params[:size], params[size]
        scores = x.dot_many(w) + b
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        r = (p - onehot) * sample[:, None]
        return np.vstack([x.t_dot_many(r) + l2 * w, r.sum(axis=0)[None, :]])

    params = _adam(gradient, (size + 1, k), STEPS)
    return params[:size], params[size]


@dataclass
class Fitted:
    vocabulary: list[str]
    crisis_w: FloatArray
    crisis_b: float
    category_w: FloatArray
    category_b: FloatArray

    def crisis_probabilities(self, examples: Sequence[Example]) -> FloatArray:
        x = design(examples, self.vocabulary)
        return 1 / (1 + np.exp(-(x.dot(self.crisis_w) + self.crisis_b)))

    def categories(self, examples: Sequence[Example]) -> IntArray:
        x = design(examples, self.vocabulary)
        return cast(IntArray, np.argmax(x.dot_many(self.category_w) + self.category_b, axis=1))


def fit(examples: Sequence[Example], l2: float = L2, min_df: int = MIN_DF) -> Fitted:
    vocabulary = vocabulary_of(examples, min_df)
    x = design(examples, vocabulary)
    y = np.array([1.0 if e.crisis else 0.0 for e in examples])
    crisis_w, crisis_b = train_crisis_head(x, y, l2)
    positives = [e for e in examples if e.crisis]
    xp = design(positives, vocabulary)
    labels = np.array([CATEGORIES.index(e.category) for e in positives], dtype=np.int64)
    category_w, category_b = train_category_head(xp, labels, l2)
    return Fitted(vocabulary, crisis_w, crisis_b, category_w, category_b)


def threshold_for(
    probabilities: FloatArray,
    negatives: npt.NDArray[np.bool_],
    lexicon: npt.NDArray[np.bool_],
    target: float,
    vetoed: npt.NDArray[np.bool_] | None = None,
) -> float:
    """The lowest threshold at which the whole detector (``lexicon`` fired, or else the
    probability reaches the threshold) raises at most ``target`` false alarms on ``negatives``.

    ``vetoed``: the lexicon hits a shipped veto drops (round 15). They raise no false alarm, so
    the budget they free is the model's to spend, and the model reads them as it reads the
    texts no lexicon fired on."""
    kept = lexicon if vetoed is None else lexicon & ~vetoed
    allowed = math.floor(target * int(negatives.sum())) - int((negatives & kept).sum())
    # A vetoed text is read by the model as any other (the framed veto lies below the
    # threshold, so the model never fires on what it drops; the hit head's may).
    scores = np.sort(probabilities[negatives & ~kept])[::-1]
    if allowed < 0:
        return 1.0  # the lexicons alone exceed the budget: the model may add nothing
    # Fire at >= threshold: put it just above the (allowed + 1)-th highest negative score.
    return float(np.nextafter(scores[allowed], 1.0)) if allowed < len(scores) else 0.5


def _fired(
    oof: FloatArray,
    lexicon: npt.NDArray[np.bool_],
    vetoable: npt.NDArray[np.bool_],
    threshold: float,
    veto: float | None,
) -> npt.NDArray[np.bool_]:
    """The whole detector's verdicts: a lexicon hit unless vetoed, else the model."""
    vetoed = lexicon & vetoable & (oof < veto) if veto is not None else np.zeros_like(lexicon)
    return (lexicon & ~vetoed) | (~lexicon & (oof >= threshold))


def _veto_for(
    oof: FloatArray,
    positives: npt.NDArray[np.bool_],
    lexicon: npt.NDArray[np.bool_],
    vetoable: npt.NDArray[np.bool_],
    threshold: float,
    rows: npt.NDArray[np.bool_],
) -> float | None:
    """The largest veto of the grid that costs at most VETO_MAX_RECALL_LOSS of recall on
    ``rows``; None when even the smallest costs more (or drops nothing)."""
    base = _fired(oof, lexicon, vetoable, threshold, None)[positives & rows].mean()
    chosen = None
    for veto in VETO_GRID:
        if veto > threshold:
            break
        fired = _fired(oof, lexicon, vetoable, threshold, veto)
        if base - fired[positives & rows].mean() <= VETO_MAX_RECALL_LOSS + 1e-12:
            chosen = veto
    return chosen


def evaluate_veto(examples: Sequence[Example], oof: FloatArray, threshold: float) -> dict[str, Any]:
    """Out-of-fold recall and false alarms with and without the veto, pooled and per file, for
    each scope; the veto for each file is chosen on the other files only (nested), so the
    figures with the veto are estimates for material nobody chose it on."""
    positives = np.array([e.crisis for e in examples])
    lexicon = np.array([e.lexicon for e in examples])
    sources = np.array([e.source for e in examples])
    without = _fired(oof, lexicon, lexicon, threshold, None)
    result: dict[str, Any] = {
        "recall": round(float(without[positives].mean()), 4),
        "false_alarms": round(float(without[~positives].mean()), 4),
        "scopes": {},
    }
    for scope in VETO_SCOPES:
        vetoable = _vetoable(examples, scope)
        nested = without.copy()
        per_file: dict[str, Any] = {}
        chosen_per_file = {}
        for source in dict.fromkeys(e.source for e in examples):
            rows = sources == source
            veto = _veto_for(oof, positives, lexicon, vetoable, threshold, ~rows)
            chosen_per_file[source] = veto
            nested[rows] = _fired(oof, lexicon, vetoable, threshold, veto)[rows]
            pos, neg = rows & positives, rows & ~positives
            per_file[source] = {
                "veto": veto,
                "recall": [_share(without, pos), _share(nested, pos)],
                "fa": [_share(without, neg), _share(nested, neg)],
            }
        veto = _veto_for(oof, positives, lexicon, vetoable, threshold, np.ones_like(lexicon))
        recall_loss = float(without[positives].mean() - nested[positives].mean())
        fa_drop = float(without[~positives].mean() - nested[~positives].mean())
        in_sample = _fired(oof, lexicon, vetoable, threshold, veto)
        result["scopes"][scope] = {
            "veto": veto,
            "in_sample": [
                round(float(in_sample[positives].mean()), 4),
                round(float(in_sample[~positives].mean()), 4),
            ],
            "nested_recall": round(float(nested[positives].mean()), 4),
            "nested_false_alarms": round(float(nested[~positives].mean()), 4),
            "lost": int((without & ~nested & positives).sum()),
            "quieted": int((without & ~nested & ~positives).sum()),
            "accepted": veto is not None
            and recall_loss <= VETO_MAX_RECALL_LOSS
            and fa_drop >= VETO_MIN_FALSE_ALARM_DROP,
            "per_file": per_file,
        }
    result["veto"], result["veto_scope"] = shipped_veto(result["scopes"])
    return result


def _vetoable(examples: Sequence[Example], scope: str) -> npt.NDArray[np.bool_]:
    """The texts whose lexicon hit a veto of ``scope`` may drop."""
    vetoable = np.array([e.kind in VETO_SCOPES[scope] for e in examples])
    if scope == FRAMED:
        vetoable &= np.array([e.framed for e in examples])
    return vetoable


def _vetoed(
    examples: Sequence[Example], oof: FloatArray, decision: Mapping[str, Any]
) -> npt.NDArray[np.bool_]:
    """The lexicon hits the veto ``evaluate_veto`` ships drops (none when it ships none)."""
    veto: float | None = decision["veto"]
    if veto is None:
        return np.zeros(len(examples), dtype=bool)
    return _vetoable(examples, decision["veto_scope"]) & (oof < veto)


def shipped_veto(scopes: Mapping[str, Mapping[str, Any]]) -> tuple[float | None, str]:
    """The veto that ships, and its scope: the first accepted of SHIPPED_SCOPES."""
    for scope in SHIPPED_SCOPES:
        if scopes.get(scope, {}).get("accepted"):
            return scopes[scope]["veto"], scope
    return None, "all"


def _share(fired: npt.NDArray[np.bool_], rows: npt.NDArray[np.bool_]) -> float | None:
    return round(float(fired[rows].mean()), 3) if rows.any() else None


# The folds' fits are independent: they run in WORKERS processes (forked, so the examples are
# not copied), which halves the half-hour retrain on two cores. Each fit is deterministic, and
# the models come back in the order of ``sources``: the same files give the same file.
WORKERS = int(os.environ.get("CRISIS_TRAIN_WORKERS", os.cpu_count() or 1))
_FOLD_EXAMPLES: Sequence[Example] = ()


def _fit_without(source: str, l2: float, min_df: int) -> Fitted:
    return fit([e for e in _FOLD_EXAMPLES if e.source != source], l2, min_df)


def _fit_hit_head_without(source: str) -> HitHead:
    return fit_hit_head([e for e in _FOLD_EXAMPLES if e.source != source])


def _in_folds(
    fit_without: Callable[..., Any], examples: Sequence[Example], arguments: list[tuple[Any, ...]]
) -> list[Any]:
    """``fit_without(*a)`` for each ``a`` (a held-out source first), in WORKERS processes."""
    global _FOLD_EXAMPLES
    _FOLD_EXAMPLES = examples
    try:
        if WORKERS <= 1 or len(arguments) <= 1:
            return [fit_without(*a) for a in arguments]
        context = multiprocessing.get_context("fork")
        with context.Pool(min(WORKERS, len(arguments))) as pool:
            return pool.starmap(fit_without, arguments, chunksize=1)
    finally:
        _FOLD_EXAMPLES = ()


def _fold_models(
    examples: Sequence[Example], sources: Sequence[str], l2: float, min_df: int
) -> list[Fitted]:
    return _in_folds(_fit_without, examples, [(s, l2, min_df) for s in sources])


@dataclass
class HitHead:
    """The hit head (round 17): logistic regression over the model's features, trained only on
    the texts a lexicon fires on, "is this lexicon signal a disclosure?"."""

    vocabulary: list[str]
    w: FloatArray
    b: float

    def probabilities(self, examples: Sequence[Example]) -> FloatArray:
        x = design(examples, self.vocabulary)
        return 1 / (1 + np.exp(-(x.dot(self.w) + self.b)))


def fit_hit_head(examples: Sequence[Example]) -> HitHead:
    hits = [e for e in examples if e.lexicon]
    vocabulary = vocabulary_of(hits, MIN_DF)
    y = np.array([1.0 if e.crisis else 0.0 for e in hits])
    w, b = train_crisis_head(design(hits, vocabulary), y, HIT_L2)
    return HitHead(vocabulary, w, b)


def hit_cross_validate(examples: Sequence[Example]) -> tuple[FloatArray, list[HitHead]]:
    """Each lexicon hit's out-of-fold hit-head probability (1.0 where no lexicon fired: never
    vetoed), leaving one file out at a time, and the fold heads."""
    sources = list(dict.fromkeys(e.source for e in examples))
    heads: list[HitHead] = _in_folds(_fit_hit_head_without, examples, [(s,) for s in sources])
    oof = np.ones(len(examples))
    for source, head in zip(sources, heads, strict=True):
        held = [i for i, e in enumerate(examples) if e.source == source and e.lexicon]
        if held:
            oof[held] = head.probabilities([examples[i] for i in held])
    return oof, heads


def _hit_eligible(
    examples: Sequence[Example], oof: FloatArray, vetoed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """The lexicon hits the hit head may drop: long enough, no earnest word, the crisis head
    (``oof``) below HIT_MODEL_CEILING, not yet vetoed."""
    return (
        np.array([e.lexicon and e.words >= HIT_MIN_WORDS and not e.earnest for e in examples])
        & (oof < HIT_MODEL_CEILING)
        & ~vetoed
    )


def _fired_after_hit_veto(
    oof: FloatArray,
    lexicon: npt.NDArray[np.bool_],
    dropped: npt.NDArray[np.bool_],
    threshold: float,
) -> npt.NDArray[np.bool_]:
    """The whole detector's verdicts: a lexicon hit unless dropped, else the model."""
    kept = lexicon & ~dropped
    return kept | (~kept & (oof >= threshold))


def evaluate_hit_veto(
    examples: Sequence[Example],
    oof: FloatArray,
    hit_oof: FloatArray,
    threshold: float,
    vetoed: npt.NDArray[np.bool_],
) -> dict[str, Any]:
    """The hit head's veto: chosen on all files, estimated nested (for each file on the other
    files only), with the model's fallback and the framed veto's drops (``vetoed``) kept."""
    positives = np.array([e.crisis for e in examples])
    lexicon = np.array([e.lexicon for e in examples])
    sources = np.array([e.source for e in examples])
    eligible = _hit_eligible(examples, oof, vetoed)

    def fired(veto: float | None) -> npt.NDArray[np.bool_]:
        dropped = vetoed if veto is None else vetoed | (eligible & (hit_oof < veto))
        return _fired_after_hit_veto(oof, lexicon, dropped, threshold)

    without = fired(None)

    def chosen(rows: npt.NDArray[np.bool_]) -> float | None:
        if not (positives & rows).any():
            return None  # nothing to lose: nothing to choose by
        base, best = without[positives & rows].mean(), None
        for veto in HIT_VETO_GRID:
            if base - fired(veto)[positives & rows].mean() > HIT_VETO_MAX_RECALL_LOSS + 1e-12:
                break
            best = veto
        return best

    nested = without.copy()
    for source in dict.fromkeys(e.source for e in examples):
        rows = sources == source
        nested[rows] = fired(chosen(~rows))[rows]
    veto = chosen(np.ones_like(lexicon))
    in_sample = fired(veto)
    recall_loss = float(without[positives].mean() - nested[positives].mean())
    fa_drop = float(without[~positives].mean() - nested[~positives].mean())
    return {
        "veto": veto,
        "min_words": HIT_MIN_WORDS,
        "model_ceiling": HIT_MODEL_CEILING,
        "in_sample": [
            round(float(in_sample[positives].mean()), 4),
            round(float(in_sample[~positives].mean()), 4),
        ],
        "without": [
            round(float(without[positives].mean()), 4),
            round(float(without[~positives].mean()), 4),
        ],
        "nested_recall": round(float(nested[positives].mean()), 4),
        "nested_false_alarms": round(float(nested[~positives].mean()), 4),
        "lost": int((without & ~nested & positives).sum()),
        "quieted": int((without & ~nested & ~positives).sum()),
        "lost_texts": [
            e.text
            for e, n, w in zip(examples, nested, without, strict=True)
            if e.crisis and w and not n
        ][:20],
        "accepted": veto is not None
        and recall_loss <= HIT_VETO_MAX_RECALL_LOSS + 1e-12
        and fa_drop >= VETO_MIN_FALSE_ALARM_DROP,
    }


def hit_vetoed(
    examples: Sequence[Example],
    oof: FloatArray,
    hit_oof: FloatArray,
    veto: float,
    vetoed: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """The lexicon hits the hit head's veto drops (``oof``: the crisis head's scores)."""
    return _hit_eligible(examples, oof, vetoed) & (hit_oof < veto)


def cross_validate(
    examples: Sequence[Example], l2: float, min_df: int, target: float, verbose: bool = True
) -> dict[str, Any]:
    sources = list(dict.fromkeys(e.source for e in examples))
    oof = np.zeros(len(examples))
    models = _fold_models(examples, sources, l2, min_df)
    category_hit = np.zeros(len(examples), dtype=bool)
    for source, model in zip(sources, models, strict=True):
        held = [i for i, e in enumerate(examples) if e.source == source]
        fold = [examples[i] for i in held]
        oof[held] = model.crisis_probabilities(fold)
        predicted = model.categories(fold)
        for i, label in zip(held, predicted, strict=True):
            category_hit[i] = examples[i].crisis and CATEGORIES[label] == examples[i].category
    negatives = np.array([not e.crisis for e in examples])
    lexicon = np.array([e.lexicon for e in examples])
    # ``target`` is the model's share of the budget, on top of the lexicons' own false alarms.
    budget = float(lexicon[negatives].mean()) + target
    threshold = threshold_for(oof, negatives, lexicon, budget)
    veto = evaluate_veto(examples, oof, threshold)
    if veto["veto"] is not None:
        # The false alarms the shipped veto quiets are the model's to spend (round 15).
        threshold = threshold_for(oof, negatives, lexicon, budget, _vetoed(examples, oof, veto))
        veto = evaluate_veto(examples, oof, threshold)
    vetoed = _vetoed(examples, oof, veto)
    hit: dict[str, Any] | None = None
    hit_heads: list[HitHead] = []
    hit_oof = np.ones(len(examples))
    if HIT_HEAD:
        hit_oof, hit_heads = hit_cross_validate(examples)
        hit = evaluate_hit_veto(examples, oof, hit_oof, threshold, vetoed)
        if hit["accepted"]:
            vetoed = vetoed | hit_vetoed(examples, oof, hit_oof, hit["veto"], vetoed)
            if HIT_BUDGET_TO_MODEL:
                threshold = threshold_for(oof, negatives, lexicon, budget, vetoed)
            if veto["veto"] is not None and veto["veto"] > threshold:
                raise SystemExit("the framed veto lies above the new threshold: retune")
        else:
            hit["veto"] = None
    model_fired = oof >= threshold
    # The whole detector, as Detector.detect decides: a lexicon hit unless vetoed, else the model.
    kept = lexicon & ~vetoed
    fired = kept | (~kept & model_fired)
    asked = ~kept
    result: dict[str, Any] = {
        "l2": l2,
        "min_df": min_df,
        "threshold": round(threshold, 4),
        "recall": round(float(fired[~negatives].mean()), 4),
        "false_alarms": round(float(fired[negatives].mean()), 4),
        "lexicons_recall": round(float(lexicon[~negatives].mean()), 4),
        "lexicons_false_alarms": round(float(lexicon[negatives].mean()), 4),
        # Of the texts the lexicons leave to the model: what it adds, what it raises.
        "model_recall_asked": round(float(model_fired[~negatives & asked].mean()), 4),
        "model_false_alarms_asked": round(float(model_fired[negatives & asked].mean()), 4),
        "category_accuracy": round(float(category_hit[~negatives].mean()), 4),
        "per_source": {},
        "per_language": {},
        "per_category": {},
    }
    groups: dict[str, Callable[[Example], str]] = {
        "per_source": lambda e: e.source,
        "per_language": lambda e: e.lang,
        "per_category": lambda e: e.category or "-",
    }
    for key, group in groups.items():
        for value in sorted({group(e) for e in examples}):
            pos = np.array([group(e) == value and e.crisis for e in examples])
            neg = np.array([group(e) == value and not e.crisis for e in examples])
            result[key][value] = {
                "recall": round(float(fired[pos].mean()), 3) if pos.any() else None,
                "fa": round(float(fired[neg].mean()), 3) if neg.any() else None,
                "n": [int(pos.sum()), int(neg.sum())],
            }
    result["veto"] = veto
    result["hit"] = hit
    result["oof"] = oof
    result["models"] = models
    result["hit_heads"] = hit_heads
    result["hit_oof"] = hit_oof
    if verbose:
        hidden = ("oof", "models", "hit_heads", "hit_oof")
        shown = {k: v for k, v in result.items() if k not in hidden}
        print(json.dumps(shown, ensure_ascii=False), flush=True)
    return result


def file_digest(name: str) -> str:
    return hashlib.sha256((CORPORA / name).read_bytes()).hexdigest()


def export(
    model: Fitted,
    threshold: float,
    examples: Sequence[Example],
    veto: float | None = None,
    veto_scope: str = "all",
    hit_head: HitHead | None = None,
    hit_veto: float | None = None,
) -> dict[str, Any]:
    crisis = {
        f: int(np.rint(w / SCALE))
        for f, w in zip(model.vocabulary, model.crisis_w, strict=True)
        if abs(w) >= PRUNE
    }
    category = {
        f: [int(np.rint(w / SCALE)) for w in row]
        for f, row in zip(model.vocabulary, model.category_w, strict=True)
        if np.abs(row).max() >= PRUNE
    }
    data: dict[str, Any] = {
        "feature_version": FEATURE_VERSION,
        "categories": list(CATEGORIES),
        "scale": SCALE,
        "threshold": round(threshold, 6),
        "veto": veto,
        "veto_scope": veto_scope,
        "category_floor": CATEGORY_FLOOR,
        "plausible": PLAUSIBLE,
        "crisis_bias": round(model.crisis_b, 6),
        "category_bias": [round(float(b), 6) for b in model.category_b],
        "crisis_weights": crisis,
        "category_weights": category,
    }
    if hit_head is not None and hit_veto is not None:
        data["hit_veto"] = hit_veto
        data["hit_min_words"] = HIT_MIN_WORDS
        data["hit_model_ceiling"] = HIT_MODEL_CEILING
        data["hit_bias"] = round(hit_head.b, 6)
        data["hit_weights"] = {
            f: int(np.rint(w / SCALE))
            for f, w in zip(hit_head.vocabulary, hit_head.w, strict=True)
            if abs(w) >= PRUNE
        }
    weights = json.dumps(
        {
            k: data[k]
            for k in (
                "crisis_weights",
                "category_weights",
                "crisis_bias",
                "category_bias",
                "hit_weights",
                "hit_bias",
            )
            if k in data
        },
        sort_keys=True,
    )
    concepts = concept_table()
    if concepts is not None:
        data["concepts"] = concepts.to_data()
    data["metadata"] = {
        "trainer": "scripts/train_crisis_model.py",
        "training_files": {name: file_digest(name) for name in TRAINING},
        "concepts_sha256": (
            hashlib.sha256(CONCEPTS_SOURCE.read_bytes()).hexdigest() if concepts else None
        ),
        "texts": len(examples),
        "crisis_texts": sum(e.crisis for e in examples),
        "hyperparameters": {
            "l2": L2,
            "min_df": MIN_DF,
            "steps": STEPS,
            "learning_rate": LEARNING_RATE,
            "prune": PRUNE,
            "model_false_alarms": MODEL_FALSE_ALARMS,
            "veto_grid": list(VETO_GRID),
            "veto_max_recall_loss": VETO_MAX_RECALL_LOSS,
            "veto_min_false_alarm_drop": VETO_MIN_FALSE_ALARM_DROP,
            "hit_l2": HIT_L2,
            "hit_min_words": HIT_MIN_WORDS,
            "hit_model_ceiling": HIT_MODEL_CEILING,
            "hit_veto_grid": list(HIT_VETO_GRID),
            "hit_veto_max_recall_loss": HIT_VETO_MAX_RECALL_LOSS,
            "hit_budget_to_model": HIT_BUDGET_TO_MODEL,
        },
        "weights_sha256": hashlib.sha256(weights.encode()).hexdigest(),
    }
    return data


def average(models: Sequence[Fitted]) -> Fitted:
    """The mean of the fold models' weights (and so of their logits): one linear model.

    The threshold is chosen on the fold models' out-of-fold scores; a model fitted on all the
    material is more confident on texts it never saw than each fold model was (it fires more
    often on new ordinary texts at the same threshold), while the mean of the fold models
    scores new text on the same scale as the scores the threshold was chosen on.
    """
    vocabulary = sorted({f for m in models for f in m.vocabulary})
    index = {f: i for i, f in enumerate(vocabulary)}
    k = len(CATEGORIES)
    crisis_w = np.zeros(len(vocabulary))
    category_w = np.zeros((len(vocabulary), k))
    for m in models:
        rows = np.array([index[f] for f in m.vocabulary], dtype=np.int64)
        crisis_w[rows] += m.crisis_w
        category_w[rows] += m.category_w
    n = len(models)
    return Fitted(
        vocabulary,
        crisis_w / n,
        sum(m.crisis_b for m in models) / n,
        category_w / n,
        sum((m.category_b for m in models), np.zeros(k)) / n,
    )


def average_hit_heads(heads: Sequence[HitHead]) -> HitHead:
    """The mean of the fold heads' weights, as :func:`average` for the model (same reason)."""
    vocabulary = sorted({f for h in heads for f in h.vocabulary})
    index = {f: i for i, f in enumerate(vocabulary)}
    w = np.zeros(len(vocabulary))
    for h in heads:
        w[np.array([index[f] for f in h.vocabulary], dtype=np.int64)] += h.w
    return HitHead(vocabulary, w / len(heads), sum(h.b for h in heads) / len(heads))


def build() -> dict[str, Any]:
    """Cross-validate at the chosen settings (threshold), ship the mean of the fold models."""
    examples = load_examples()
    cv = cross_validate(examples, L2, MIN_DF, MODEL_FALSE_ALARMS, verbose=True)
    model = average(cv["models"])
    hit = cv["hit"] or {"veto": None}
    hit_head = average_hit_heads(cv["hit_heads"]) if cv["hit_heads"] else None
    data = export(
        model,
        cv["threshold"],
        examples,
        cv["veto"]["veto"],
        cv["veto"]["veto_scope"],
        hit_head,
        hit["veto"],
    )
    if os.environ.get("CRISIS_OOF_DUMP"):  # for studying vetoes without a retrain
        dump = [
            [e.source, e.crisis, e.lexicon, e.kind, e.framed, float(p), float(h), e.text]
            for e, p, h in zip(examples, cv["oof"], cv["hit_oof"], strict=True)
        ]
        Path(os.environ["CRISIS_OOF_DUMP"]).write_text(json.dumps(dump), encoding="utf-8")
    data["metadata"]["veto_cross_validation"] = {
        scope: {k: v for k, v in figures.items() if k != "per_file"}
        for scope, figures in cv["veto"]["scopes"].items()
    }
    if cv["hit"] is not None:
        data["metadata"]["hit_cross_validation"] = cv["hit"]
    data["metadata"]["cross_validation"] = {
        k: cv[k]
        for k in (
            "threshold",
            "recall",
            "false_alarms",
            "lexicons_recall",
            "lexicons_false_alarms",
            "model_recall_asked",
            "model_false_alarms_asked",
            "category_accuracy",
        )
    }
    return data


def encode(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cv", action="store_true", help="cross-validate a small grid, write nothing"
    )
    parser.add_argument(
        "--check", action="store_true", help="retrain; fail if the shipped file differs"
    )
    parser.add_argument(
        "--no-gate", action="store_true", help="keep the new model without running GATE"
    )
    args = parser.parse_args(argv)
    if args.cv:
        examples = load_examples()
        for l2 in (1e-5, 3e-5, 1e-4):
            cross_validate(examples, l2, MIN_DF, MODEL_FALSE_ALARMS)
        return 0
    data = build()
    if args.check:
        shipped = json.loads(gzip.decompress(OUTPUT.read_bytes()))
        same = shipped["metadata"] == data["metadata"]
        print("same as shipped" if same else "DIFFERS from shipped", flush=True)
        return 0 if same else 1
    print(json.dumps(data["metadata"], ensure_ascii=False), flush=True)
    return write_gated(data, (lambda: True) if args.no_gate else passes_gate)


def write_gated(data: dict[str, Any], gate: Callable[[], bool]) -> int:
    """Write the model, keep it only when ``gate`` passes (else put the previous file back)."""
    previous = OUTPUT.read_bytes() if OUTPUT.exists() else None
    OUTPUT.write_bytes(encode(data))
    print(f"wrote {OUTPUT}: {OUTPUT.stat().st_size} bytes", flush=True)
    if gate():
        return 0
    # Kept aside (not committed): a refusal for a reason that turns out to be the test's, not
    # the model's, is then settled by moving the file back, without half an hour of training.
    refused().write_bytes(OUTPUT.read_bytes())
    if previous is None:
        OUTPUT.unlink()
    else:
        OUTPUT.write_bytes(previous)
    print(
        f"REFUSED: the new model fails the pinned tests; the previous file is back, the new one "
        f"is at {refused()}",
        flush=True,
    )
    return 1


def refused() -> Path:
    return OUTPUT.with_name("refused-" + OUTPUT.name)


def passes_gate() -> bool:
    """Whether the written model passes the tests that pin texts to the detector (GATE)."""
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *GATE]
    return subprocess.run(command, cwd=ROOT, check=False).returncode == 0


if __name__ == "__main__":
    sys.exit(main())
