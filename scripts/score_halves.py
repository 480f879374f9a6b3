"""Score a tuning corpus in two halves: A (studied: errors may be listed) and B (checked only).

    .venv/bin/python scripts/score_halves.py tests/summary/corpora/themes_independent5_tuning.yaml
    .venv/bin/python scripts/score_halves.py PATH --errors     # A's misses only (stderr)

The halves: per (taxonomy, theme), in sorted order, the answers' positions are shuffled with
one ``random.Random(20261203)`` and the first ceil(n / 2) go to A (round 5, docs/summary.md).
B's misses are never listed, only its accuracy, so B says whether changes made for A generalise.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import load_catalog  # noqa: E402
from bot.summary.themes import ThemeMatcher  # noqa: E402

SEED = 20261203


def halves(items: list[dict[str, str]]) -> tuple[list[int], list[int]]:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for at, item in enumerate(items):
        groups[item.get("taxonomy", "default"), item["theme"]].append(at)
    rng = random.Random(SEED)
    first: list[int] = []
    second: list[int] = []
    for key in sorted(groups):
        found = groups[key][:]
        rng.shuffle(found)
        cut = (len(found) + 1) // 2
        first.extend(found[:cut])
        second.extend(found[cut:])
    return sorted(first), sorted(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--errors", action="store_true", help="list half A's misses (stderr)")
    parser.add_argument("--words-only", action="store_true")
    parser.add_argument("--half", choices=("A", "B", "AB"), default="AB")
    args = parser.parse_args()
    items = yaml.safe_load(args.corpus.read_text("utf-8"))
    catalog = load_catalog(ROOT / "flows")
    matchers = {
        key: ThemeMatcher(tax, learned=not args.words_only)
        for key, tax in catalog.taxonomies.items()
    }
    result = {}
    for name, rows in zip("AB", halves(items), strict=True):
        if name not in args.half:
            continue
        right: dict[str, int] = defaultdict(int)
        total: dict[str, int] = defaultdict(int)
        for at in rows:
            item = items[at]
            found = matchers[item.get("taxonomy", "default")].main(item["text"])
            total[item["lang"]] += 1
            right[item["lang"]] += found == item["theme"]
            if found != item["theme"] and args.errors and name == "A":
                print(f"{item['theme']:>18} <- {found:<18} {item['text']}", file=sys.stderr)
        result[name] = {
            "answers": len(rows),
            "accuracy": round(sum(right.values()) / len(rows), 3),
            "per_language": {k: f"{right[k]}/{n}" for k, n in sorted(total.items())},
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
