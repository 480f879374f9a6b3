"""Train the learned theme models (``bot/summary/data/theme-model-<taxonomy>.bin``).

    .venv/bin/python scripts/train_theme_model.py            # train and write both models
    .venv/bin/python scripts/train_theme_model.py --select   # the model selection, printed
    .venv/bin/python scripts/train_theme_model.py --without-half B   # for checking only

Multinomial logistic regression per taxonomy (classes: its themes and ``overig``) over the
hashed features of :mod:`bot.summary.textfeatures`, each answer's features scaled to length 1,
L2-regularised, trained full-batch with Adam from zero weights: no randomness, so the same
corpora give the same file (the header records the corpora's SHA-256 and the settings). Needs
numpy (a development tool; the bot scores the file in plain Python, see
``bot/summary/theme_model.py``).

Training data: ONLY the tuning corpora (``tests/summary/corpora/*_tuning.yaml``), among them
``themes_nonanswers4_tuning.yaml`` (non-answers in five languages written for this model).
Held-out corpora are never read here.

``--select`` reproduces how the settings and the way the matcher combines model and words were
chosen. Today's word lists were tuned on every tuning corpus (97 % on them), so scoring a blend
against them would always say "words only". Instead it takes the word lists of round 2 (commit
86ef9ad, before the third independent corpus and the probe sets existed) as words that never
saw the answers, and for each of those two corpora trains a model on the other corpora and
scores words alone, model alone and the combinations on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import load_catalog  # noqa: E402
from bot.summary.lemmas import tokens  # noqa: E402
from bot.summary.textfeatures import feature_ids  # noqa: E402
from bot.summary.theme_model import MAGIC, model_path  # noqa: E402
from bot.summary.themes import stop_words  # noqa: E402

CORPORA = ROOT / "tests" / "summary" / "corpora"
TUNING = (
    "themes_tuning",
    "themes_fresh_tuning",
    "themes_independent1_tuning",
    "themes_independent3_tuning",
    "themes_probes3_tuning",
    "themes_nonanswers4_tuning",
    "themes_independent5_tuning",
    "themes_independent4_tuning",
)
# Round 5: --without-half B trains without half B of this corpus (scripts/score_halves.py), so
# half B can check that a change generalises (--without-half A: half A's misses on a model that
# never saw them); the shipped models are trained on all of it.
HALVED = "themes_independent5_tuning"
# Chosen by --select (see docs/summary.md, round 4).
BITS = 14
L2 = 1e-5
EPOCHS = 250
LEARNING_RATE = 0.05
BLEND = 4.0
# Round 5: 0.4, the lowest floor at which the everyday non-answers of
# tests/summary/test_themes_matching.py stay "overig" once round 5's corpus is trained on
# ("misschien later" reached 0.376 as werk); it was 0.35 in round 4. Round 6: 0.45, by the same
# rule ("misschien later" reached 0.441 as werk once round 6's corpus is trained on).
FLOOR = 0.45
MIN_WORDS = 2
ROUND2 = "86ef9ad"


def corpus(name: str) -> list[dict[str, str]]:
    assert "heldout" not in name
    items: list[dict[str, str]] = yaml.safe_load((CORPORA / f"{name}.yaml").read_text("utf-8"))
    return items


def featurize(texts: list[str], bits: int) -> np.ndarray:
    matrix = np.zeros((len(texts), 1 << bits), np.float32)
    for row, text in enumerate(texts):
        ids = feature_ids(text, bits)
        matrix[row, ids] = 1.0 / np.sqrt(len(ids))
    return matrix


def train(
    matrix: np.ndarray, labels: np.ndarray, classes: int, l2: float = L2, epochs: int = EPOCHS
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression, mean cross-entropy + l2/2 |W|^2, full-batch Adam from zeros."""
    weights = np.zeros((matrix.shape[1], classes), np.float32)
    bias = np.zeros(classes, np.float32)
    target = np.eye(classes, dtype=np.float32)[labels]
    moments: list[list[np.ndarray]] = [
        [np.zeros_like(weights), np.zeros_like(weights)],
        [np.zeros_like(bias), np.zeros_like(bias)],
    ]
    for epoch in range(1, epochs + 1):
        probabilities = softmax(matrix @ weights + bias)
        error = (probabilities - target) / len(labels)
        grads = (matrix.T @ error + l2 * weights, error.sum(0))
        for param, grad, moment in zip((weights, bias), grads, moments, strict=True):
            moment[0] = 0.9 * moment[0] + 0.1 * grad
            moment[1] = 0.999 * moment[1] + 0.001 * grad * grad
            step = moment[0] / (1 - 0.9**epoch) / (np.sqrt(moment[1] / (1 - 0.999**epoch)) + 1e-8)
            param -= LEARNING_RATE * step
    return weights, bias


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(1, keepdims=True)
    exps = np.exp(logits)
    result: np.ndarray = exps / exps.sum(1, keepdims=True)
    return result


def classes_of(taxonomies: dict[str, Any]) -> dict[str, list[str]]:
    return {
        key: [theme.key for theme in tax.themes] + ["overig"] for key, tax in taxonomies.items()
    }


def fit(items: list[dict[str, str]], classes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    labels = np.array([classes.index(item["theme"]) for item in items])
    return train(featurize([item["text"] for item in items], BITS), labels, len(classes))


def write(
    path: Path, classes: list[str], weights: np.ndarray, bias: np.ndarray, meta: dict[str, Any]
) -> None:
    scales = np.abs(weights).max(0) / 127
    scales[scales == 0] = 1
    quantised = np.round(weights / scales).astype(np.int8)
    header = {
        "classes": classes,
        "bits": BITS,
        "scales": [float(value) for value in scales],
        "biases": [round(float(value), 6) for value in bias],
        "combine": {"blend": BLEND, "floor": FLOOR, "min_words": MIN_WORDS},
        **meta,
    }
    # Stored as unsigned bytes (weight + 128): see bot/summary/theme_model.py.
    stored = (quantised.astype(np.int16) + 128).astype(np.uint8)
    body = zlib.compress(np.ascontiguousarray(stored.T).tobytes(), 9)
    path.write_bytes(MAGIC + json.dumps(header, ensure_ascii=False).encode() + b"\n" + body)


def build(without_half: str = "") -> None:
    catalog = load_catalog(ROOT / "flows")
    data = {name: corpus(name) for name in TUNING}
    if without_half:
        from scripts.score_halves import halves

        keep = halves(data[HALVED])[without_half == "A"]
        data[HALVED] = [data[HALVED][at] for at in keep]
        print(f"without half {without_half} of {HALVED}: NOT a model to ship")
    provenance = {
        name: hashlib.sha256((CORPORA / f"{name}.yaml").read_bytes()).hexdigest()[:16]
        for name in TUNING
    }
    for key, classes in classes_of(catalog.taxonomies).items():
        items = [x for name in TUNING for x in data[name] if x.get("taxonomy", "default") == key]
        weights, bias = fit(items, classes)
        meta = {
            "taxonomy": key,
            "trained_on": provenance,
            "answers": len(items),
            "settings": {"l2": L2, "epochs": EPOCHS, "learning_rate": LEARNING_RATE},
            "trainer": "scripts/train_theme_model.py",
        }
        path = ROOT / "bot" / "summary" / model_path(key)
        write(path, classes, weights, bias, meta)
        print(f"{path.relative_to(ROOT)}: {len(items)} answers, {path.stat().st_size} bytes")


def _word_scores(commit: str) -> dict[str, list[list[list[Any]]]]:
    """Per tuning corpus and answer, the word lists of ``commit``: [[theme, weight], ...]."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "bot", "flows"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        script = _DUMP.format(root=tmp, corpora=str(CORPORA), names=list(TUNING[:5]))
        out = subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=tmp
        ).stdout
    scores: dict[str, list[list[list[Any]]]] = json.loads(out)
    return scores


# Runs in a fresh process on the old code: totals per theme the way its ranked() weighed them.
_DUMP = """
import json, sys
from collections import defaultdict
from pathlib import Path
sys.path.insert(0, {root!r})
import yaml
from bot.engine import load_catalog
from bot.summary import themes as T
matchers = {{k: T.ThemeMatcher(t) for k, t in load_catalog(Path({root!r}) / "flows").taxonomies.items()}}
result = {{}}
for name in {names!r}:
    rows = []
    for item in yaml.safe_load((Path({corpora!r}) / (name + ".yaml")).read_text()):
        m = matchers[item.get("taxonomy", "default")]
        words, hits = m._hits(item["text"])
        turn = next((at for at, w in enumerate(words) if w in T._CONTRAST), len(words))
        weights = defaultdict(dict)
        for hit in hits:
            for at in hit.at:
                w = hit.weight * (T._AFTER_CONTRAST if at > turn else 1.0)
                weights[hit.keyword.theme][at] = max(weights[hit.keyword.theme].get(at, 0), w)
        rows.append([[t, sum(weights[t].values())] for t in m.ranked(item["text"]) if t != "overig"])
    result[name] = rows
print(json.dumps(result))
"""


def combine(scored: list[list[Any]], probs: np.ndarray, classes: list[str], blend: float,
            floor: float, text: str) -> str:  # fmt: skip
    """What ThemeMatcher.ranked does, on arrays."""
    if len(scored) == 1:
        return str(scored[0][0])
    if not scored:
        skip = stop_words()
        content = sum(1 for word in tokens(text) if len(word) >= 2 and word not in skip)
        best = int(probs.argmax())
        return classes[best] if probs[best] >= floor and content >= MIN_WORDS else "overig"
    return str(
        max(
            scored,
            key=lambda pair: (pair[1] + blend * probs[classes.index(pair[0])], -scored.index(pair)),
        )[0]
    )


def select() -> None:
    catalog = load_catalog(ROOT / "flows")
    data = {name: corpus(name) for name in TUNING}
    old = _word_scores(ROUND2)
    settings = [("words", 0.0, 0.0), ("model", -1.0, 0.0)] + [
        ("blend", blend, floor) for blend in (1.0, 2.0, 4.0, 8.0, 16.0) for floor in (0.0, 0.2, 0.35, 0.4, 0.5)
    ]  # fmt: skip
    for held in ("themes_independent3_tuning", "themes_probes3_tuning"):
        right: dict[tuple[str, float, float], int] = defaultdict(int)
        for key, classes in classes_of(catalog.taxonomies).items():
            train_items = [
                x
                for name in TUNING
                if name != held
                for x in data[name]
                if x.get("taxonomy", "default") == key
            ]
            weights, bias = fit(train_items, classes)
            rows = [
                (item, old[held][at])
                for at, item in enumerate(data[held])
                if item.get("taxonomy", "default") == key
            ]
            probs = softmax(featurize([item["text"] for item, _ in rows], BITS) @ weights + bias)
            for (item, scored), prob in zip(rows, probs, strict=True):
                for setting in settings:
                    kind, blend, floor = setting
                    if kind == "words":
                        found = scored[0][0] if scored else "overig"
                    elif kind == "model":
                        found = classes[int(prob.argmax())]
                    else:
                        found = combine(scored, prob, classes, blend, floor, item["text"])
                    right[setting] += found == item["theme"]
        print(held, len(data[held]))
        for setting, count in right.items():
            print(f"  {setting}: {count / len(data[held]):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", action="store_true", help="print the model selection")
    parser.add_argument(
        "--without-half", choices=("A", "B"), help="leave out a half (checking, not shipping)"
    )
    args = parser.parse_args()
    select() if args.select else build(args.without_half or "")


if __name__ == "__main__":
    main()
