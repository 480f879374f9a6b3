"""Plain-language (B1) lint for the flows that jongeren and ouders answer.

Every user-facing text of a consultation flow (step text, info title, option label and
explanation, scale labels, tips, examples, link titles) is measured on its own:

============================  ==========  =====================================================
measure                       limit       why
============================  ==========  =====================================================
message length                ≤ 700       characters; one short chat message
average sentence length       ≤ 15        words per sentence (sentences end in . ! ? or a line)
officialese                   none        words and phrases of ``data/officialese.txt``
Flesch-Douma readability      ≥ 60        only on texts of at least 8 words (see below)
============================  ==========  =====================================================

Readability formulas are averages: on a three-word option label one long word moves the score by
tens of points, so texts shorter than :data:`MIN_WORDS_FOR_READABILITY` words are checked for
length, sentence length and officialese only. Werkgroep flows are written for professionals and
quote the NJi worksheets verbatim; they are not linted.

``textstat.set_lang("nl")`` changes module-global state that every other user of textstat
shares. We call the pure function ``textstat.backend.metrics.flesch_reading_ease(text, "nl")``
(present in textstat 0.7.13), which takes the language as an argument; for releases without it
we fall back to a private ``textstatistics`` instance whose language is set once, here, at
import time and never changed. Either way nothing global is touched and no lock is needed.

Pure: no Telegram, no database. :func:`lint_catalog` is what ``samenspraak flows check`` calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from bot.engine.loader import Catalog
from bot.engine.schema import ChoiceStep, Flow, InfoStep, MultiChoiceStep, ScaleStep, Step
from bot.engine.validate import step_ids

MAX_MESSAGE_CHARS = 700
MAX_AVG_SENTENCE_WORDS = 15.0
MIN_READABILITY = 60.0
MIN_WORDS_FOR_READABILITY = 8

MESSAGE_LENGTH = "message length"
SENTENCE_LENGTH = "average sentence length"
READABILITY = "Flesch-Douma readability"
OFFICIALESE = "officialese"

_FIXES = {
    MESSAGE_LENGTH: "split the text over two steps or shorten it",
    SENTENCE_LENGTH: "split long sentences; one idea per sentence",
    READABILITY: "use shorter sentences and shorter, common words",
    OFFICIALESE: "use an everyday word (see the comments in bot/engine/data/officialese.txt)",
}

_LANG = "nl"


def _make_flesch() -> Callable[[str], float]:
    try:
        from textstat.backend import metrics
    except ImportError:  # pragma: no cover - textstat without the backend package
        from textstat.textstat import textstatistics

        private = textstatistics()
        private.set_lang(_LANG)
        return lambda text: float(private.flesch_reading_ease(text))
    return lambda text: float(metrics.flesch_reading_ease(text, _LANG))


_flesch = _make_flesch()

# A sentence ends at . ! ? … followed by white space, or at a line break (list items, lines).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_BULLET = re.compile(r"^\s*(?:[-•*·]|\d+[.)])\s+", re.MULTILINE)


@dataclass(frozen=True)
class B1Problem:
    """One text of one step that fails one measure."""

    flow: str
    step: str
    field: str
    measure: str
    value: float | str
    limit: str
    text: str
    path: Path | None = None

    def render(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        value = f"{self.value:.1f}" if isinstance(self.value, float) else str(self.value)
        excerpt = " ".join(self.text.split())
        if len(excerpt) > 80:
            excerpt = excerpt[:77] + "..."
        return (
            f"{where}flow {self.flow}, step {self.step} ({self.field}): {self.measure} "
            f"{value} (limit {self.limit}) in {excerpt!r} — fix: {_FIXES[self.measure]}"
        )


@dataclass(frozen=True)
class Measures:
    """What :func:`measure_text` found in one text."""

    chars: int
    words: int
    sentences: int
    avg_sentence_words: float
    readability: float | None
    officialese: tuple[str, ...]


def sentences_of(text: str) -> list[str]:
    """The sentences of ``text`` that contain at least one word."""
    parts = _SENTENCE_BREAK.split(_BULLET.sub("", text.strip()))
    return [part for part in parts if _WORD.search(part)]


def _for_readability(sentences: Iterable[str]) -> str:
    # Close list items and lines with a full stop so textstat counts them as sentences.
    return " ".join(s if s[-1] in ".!?…" else f"{s}." for s in sentences)


def measure_text(text: str) -> Measures:
    """Measure one user-facing text."""
    sentences = sentences_of(text)
    words = sum(len(_WORD.findall(sentence)) for sentence in sentences)
    average = words / len(sentences) if sentences else 0.0
    readability = (
        _flesch(_for_readability(sentences)) if words >= MIN_WORDS_FOR_READABILITY else None
    )
    return Measures(
        chars=len(text),
        words=words,
        sentences=len(sentences),
        avg_sentence_words=average,
        readability=readability,
        officialese=find_officialese(text),
    )


# --- officialese --------------------------------------------------------------------------------


def _entry_pattern(entry: str) -> str:
    parts = []
    for word in entry.split():
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"\s+".join(parts)


def read_officialese(source: str) -> list[str]:
    """The entries of an officialese list: one per line, ``#`` starts a comment."""
    entries = []
    for line in source.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(" ".join(entry.split()))
    return entries


@cache
def officialese_entries() -> tuple[str, ...]:
    """The entries of ``bot/engine/data/officialese.txt``."""
    source = resources.files(__package__).joinpath("data", "officialese.txt").read_text("utf-8")
    return tuple(read_officialese(source))


def compile_officialese(entries: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any entry as a whole word or phrase, longest entries first."""
    alternatives = sorted({_entry_pattern(entry) for entry in entries}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@cache
def _officialese_pattern() -> re.Pattern[str]:
    return compile_officialese(officialese_entries())


def find_officialese(text: str) -> tuple[str, ...]:
    """The officialese words and phrases in ``text``, as written there, in order."""
    return tuple(" ".join(m.group(0).split()) for m in _officialese_pattern().finditer(text))


# --- flows --------------------------------------------------------------------------------------


def _texts(step: Step) -> Iterator[tuple[str, str]]:
    """(field, text) for every text of ``step`` that a participant sees."""
    yield "text", step.text
    if isinstance(step, InfoStep):
        if step.title:
            yield "title", step.title
    else:
        for number, tip in enumerate(step.tips, 1):
            yield f"tip {number}", tip
        for number, example in enumerate(step.examples, 1):
            yield f"example {number}", example
    if isinstance(step, ChoiceStep | MultiChoiceStep):
        for option in step.options:
            yield f"option {option.value}", option.label
            if option.explanation:
                yield f"option {option.value} explanation", option.explanation
    if isinstance(step, ScaleStep):
        if step.min_label:
            yield "min_label", step.min_label
        if step.max_label:
            yield "max_label", step.max_label
    for number, link in enumerate(step.links, 1):
        yield f"link {number}", link.title


def lint_text(text: str) -> list[tuple[str, float | str, str]]:
    """(measure, value, limit) for each measure that ``text`` fails."""
    measures = measure_text(text)
    failures: list[tuple[str, float | str, str]] = []
    if measures.chars > MAX_MESSAGE_CHARS:
        failures.append((MESSAGE_LENGTH, f"{measures.chars} characters", f"≤ {MAX_MESSAGE_CHARS}"))
    if measures.avg_sentence_words > MAX_AVG_SENTENCE_WORDS:
        failures.append(
            (SENTENCE_LENGTH, measures.avg_sentence_words, f"≤ {MAX_AVG_SENTENCE_WORDS:g} words")
        )
    if measures.readability is not None and measures.readability < MIN_READABILITY:
        failures.append((READABILITY, measures.readability, f"≥ {MIN_READABILITY:g}"))
    for word in measures.officialese:
        failures.append((OFFICIALESE, repr(word), "none allowed"))
    return failures


def lint_flow(flow: Flow, path: Path | None = None) -> list[B1Problem]:
    """B1 problems of a jongeren/ouders flow; a werkgroep flow has none by definition."""
    if not flow.audience.is_participant:
        return []
    # The flow title may be shown when a participant opens a campaign link; step "-" marks it.
    texts: list[tuple[str, str, str]] = [("-", "flow title", flow.title)]
    for step, ident in zip(flow.steps, step_ids(flow), strict=True):
        texts.extend((ident, field, text) for field, text in _texts(step))
    return [
        B1Problem(flow.id, ident, field, measure, value, limit, text, path)
        for ident, field, text in texts
        for measure, value, limit in lint_text(text)
    ]


def lint_catalog(catalog: Catalog) -> list[str]:
    """One line per B1 or content problem (see :mod:`bot.engine.content`) in the catalog's
    consultation flows, naming file, flow and step."""
    from bot.engine.content import content_problems

    lines: list[str] = []
    for loaded in sorted(
        catalog.flows.values(), key=lambda loaded: (str(loaded.path), loaded.flow.id)
    ):
        lines.extend(problem.render() for problem in lint_flow(loaded.flow, loaded.path))
        lines.extend(problem.render() for problem in content_problems(loaded.flow, loaded.path))
    return lines
