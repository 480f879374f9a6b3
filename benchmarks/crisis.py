"""Quality and speed of the crisis detector on a labelled corpus.

    python -m benchmarks.crisis [--corpus PATH] [--show-misses]

Corpus format (YAML): a list of mappings ``{text: str, lang: nl|en|tr|ar|pl, crisis: bool,
category: str | null}``; ``category`` is the expected primary kind of danger (suicide,
self_harm, abuse, sexual, online_sexual, unsafe_home) and null when ``crisis`` is false.

By default these HELD-OUT sets are scored, none of which the lexicons were tuned on. Since
round 18 the sets independent6 to independent11 are their held-out halves (about 105
disclosures and 100 ordinary texts each): each was split per language and category after it had
been scored whole, and the other half became training material for the model
(``crisis_corpus_independent<n>_tuning.yaml``); the figures of the whole files before round 18
are in docs/privacy.md. The newest three sets are whole.

* ``independent14_heldout`` (``tests/privacy/crisis_corpus_independent14_heldout.yaml``, the
  headline figures): 400 texts written at the start of round 18 by a helper briefed as the
  external testers and asked for mostly indirect disclosures (40 + 40 per language), scored as
  it arrived and after round 18's steps, read by no one who changed the detector, never tuned
  on, whole;
* ``independent13_heldout`` (``tests/privacy/crisis_corpus_independent13_heldout.yaml``): 400 texts written at the start of round 17 by a helper briefed as the
  external testers (40 + 40 per language), scored as it arrived and after round 17's steps, read
  by no one who changed the detector, never tuned on, whole;
* ``independent12_heldout`` (``tests/privacy/crisis_corpus_independent12_heldout.yaml``): 400 texts written at the start of round 16 by a helper briefed as the
  external testers (an honest, hard test set: what real users type, the disclosures a keyword
  detector misses, the lookalikes a trigger-happy one flags; 40 + 40 per language), scored as it
  arrived and after round 16's steps, read by no one who changed the detector, never tuned on,
  whole;
* ``independent11_heldout`` (``tests/privacy/crisis_corpus_independent11_heldout.yaml``): 400 texts written at the start of round 15 by a helper briefed as the
  external testers (former Kindertelefoon and 113 chat volunteer, safeguarding officer with
  Arabic-, Turkish- and Polish-speaking families, sceptical tester), asked for the disclosures
  a real detector misses; scored as it arrived and after round 15's steps, read by no one who
  changed the detector, never tuned on, whole;
* ``independent10_heldout`` (``tests/privacy/crisis_corpus_independent10_heldout.yaml``): 400 texts written during round 13 by a helper briefed as the external
  testers (former Kindertelefoon chat volunteer, safeguarding officer with Arabic-, Turkish-
  and Polish-speaking families, sceptical tester); scored as it arrived and after round 13's
  steps, read by no one who changed the detector, never tuned on, whole;
* ``independent9_heldout`` (``tests/privacy/crisis_corpus_independent9_heldout.yaml``): 400
  texts written at the start of round 12 by a helper briefed as the external testers (former
  Kindertelefoon volunteer, child-protection social worker with migrant families, sceptical
  tester); scored before round 12 and after its steps, read by no one who changed the
  detector, never tuned on, whole;
* ``independent8_heldout`` (``tests/privacy/crisis_corpus_independent8_heldout.yaml``): 400
  texts written at the start of round 11 by a helper briefed as the external testers
  (safeguarding trainer, youth worker, interpreter); scored before round 11 and after its
  steps, read by no one who changed the detector, never tuned on, whole;
* ``independent7_heldout`` (``tests/privacy/crisis_corpus_independent7_heldout.yaml``): 400
  texts written at the start of round 9 by another helper briefed as the external testers;
  scored before rounds 9 and 10 and after their steps, read by no one who changed the
  detector, never tuned on, whole;
* ``independent6_heldout`` (``tests/privacy/crisis_corpus_independent6_heldout.yaml``): 400 texts written at the start of round 7 by a helper briefed as the
  external testers, who saw no code, lexicon, model or corpus; scored before round 7 and after
  each of its steps, never tuned on, whole;
* ``independent3_heldout`` (``tests/privacy/crisis_corpus_independent3_heldout.yaml``): half of 370 texts written on 2026-12-03 by a helper who had never seen the
  lexicons, split by language and category before any scoring; the other half tuned round 3;
* ``independent4_heldout`` (``tests/privacy/crisis_corpus_independent4_heldout.yaml``): half of
  677 texts written later that day by another helper who had never seen the lexicons, scored
  whole three times while nothing was tuned on it, then split by language and category; the
  other half tuned round 6;
* ``fresh_heldout`` (``tests/privacy/crisis_corpus_fresh_heldout.yaml``):
  40% of a second corpus written on 2026-12-03 before the detector was changed for it, in the
  manner of an independent tester (indirect phrasing, slang, glued words, mixed languages);
* ``fresh2_heldout`` (``tests/privacy/crisis_corpus_fresh2_heldout.yaml``): half of a third
  corpus, mostly indirect Dutch, written after the first round of structural work;
* ``heldout`` (``tests/privacy/crisis_corpus_heldout.yaml``): the first corpus's held-out third.

``--corpus`` scores one other file of the same format instead.

``--speed-only`` reads no held-out file: it times the detector over the training corpora
(``TRAINING`` of ``scripts/train_crisis_model.py``; tests/privacy/) and prints, as one JSON
line last, the median, p95 and max microseconds per message for the first sight of each text
(the words of the texts before it known, as in the bot), for a warm repeat of the same text,
and with the tables of words emptied first (every word new), plus the hostile inputs.

Each text is checked as the bot checks it: ``detect_crisis(text, languages=(lang,))``, the
author's language standing in for the user's chosen language; that is the lexicons and, where
they stay silent, the learned model (``bot/privacy/safety/model.py``) when its data file
switches it on.

Printed, as ONE JSON line last:

* ``recall``: share of crisis texts that give a signal; ``category_recall``: share of crisis
  texts whose signal contains the expected category (the right help line is in the reply);
* ``false_alarm_rate``: share of ordinary texts that give a signal;
* ``recall_per_category`` and ``recall_per_language`` (signal given, per expected category
  and per language), with the counts behind them;
* ``recall_as_dutch_user`` and ``false_alarm_rate_as_dutch_user``: the same texts checked as
  the bot checks a user who chose Dutch (``languages=("nl",)``), whatever language they write
  in: Dutch teenagers write English, parents their own language;
* ``us_per_message_mean`` and ``us_per_message_p99``: wall-clock microseconds per call over all
  corpus texts plus a few huge and hostile inputs (100 kB of text, control and zero-width
  characters, mixed scripts, right-to-left marks), after one warm-up call, on this machine;
  ``us_corpus_mean`` / ``us_corpus_median`` / ``us_corpus_p99`` over the corpus texts alone
  (on a busy shared machine the mean and p99 carry scheduling noise; the median does not), ``us_hostile_max`` the
  slowest hostile input (only the first 4096 characters of any text are read), each with the
  detector's tables of words emptied first.

Every call is timed straight on the detector (``Detector.detect``), never through
``detect_crisis``, whose memo of recent verdicts would answer a text seen before. The detector
keeps small tables per word (what a word becomes in each lexicon, how a glued word splits,
which phrase groups it can take part in, its fuzzy keyword, its features for the model), as the
bot does between messages; the first call on a text
is timed with the words of the texts before it known. ``us_corpus_no_word_tables_median`` /
``_mean`` time each text once more with those tables emptied first (every word new: the
detector's worst case); ``us_corpus_best_of_3_mean`` / ``_median`` are over each text's fastest
of three calls (the scheduling noise of a shared machine left out).

Misses and false alarms are listed above the JSON line only with ``--show-misses``. Never read
them for a held-out set while tuning (that would make it a tuning set); use ``--corpus`` with
``tests/privacy/crisis_corpus_fresh_tuning.yaml`` or ``crisis_corpus_tuning.yaml`` instead.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "privacy"
HELDOUT_SETS = {
    "independent14_heldout": CORPORA / "crisis_corpus_independent14_heldout.yaml",
    "independent13_heldout": CORPORA / "crisis_corpus_independent13_heldout.yaml",
    "independent12_heldout": CORPORA / "crisis_corpus_independent12_heldout.yaml",
    "independent11_heldout": CORPORA / "crisis_corpus_independent11_heldout.yaml",
    "independent10_heldout": CORPORA / "crisis_corpus_independent10_heldout.yaml",
    "independent9_heldout": CORPORA / "crisis_corpus_independent9_heldout.yaml",
    "independent8_heldout": CORPORA / "crisis_corpus_independent8_heldout.yaml",
    "independent7_heldout": CORPORA / "crisis_corpus_independent7_heldout.yaml",
    "independent6_heldout": CORPORA / "crisis_corpus_independent6_heldout.yaml",
    "independent3_heldout": CORPORA / "crisis_corpus_independent3_heldout.yaml",
    "independent4_heldout": CORPORA / "crisis_corpus_independent4_heldout.yaml",
    "fresh_heldout": CORPORA / "crisis_corpus_fresh_heldout.yaml",
    "fresh2_heldout": CORPORA / "crisis_corpus_fresh2_heldout.yaml",
    "heldout": CORPORA / "crisis_corpus_heldout.yaml",
}
# The freshest measure: the newest corpus nobody here tuned on.
HEADLINE = "independent14_heldout"

HOSTILE = [
    "ik wil dood " * 9_000,
    "a" * 100_000,
    "\u200b".join("zelfmoord") + " \u202e\u2066\u2069\u200f" * 200,
    "".join(chr(c) for c in range(0, 0x3000, 7)),
    "مرحبا hallo привет 你好 🙂 " * 500,
    "\x00\x01\x02\x1b[31m" * 2_000,
    " ".join("z e l f m o o r d" for _ in range(500)),
]


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _p99(sorted_timings: list[float]) -> float:
    return round(sorted_timings[min(len(sorted_timings) - 1, int(len(sorted_timings) * 0.99))], 1)


def score(corpus: list[dict[str, Any]], show_misses: bool = False) -> dict[str, Any]:
    from bot.privacy.crisis import load_lexicon

    detector = load_lexicon()
    detector.detect("warm-up")
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    timings: list[float] = []
    best_of_3: list[float] = []
    no_word_tables: list[float] = []
    right_category = false_alarms = negatives = positives = detected = 0
    dutch_user_detected = dutch_user_false_alarms = 0
    for case in corpus:
        # Straight to the detector: the bot's memo of recent verdicts (detect_crisis) would
        # answer a text that occurs twice. The detector's tables of words stay (as in the bot).
        started = time.perf_counter()
        signal = detector.detect(case["text"], (case["lang"],))
        timings.append((time.perf_counter() - started) * 1e6)
        repeats = []
        for _ in range(2):
            started = time.perf_counter()
            detector.detect(case["text"], (case["lang"],))
            repeats.append((time.perf_counter() - started) * 1e6)
        best_of_3.append(min(timings[-1], *repeats))
        detector.forget_words()  # as if every word were new: the detector's worst case
        started = time.perf_counter()
        detector.detect(case["text"], (case["lang"],))
        no_word_tables.append((time.perf_counter() - started) * 1e6)
        as_dutch_user = detector.detect(case["text"], ("nl",)) is not None
        if case["crisis"]:
            dutch_user_detected += as_dutch_user
            positives += 1
            found = signal is not None
            detected += found
            right_category += bool(signal and case["category"] in signal.categories)
            for key in (f"category:{case['category']}", f"lang:{case['lang']}"):
                totals[key] += 1
                hits[key] += found
            missed = not found or case["category"] not in signal.categories  # type: ignore[union-attr]
            if missed and show_misses:
                got = sorted(signal.categories) if signal else None
                print(f"miss [{case['lang']} {case['category']}] {case['text']!r} -> {got}")
        else:
            negatives += 1
            dutch_user_false_alarms += as_dutch_user
            if signal is not None:
                false_alarms += 1
            if signal is not None and show_misses:
                print(
                    f"false alarm [{case['lang']}] {case['text']!r} -> {sorted(signal.categories)}"
                )
    corpus_timings = sorted(timings)
    hostile_timings = []
    for text in HOSTILE:
        detector.forget_words()
        started = time.perf_counter()
        detector.detect(text, ("ar",))
        hostile_timings.append((time.perf_counter() - started) * 1e6)
    detector.forget_words()
    timings = sorted(timings + hostile_timings)

    def per(prefix: str) -> dict[str, Any]:
        return {
            key.split(":", 1)[1]: {"recall": _rate(hits[key], totals[key]), "n": totals[key]}
            for key in sorted(totals)
            if key.startswith(prefix)
        }

    return {
        "benchmark": "crisis",
        "texts": len(corpus),
        "crisis_texts": positives,
        "ordinary_texts": negatives,
        "recall": _rate(detected, positives),
        "category_recall": _rate(right_category, positives),
        "false_alarm_rate": _rate(false_alarms, negatives),
        "recall_per_category": per("category:"),
        "recall_per_language": per("lang:"),
        "recall_as_dutch_user": _rate(dutch_user_detected, positives),
        "false_alarm_rate_as_dutch_user": _rate(dutch_user_false_alarms, negatives),
        "us_per_message_mean": round(statistics.fmean(timings), 1),
        "us_per_message_p99": _p99(timings),
        "us_corpus_mean": round(statistics.fmean(corpus_timings), 1),
        "us_corpus_median": round(statistics.median(corpus_timings), 1),
        "us_corpus_p99": _p99(corpus_timings),
        "us_corpus_best_of_3_mean": round(statistics.fmean(best_of_3), 1),
        "us_corpus_best_of_3_median": round(statistics.median(best_of_3), 1),
        "us_corpus_no_word_tables_median": round(statistics.median(no_word_tables), 1),
        "us_corpus_no_word_tables_mean": round(statistics.fmean(no_word_tables), 1),
        "us_hostile_max": round(max(hostile_timings), 1),
        "timed_calls": len(timings),
    }


def _training_files() -> list[Path]:
    """The trainer's ``TRAINING`` files, read from its source (scripts/ is not a package)."""
    import ast

    source = (ROOT / "scripts" / "train_crisis_model.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "TRAINING":
            names = ast.literal_eval(node.value)
            break
    else:
        raise SystemExit("no TRAINING list in scripts/train_crisis_model.py")
    never = ("heldout", "independent6", "independent7")
    return [CORPORA / name for name in names if not any(word in name for word in never)]


def _spread(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max": round(ordered[-1], 1),
    }


def speed(repeats: int = 1) -> dict[str, Any]:
    """Microseconds per message over the training corpora (no held-out file is read)."""
    from bot.privacy.crisis import load_lexicon

    cases = [case for path in _training_files() for case in _load(path)]
    detector = load_lexicon()
    detector.detect("warm-up")
    first: list[float] = []
    warm: list[float] = []
    no_word_tables: list[float] = []
    clock = time.perf_counter
    for _ in range(repeats):
        detector.forget_words()
        for case in cases:
            text, languages = case["text"], (case["lang"],)
            started = clock()
            detector.detect(text, languages)
            first.append((clock() - started) * 1e6)
            started = clock()
            detector.detect(text, languages)
            warm.append((clock() - started) * 1e6)
        for case in cases:
            detector.forget_words()
            started = clock()
            detector.detect(case["text"], (case["lang"],))
            no_word_tables.append((clock() - started) * 1e6)
    hostile = []
    for text in HOSTILE:
        detector.forget_words()
        started = clock()
        detector.detect(text, ("ar",))
        hostile.append((clock() - started) * 1e6)
    detector.forget_words()
    return {
        "benchmark": "crisis-speed",
        "texts": len(cases),
        "files": len(_training_files()),
        "us_first_sight": _spread(first),
        "us_warm": _spread(warm),
        "us_no_word_tables": _spread(no_word_tables),
        "us_hostile_max": round(max(hostile), 1),
    }


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def _load(path: Path) -> list[dict[str, Any]]:
    corpus: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return corpus


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="score this file instead of the held-out sets")
    parser.add_argument("--show-misses", action="store_true", help="list misses and false alarms")
    parser.add_argument(
        "--speed-only", action="store_true", help="time the training corpora; no held-out file"
    )
    parser.add_argument("--repeats", type=int, default=1, help="passes for --speed-only")
    args = parser.parse_args(argv)
    if args.speed_only:
        result = speed(args.repeats)
    elif args.corpus is not None:
        result = {"corpus": _relative(args.corpus), **score(_load(args.corpus), args.show_misses)}
    else:
        sets = {name: score(_load(path), args.show_misses) for name, path in HELDOUT_SETS.items()}
        headline = sets[HEADLINE]
        result = {
            "benchmark": "crisis",
            "corpus": _relative(HELDOUT_SETS[HEADLINE]),
            **{key: value for key, value in headline.items() if key != "benchmark"},
            "sets": {
                name: {"corpus": _relative(HELDOUT_SETS[name]), **figures}
                for name, figures in sets.items()
            },
        }
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    sys.exit(main())
