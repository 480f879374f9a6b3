"""How much identifying detail survives redaction, how much ordinary text it costs, how fast.

Usage::

    python -m benchmarks.redaction [--corpus PATH ...] [--show]

Corpus format (YAML): a list of mappings ``{text: str, fragments: [str, ...]}``. ``fragments``
are the exact substrings of ``text`` that identify someone (a name, a handle, a school, a phone
number ...) and must not survive; an empty list marks a message with nothing to remove. The
default corpus is the held-out part: ``tests/privacy/redaction_fragments_heldout.yaml`` (split
off before any tuning) and ``..._heldout_d.yaml`` (written before the last round of tuning);
neither was ever tuned on. The ``..._tuning*.yaml`` files beside them say in their headers how
(b) and (c) were first measured as held-out and then used for tuning. ``--corpus`` may be
given more than once; the files are measured as one corpus.

Figures:

* ``fragments`` / ``surviving`` / ``surviving_share``: a fragment survives when it is still an
  exact substring of the redacted text. Target: share ≤ 0.05.
* ``ordinary_words`` / ``over_redacted`` / ``over_redacted_share``: word tokens outside every
  fragment, and how many of them are missing from the redacted text (multiset difference,
  case-insensitive).
* ``us_per_message``: mean wall time of ``redact()`` per corpus message, after warm-up.
* ``load_s`` / ``rss_mb`` / ``rss_delta_mb``: measured in a fresh Python process that imports
  the redactor and redacts one message (which loads the name lists): wall time of that, its
  peak RSS (``resource.getrusage`` ``ru_maxrss``, bounded by ``VmHWM``: see ``_probe``) and the
  peak RSS above a bare interpreter.

The last line printed is one JSON object with these figures; ``--show`` prints each missed
fragment and each over-redacted message before it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.privacy.redact import redact

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = (
    ROOT / "tests" / "privacy" / "redaction_fragments_heldout.yaml",
    ROOT / "tests" / "privacy" / "redaction_fragments_heldout_d.yaml",
)
WORD = re.compile(r"\w+")

_PROBE = """
import resource, sys, time
start = time.perf_counter()
if sys.argv[1] == "load":
    from bot.privacy.redact import redact
    redact("ik ben Sanne de Vries")
elapsed = time.perf_counter() - start
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, hwm)
"""


def load_corpus(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for case in cases:
        missing = [f for f in case["fragments"] if f not in case["text"]]
        if missing:
            raise SystemExit(f"fragment not in its text: {missing!r}")
    return cases


def ordinary_words(text: str, fragments: list[str]) -> Counter[str]:
    """Word tokens of ``text`` outside every fragment, lower case."""
    blanked = text
    for fragment in fragments:
        blanked = blanked.replace(fragment, " ")
    return Counter(word.lower() for word in WORD.findall(blanked))


def _probe(mode: str) -> tuple[float, float]:
    """Load time and peak RSS (MB) of a fresh interpreter; ``mode`` "bare" loads nothing.

    On Linux ``ru_maxrss`` survives ``exec``: a child starts with the forking parent's peak.
    The probe therefore prints ``VmHWM`` too (reset by ``exec``) and the lower of the two
    is the child's own peak.
    """
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed, maxrss_kb, hwm_kb = done.stdout.split()
    return float(elapsed), min(int(maxrss_kb), int(hwm_kb)) / 1024


def measure(cases: list[dict[str, Any]], show: bool) -> dict[str, Any]:
    total = surviving = words = removed = 0
    for case in cases:
        text, fragments = case["text"], case["fragments"]
        cleaned = redact(text).text
        missed = [f for f in fragments if f in cleaned]
        total += len(fragments)
        surviving += len(missed)
        ordinary = ordinary_words(text, fragments)
        lost = ordinary - Counter(word.lower() for word in WORD.findall(cleaned))
        words += sum(ordinary.values())
        removed += sum(lost.values())
        if show and (missed or lost):
            print(f"missed={missed} lost={sorted(lost)}: {text!r} -> {cleaned!r}")

    texts = [case["text"] for case in cases]
    for text in texts:
        redact(text)
    rounds = max(1, 20_000 // len(texts))
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            redact(text)
    per_message = (time.perf_counter() - start) / (rounds * len(texts))

    load_s, rss_mb = _probe("load")
    _, bare_mb = _probe("bare")
    return {
        "benchmark": "redaction",
        "messages": len(cases),
        "fragments": total,
        "surviving": surviving,
        "surviving_share": round(surviving / total, 4) if total else 0.0,
        "ordinary_words": words,
        "over_redacted": removed,
        "over_redacted_share": round(removed / words, 4) if words else 0.0,
        "us_per_message": round(per_message * 1e6, 1),
        "load_s": round(load_s, 3),
        "rss_mb": round(rss_mb, 1),
        "rss_delta_mb": round(rss_mb - bare_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--show", action="store_true", help="print every miss first")
    args = parser.parse_args()
    paths: list[Path] = args.corpus or list(HELDOUT)
    result = measure([case for path in paths for case in load_corpus(path)], args.show)
    result["corpus"] = "+".join(path.name for path in paths)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
