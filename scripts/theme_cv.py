"""Leave-one-file-out cross-validation of the whole theme matcher, with its errors.

    .venv/bin/python scripts/theme_cv.py                       # today's features and settings
    .venv/bin/python scripts/theme_cv.py --errors              # per theme and confusion pairs
    .venv/bin/python scripts/theme_cv.py --grid                # other combination rules too
    .venv/bin/python scripts/theme_cv.py --cache /tmp/cv.npz   # keep the probabilities

Round 9. Each file of ``HELD_OUT_IN_TURN`` (scripts/train_theme_model.py: the training files
of rounds 7-9, written by people who never saw the theme words, and no word was added for them)
is scored in turn by today's words plus a model trained on every other tuning corpus; prints
the main-theme accuracy per file, pooled and per language, and with ``--errors`` recall per
theme and the most frequent confusions (label -> found). Training runs two folds at a time.
Only tuning corpora are read.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_theme_model as T  # noqa: E402

from bot.engine import load_catalog  # noqa: E402


def _fold(job: tuple[str, str, int, float, float]) -> tuple[str, str, np.ndarray]:
    held, key, bits, l2, independent = job
    catalog = load_catalog(ROOT / "flows")
    names = T.classes_of(catalog.taxonomies)[key]
    data = {name: T.corpus(name) for name in T.TUNING}
    files = [name for name in T.TUNING if name != held]
    rest = [x for name in files for x in data[name] if T._tax(x) == key]
    share = [
        independent if name in T.HELD_OUT_IN_TURN else 1.0
        for name in files
        for x in data[name]
        if T._tax(x) == key
    ]
    labels = np.array([names.index(item["theme"]) for item in rest])
    weights, bias = T.train(
        T.featurize([x["text"] for x in rest], bits),
        labels,
        len(names),
        l2,
        sample_weight=None if independent == 1.0 else np.array(share, np.float32),
    )
    texts = [x["text"] for x in data[held] if T._tax(x) == key]
    probs = T.softmax(T.featurize(texts, bits) @ weights + bias) if texts else np.zeros((0, 1))
    print(f"  {held} {key}", file=sys.stderr, flush=True)
    return held, key, probs


def cv_probabilities(
    bits: int, l2: float, independent: float = 1.0, workers: int = 2
) -> dict[str, np.ndarray]:
    """Per held-out file, each answer's probabilities from a model trained without the file."""
    catalog = load_catalog(ROOT / "flows")
    classes = T.classes_of(catalog.taxonomies)
    width = max(map(len, classes.values()))
    data = {name: T.corpus(name) for name in T.HELD_OUT_IN_TURN}
    jobs = [(held, key, bits, l2, independent) for held in T.HELD_OUT_IN_TURN for key in classes]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        done = pool.map(_fold, jobs, chunksize=1)
    result = {held: np.zeros((len(data[held]), width), np.float32) for held in data}
    for held, key, probs in done:
        rows = [at for at, item in enumerate(data[held]) if T._tax(item) == key]
        if rows:
            result[held][rows, : len(classes[key])] = probs
    return result


class Margin:
    """Round-9 candidate rule: the model's theme the words did not match wins only when it is
    at least ``override`` likely AND ``margin`` more likely than the most likely matched theme;
    otherwise as ``T.choose``."""

    def __init__(self, base: Any, margin: float) -> None:
        self.base, self.margin = base, margin

    def __repr__(self) -> str:
        return f"Margin({self.base}, margin={self.margin})"

    def __call__(self, scored: Any, prob: np.ndarray, names: list[str], content: int) -> str:
        how = self.base
        if scored:
            best = max(range(len(names) - 1), key=lambda at: prob[at])
            top = max(prob[names.index(theme)] for theme, _ in scored)
            matched = any(theme == names[best] for theme, _ in scored)
            if not matched and prob[best] >= how.override and prob[best] - top >= self.margin:
                return names[best]
            how = how._replace(override=2.0)
        return str(T.choose(scored, prob, names, content, how))


class Additive:
    """Round-9 candidate rule: every theme scores its word weight (0 when no word matched it)
    plus ``blend`` times its probability; the best wins if it was matched or is at least
    ``override`` likely. No word matched: as ``T.choose``."""

    def __init__(self, base: Any) -> None:
        self.base = base

    def __repr__(self) -> str:
        return f"Additive({self.base})"

    def __call__(self, scored: Any, prob: np.ndarray, names: list[str], content: int) -> str:
        how = self.base
        if not scored:
            return str(T.choose(scored, prob, names, content, how))
        weight = dict(scored)
        order = {theme: at for at, (theme, _) in enumerate(scored)}
        candidates = [
            theme
            for at, theme in enumerate(names[:-1])
            if theme in weight or prob[at] >= how.override
        ]
        return max(
            candidates,
            key=lambda theme: (
                weight.get(theme, 0.0) + how.blend * prob[names.index(theme)],
                -order.get(theme, 99),
            ),
        )


def _choose(how: Any, scored: Any, prob: np.ndarray, names: list[str], content: int) -> str:
    if callable(how):
        return str(how(scored, prob, names, content))
    return str(T.choose(scored, prob, names, content, how))


def report(probs: dict[str, np.ndarray], how: Any, errors: bool = False) -> dict[str, Any]:
    from bot.summary.themes import ThemeMatcher

    catalog = load_catalog(ROOT / "flows")
    classes = T.classes_of(catalog.taxonomies)
    words = {key: ThemeMatcher(tax, learned=False) for key, tax in catalog.taxonomies.items()}
    per_file: dict[str, tuple[int, int]] = {}
    lang_right: Counter[str] = Counter()
    lang_total: Counter[str] = Counter()
    theme_right: Counter[str] = Counter()
    theme_total: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for held in T.HELD_OUT_IN_TURN:
        right = 0
        items = T.corpus(held)
        for item, prob in zip(items, probs[held], strict=True):
            names = classes[T._tax(item)]
            scored = words[T._tax(item)]._scored(item["text"])
            found = _choose(how, scored, prob[: len(names)], names, T._content(item["text"]))
            ok = found == item["theme"]
            right += ok
            lang_right[item["lang"]] += ok
            lang_total[item["lang"]] += 1
            theme_right[item["theme"]] += ok
            theme_total[item["theme"]] += 1
            if not ok:
                pairs[item["theme"], found] += 1
        per_file[held] = (right, len(items))
    total = sum(n for _, n in per_file.values())
    pooled = sum(r for r, _ in per_file.values()) / total
    print(
        " ".join(f"{held[7:-7]} {r / n * 100:.1f}" for held, (r, n) in per_file.items())
        + f" | pooled {pooled * 100:.1f} ({total}) | "
        + " ".join(f"{k} {lang_right[k] / n * 100:.1f}" for k, n in sorted(lang_total.items()))
    )
    if errors:
        print("recall per theme:")
        for theme, n in sorted(theme_total.items(), key=lambda kv: theme_right[kv[0]] / kv[1]):
            print(f"  {theme:<18} {theme_right[theme]:>4}/{n:<4} {theme_right[theme] / n:.2f}")
        print("confusions (label -> found):")
        for (label, found), count in pairs.most_common(25):
            print(f"  {count:>3}  {label} -> {found}")
    return {"pooled": pooled, "per_file": per_file}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--bits", type=int, default=T.BITS)
    parser.add_argument("--l2", type=float, default=T.L2)
    parser.add_argument(
        "--independent-weight",
        type=float,
        default=T.INDEPENDENT_WEIGHT,
        help="weight of the answers of the independent training files (rounds 7-9)",
    )
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        probs = dict(np.load(args.cache))
    else:
        probs = cv_probabilities(args.bits, args.l2, args.independent_weight)
        if args.cache:
            np.savez(args.cache, **probs)
    print("chosen:", T.Combine())
    report(probs, T.Combine(), errors=args.errors)
    if args.grid:
        for how in (
            T.Combine(override=2.0, single=False),
            T.Combine(single=False),
            *(T.Combine(override=value) for value in (0.3, 0.5, 0.6)),
            *(T.Combine(blend=value) for value in (1.0, 2.0, 8.0)),
            *(Margin(T.Combine(), m) for m in (0.0, 0.1, 0.2, 0.3)),
            *(Margin(T.Combine(override=0.3), m) for m in (0.1, 0.2, 0.3)),
            *(
                Additive(T.Combine(blend=b, override=o))
                for b in (2.0, 4.0, 8.0)
                for o in (0.2, 0.3, 0.4)
            ),
        ):
            print(how)
            report(probs, how)


if __name__ == "__main__":
    main()
