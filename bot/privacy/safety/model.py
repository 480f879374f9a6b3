"""A learned second opinion beside the lexicons: linear models over character and word n-grams.

The lexicons recognise phrasings someone wrote down; on texts nobody here wrote they miss a
quarter of the disclosures (``docs/privacy.md``, "Safety"). This module scores the same
normalised text with two linear models trained on the labelled corpora
(``scripts/train_crisis_model.py``, weights in ``data/crisis_model.json.gz``):

* a **crisis head**: logistic regression, "is this a disclosure?", which fires when its
  probability reaches the threshold chosen by cross-validation (stored with the weights);
* a **category head**: softmax regression over the six categories, asked only when the crisis
  head fires. When no category is confident (probability below ``category_floor``), the
  signal holds every category the head finds plausible, so the reply leads with the line of
  the most urgent of them and still lists every other line (see
  :func:`bot.privacy.helplines.render_help`);
* a **hit head** (round 17): logistic regression trained only on the texts a lexicon fires on,
  "is this lexicon signal a disclosure?", asked only to veto such a signal
  (:meth:`CrisisModel.hit_vetoes`).

Features (:func:`features`): character 2- to 5-grams inside each word padded with a space on
both sides (so "dod" as a whole word differs from "dod" inside "dodelijk"), whole words and
pairs of neighbouring words of the text as :func:`~bot.privacy.safety.normalize.normalize`
returns it (clause marks dropped), each counted once; a text's score is the bias plus the sum
of the weights of its features divided by the square root of their number (L2-normalised
binary features).

Why a hand-written linear model and not a library: the bot must not load torch or
scikit-learn (hundreds of MB and seconds at start-up for a model this size), nothing is
downloaded at run time, and inference is a few hundred dictionary look-ups in pure Python
(tens of microseconds), so numpy is not needed at run time either; the trainer uses numpy.
The weights are plain data (feature string -> weight), small enough to read in a review.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, cast

from bot.privacy.safety.categories import CATEGORIES, CrisisCategory
from bot.privacy.safety.concepts import ConceptTable
from bot.privacy.safety.normalize import CLAUSE

__all__ = [
    "ENABLED",
    "FEATURE_VERSION",
    "CrisisModel",
    "features",
    "forget_words",
    "load_model",
    "parse_model",
    "words_in",
]

# Raised when :func:`features` changes: a model file trained on other features is refused.
FEATURE_VERSION = 1
# On: it added recall on every held-out set (headline 72.4 -> 74.5 %) without a single new false
# alarm there, and a missed disclosure costs more than a help-line message (docs/privacy.md,
# "Round 4"). Off, the weights are not even read.
ENABLED = True
MODEL_PATH = "data/crisis_model.json.gz"
# The scopes a veto may have (``CrisisModel.veto_scope``).
VETO_SCOPES = ("all", "framed")
_CHAR_NGRAMS = range(2, 6)
# Words whose weighed features a model keeps (as many as _word_features keeps features of).
_MEMO_SIZE = 8192


def _gram_slices(length: int) -> tuple[slice, ...]:
    """Where the character n-grams of a padded word of this length are, in order."""
    return tuple(
        slice(start, start + size) for size in _CHAR_NGRAMS for start in range(length - size + 1)
    )


# Per padded length (normalize cuts words at 40 letters): the n-grams are cut in C, without a
# Python step per n-gram (a new word costs a fifth less).
_SLICES = tuple(_gram_slices(length) for length in range(64))


@lru_cache(maxsize=8192)
def _word_features(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    slices = _SLICES[len(padded)] if len(padded) < len(_SLICES) else _gram_slices(len(padded))
    return (f"w:{word}", *map(padded.__getitem__, slices))


def forget_words() -> None:
    """Empty the table of words' features, as at start-up (for measuring)."""
    _word_features.cache_clear()


def words_in(normalized: str) -> int:
    """How many words a normalised text has (clause marks not counted; blanks "_" are)."""
    return sum(word != CLAUSE for word in normalized.split())


def features(normalized: str, concepts: ConceptTable | None = None) -> set[str]:
    """The features of a text already normalised (with or without clause marks); with a
    table of concepts, its ``c:`` and ``cc:`` features too (:mod:`.concepts`)."""
    # Numbers alone say nothing about danger, but ages are frequent in disclosures ("ik ben 13
    # en ..."), so a model that saw them learnt "13" as a suicide word and flagged "bericht 13".
    words = [word for word in normalized.split() if word != CLAUSE and not word.isdigit()]
    found: set[str] = set()
    for word in words:
        found.update(_word_features(word))
    found.update(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    if concepts is not None:
        found.update(concepts.features(normalized))
    return found


@dataclass(frozen=True, slots=True)
class CrisisModel:
    crisis_weights: Mapping[str, float]
    crisis_bias: float
    threshold: float  # probability at which the crisis head fires
    category_weights: Mapping[str, Sequence[float]]  # one weight per category, CATEGORIES order
    category_bias: Sequence[float]
    category_floor: float  # a category this probable alone is the answer
    plausible: float  # below the floor: every category at least this probable
    metadata: Mapping[str, Any]
    # The weights as stored (integers) times this: scaled per text, not per weight when the
    # file is read (that took a tenth of a second of every start).
    scale: float = 1.0
    # A lexicon signal on a text the crisis head finds less probable than this is dropped
    # (never above ``threshold``); None: no veto, the lexicons' signals stand as they are.
    # Chosen, or refused, by the trainer's cross-validation (docs/privacy.md, "Safety").
    veto: float | None = None
    # Which lexicon signals the veto may drop: "all", or only "framed" ones (a laugh, a medium
    # or lesson, a past that is over: :mod:`~bot.privacy.safety.frames`), so that an explicit
    # disclosure without such a frame is never vetoed.
    veto_scope: str = "all"
    # Words read as shared concepts (round 15): the model's ``c:``/``cc:`` features; None in a
    # model trained without them.
    concepts: ConceptTable | None = None
    # The hit head (round 17): a logistic model trained only on texts a lexicon fires on,
    # "is this lexicon signal a disclosure?" (weights as stored, times ``scale``). A signal on
    # a text of at least ``hit_min_words`` words, with no earnest word, that the head finds
    # less probable than ``hit_veto`` and the crisis head less than ``hit_model_ceiling`` is
    # dropped; None: no such veto. Chosen, or refused, by the trainer's cross-validation
    # (docs/privacy.md, "Round 17").
    hit_weights: Mapping[str, float] = field(default_factory=dict)
    hit_bias: float = 0.0
    hit_veto: float | None = None
    hit_min_words: int = 0
    hit_model_ceiling: float = 0.0
    # Per word: its features, and those of them with a crisis weight with their weights, so
    # that a known word is not looked up in the big table of weights again (bounded).
    _words: dict[str, tuple[tuple[str, ...], dict[str, float]]] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def forget_words(self) -> None:
        """Empty the table of words' weighed features, as at start-up (for measuring)."""
        self._words.clear()

    def vetoes(self, normalized: str, framed: Callable[[], bool] = lambda: True) -> bool:
        """Whether a lexicon signal on ``normalized`` is dropped (:attr:`veto`); ``framed``
        says whether the text holds a distancing frame (asked only for the "framed" scope)."""
        if self.veto is None or (self.veto_scope == "framed" and not framed()):
            return False
        return self.crisis_probability(normalized) < self.veto

    def hit_vetoes(self, normalized: str, earnest: Callable[[], bool] = lambda: False) -> bool:
        """Whether the hit head drops a lexicon signal on ``normalized`` (:attr:`hit_veto`).

        Never on a short text: a few words hold nothing beside the lexicon's match that could
        show it is a joke or a topic ("ik overweeg zelfdoding", "mijn broer slaat me in
        elkaar" score low only for lack of context); never when ``earnest()`` says the writer
        means it (:func:`~bot.privacy.safety.frames.earnest`); never when the crisis head finds
        the text at least ``hit_model_ceiling`` probable: both models must find it improbable
        (an attack on the head had disclosures dressed as a lesson or a joke that the crisis
        head still found likely, docs/privacy.md, "Round 17")."""
        if self.hit_veto is None or words_in(normalized) < self.hit_min_words or earnest():
            return False
        # The crisis head first: most disclosures a lexicon finds score above the ceiling, so
        # the head is seldom read; both read the same features, found once.
        found, total = self._weighed(normalized)
        if self._crisis_probability(found, total) >= self.hit_model_ceiling:
            return False
        return self._hit_probability(found) < self.hit_veto

    def hit_probability(self, normalized: str) -> float:
        """The hit head's probability that a lexicon signal on ``normalized`` is a disclosure."""
        return self._hit_probability(self._weighed(normalized)[0])

    def _hit_probability(self, found: set[str]) -> float:
        weights = self.hit_weights
        total = math.fsum(map(weights.get, found, itertools.repeat(0.0)))
        scale = self.scale / math.sqrt(len(found)) if found else 0.0
        return _sigmoid(self.hit_bias + total * scale)

    def crisis_probability(self, normalized: str) -> float:
        return self._crisis_probability(*self._weighed(normalized))

    def _weighed(self, normalized: str) -> tuple[set[str], float]:
        """:func:`features` of the text and the sum of their crisis weights (unscaled).

        The sum is over the same distinct features as ``fsum(weights.get(f, 0.0) for f in
        features(normalized))``, and ``fsum`` is exact whatever the order: the same number.
        """
        weights, known = self.crisis_weights, self._words
        words = [word for word in normalized.split() if word != CLAUSE and not word.isdigit()]
        found: set[str] = set()
        weighed: dict[str, float] = {}
        for word in words:
            entry = known.get(word)
            if entry is None:
                grams = _word_features(word)
                found_weights = map(weights.get, grams)  # one look-up per feature
                entry = (
                    grams,
                    {g: w for g, w in zip(grams, found_weights, strict=True) if w is not None},
                )
                if len(known) >= _MEMO_SIZE:
                    known.clear()
                known[word] = entry
            found.update(entry[0])
            weighed.update(entry[1])  # a feature of two words counts once
        extra = {f"b:{a} {b}" for a, b in itertools.pairwise(words)}
        if self.concepts is not None:
            extra |= self.concepts.features(normalized)
        for feature in extra:
            found.add(feature)
            weight = weights.get(feature)
            if weight is not None:
                weighed[feature] = weight
        return found, math.fsum(weighed.values())

    def _crisis_probability(self, found: set[str], total: float | None = None) -> float:
        """``total``: the sum of the crisis weights of ``found`` (unscaled), if known."""
        if not found:
            return 0.0
        if total is None:
            # The same sum as over a generator, without a Python frame per feature.
            total = math.fsum(map(self.crisis_weights.get, found, itertools.repeat(0.0)))
        return _sigmoid(self.crisis_bias + total * self.scale / math.sqrt(len(found)))

    def category_probabilities(self, normalized: str) -> dict[CrisisCategory, float]:
        return self._category_probabilities(features(normalized, self.concepts))

    def _category_probabilities(self, found: set[str]) -> dict[CrisisCategory, float]:
        scores = list(self.category_bias)
        scale = self.scale / math.sqrt(len(found)) if found else 0.0
        for feature in found:
            row = self.category_weights.get(feature)
            if row is not None:
                for index, weight in enumerate(row):
                    scores[index] += weight * scale
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {category: e / total for category, e in zip(CATEGORIES, exps, strict=True)}

    def categories(self, normalized: str) -> set[CrisisCategory]:
        """The categories the model finds in ``normalized``; empty when it does not fire."""
        found, total = self._weighed(normalized)
        if self._crisis_probability(found, total) < self.threshold:
            return set()
        probabilities = self._category_probabilities(found)
        best = max(probabilities, key=probabilities.__getitem__)
        if probabilities[best] >= self.category_floor:
            return {best}
        return {c for c, p in probabilities.items() if p >= self.plausible} | {best}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def parse_model(data: Mapping[str, Any]) -> CrisisModel:
    """The model in ``data`` (the decoded JSON the trainer writes)."""
    if data.get("feature_version") != FEATURE_VERSION:
        raise ValueError(
            f"crisis model has feature version {data.get('feature_version')!r}, "
            f"the code {FEATURE_VERSION}: retrain with scripts/train_crisis_model.py"
        )
    if list(data["categories"]) != list(CATEGORIES):
        raise ValueError("crisis model categories differ from CATEGORIES: retrain")
    veto = data.get("veto")
    hit_veto = data.get("hit_veto")
    if veto is not None and not 0.0 <= float(veto) <= float(data["threshold"]):
        raise ValueError(f"crisis model veto {veto!r} is not between 0 and the threshold")
    if hit_veto is not None and not 0.0 <= float(hit_veto) <= 1.0:
        raise ValueError(f"crisis model hit veto {hit_veto!r} is not a probability")
    if not 0.0 <= float(data.get("hit_model_ceiling", 0.0)) <= float(data["threshold"]):
        raise ValueError("crisis model hit veto's model ceiling is not below the threshold")
    scope = data.get("veto_scope", "all")
    if scope not in VETO_SCOPES:
        raise ValueError(f"crisis model veto scope {scope!r} is not one of {VETO_SCOPES}")
    return CrisisModel(
        # Integers, scaled when a text is scored (``scale``).
        crisis_weights=cast(dict[str, int], data["crisis_weights"]),
        crisis_bias=float(data["crisis_bias"]),
        threshold=float(data["threshold"]),
        category_weights=cast(dict[str, list[int]], data["category_weights"]),
        category_bias=tuple(float(b) for b in data["category_bias"]),
        category_floor=float(data["category_floor"]),
        plausible=float(data["plausible"]),
        metadata=cast(dict[str, Any], data.get("metadata", {})),
        scale=float(data["scale"]),  # weights are stored as integers times this
        veto=None if veto is None else float(veto),
        veto_scope=scope,
        concepts=ConceptTable.from_data(data["concepts"]) if data.get("concepts") else None,
        hit_weights=cast(dict[str, int], data.get("hit_weights", {})),
        hit_bias=float(data.get("hit_bias", 0.0)),
        hit_veto=None if hit_veto is None else float(hit_veto),
        hit_min_words=int(data.get("hit_min_words", 0)),
        hit_model_ceiling=float(data.get("hit_model_ceiling", 0.0)),
    )


def read_model_data() -> dict[str, Any]:
    raw = resources.files("bot.privacy").joinpath(MODEL_PATH).read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


@cache
def load_model() -> CrisisModel | None:
    """The shipped model, read once (about 0.15 s); None while :data:`ENABLED` is off."""
    return parse_model(read_model_data()) if ENABLED else None
