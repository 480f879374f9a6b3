"""Check that two versions of the crisis detector give the same verdict on every corpus text.

    python scripts/crisis_equivalence.py dump OUT.json      # with PYTHONPATH at one tree
    python scripts/crisis_equivalence.py compare A.json B.json

``dump`` runs the detector of the tree on the import path over the text of every entry (its
``text`` or ``input``) of ``tests/privacy/*.yaml`` and ``tests/summary/corpora/*.yaml`` except
the held-out corpora (names with "heldout", "independent6" or "independent7"), plus
the benchmark's hostile inputs and a few variants of each text (upper case, two texts glued
together), each with no caller language and with each of the five languages, straight to the
detector (no verdict memo). Written per call: the categories found (or null) and a digest of
the text the learned model was given (null when it was not asked), so that a change that
kept every verdict but changed the model's input would show as well.

The texts are read by the script only; nothing is printed but counts.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("nl", "en", "tr", "ar", "pl")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Held-out corpora are never read here: running a changed detector over them, even to compare
# verdicts, is looking at them while tuning.
_NEVER = ("heldout", "independent6", "independent7")


def corpus_texts() -> list[str]:
    files = sorted([*ROOT.glob("tests/privacy/*.yaml"), *ROOT.glob("tests/summary/corpora/*.yaml")])
    files = [path for path in files if not any(word in path.name for word in _NEVER)]
    texts: list[str] = []
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        for entry in data if isinstance(data, list) else []:
            if isinstance(entry, dict):
                for key in ("text", "input"):
                    if isinstance(entry.get(key), str):
                        texts.append(entry[key])
    return texts


def all_inputs() -> tuple[list[str], int]:
    from benchmarks.crisis import HOSTILE

    texts = corpus_texts()
    unique = list(dict.fromkeys(texts))
    variants = [text.upper() for text in unique]
    variants += [a + " " + b for a, b in zip(unique, unique[1:] + unique[:1], strict=True)]
    return list(dict.fromkeys([*unique, *variants, *HOSTILE])), len(texts)


class _Recording:
    """The model, remembering the digest of the text it was asked about."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.asked: str | None = None

    def categories(self, normalized: str) -> Any:
        self.asked = hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self.model.categories(normalized)

    def vetoes(self, normalized: str) -> bool:
        return bool(self.model.vetoes(normalized))


def dump(out: Path) -> None:
    from bot.privacy.safety.detector import Detector, load_detector

    loaded = load_detector()
    recording = _Recording(loaded.model)
    detector = Detector(loaded.lexicons, recording)  # type: ignore[arg-type]
    inputs, corpus_entries = all_inputs()
    results = []
    for text in inputs:
        row = []
        for languages in [(), *((code,) for code in LANGS)]:
            recording.asked = None
            signal = detector.detect(text, languages)
            row.append([sorted(signal.categories) if signal else None, recording.asked])
        results.append(row)
    digest = hashlib.sha256("\x00".join(inputs).encode("utf-8", "surrogatepass")).hexdigest()
    out.write_text(
        json.dumps({"corpus_entries": corpus_entries, "inputs": digest, "results": results}),
        encoding="utf-8",
    )
    print(f"{len(inputs)} inputs, {len(inputs) * 6} calls, {corpus_entries} corpus entries")


def compare(a: Path, b: Path) -> int:
    left, right = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    if left["inputs"] != right["inputs"]:
        print("the two dumps were made over different inputs")
        return 2
    calls = sum(len(row) for row in left["results"])
    verdicts = sum(
        x[0] != y[0]
        for rx, ry in zip(left["results"], right["results"], strict=True)
        for x, y in zip(rx, ry, strict=True)
    )
    model_inputs = sum(
        x[1] != y[1]
        for rx, ry in zip(left["results"], right["results"], strict=True)
        for x, y in zip(rx, ry, strict=True)
    )
    crisis = sum(x[0] is not None for row in left["results"] for x in row)
    print(
        f"{len(left['results'])} texts ({left['corpus_entries']} corpus entries), {calls} calls "
        f"({crisis} with a signal): {verdicts} verdicts and {model_inputs} model inputs differ"
    )
    return 1 if verdicts or model_inputs else 0


if __name__ == "__main__":
    command, *paths = sys.argv[1:]
    if command == "dump":
        dump(Path(paths[0]))
    else:
        sys.exit(compare(Path(paths[0]), Path(paths[1])))
