"""Show a :class:`~bot.summary.model.Summary` as Telegram HTML, Markdown or JSON, in Dutch.

Text is built once as a list of :class:`Block` values (heading, line, list item, quote) and
then written out per format, so the plan export reuses exactly what ``/samenvatting`` shows.
Source strings go through ``gettext`` before formatting with named placeholders; numbers,
percentages and months are formatted by Babel for ``locale``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.privacy.disclosure import SUPPRESSED_REASON, Cell
from bot.split import TELEGRAM_LIMIT, split_message
from bot.summary.model import (
    NO_LABEL,
    AudienceSummary,
    QuestionSummary,
    RoundSummary,
    Row,
    StepSummary,
    Summary,
)
from bot.summary.themes import OVERIG

__all__ = [
    "TELEGRAM_LIMIT",
    "Block",
    "Formatter",
    "markdown",
    "plain",
    "render_json",
    "render_markdown",
    "render_plain",
    "render_text",
    "split_message",
    "split_summary",
    "step_blocks",
    "summary_blocks",
    "summary_to_dict",
    "untranslated",
]

Gettext = Callable[[str], str]


def untranslated(text: str) -> str:
    """The default ``gettext``: Dutch source strings as they are."""
    return text


def N_(text: str) -> str:
    """Mark a string for extraction without translating it here."""
    return text


AUDIENCE_NAMES = {"jongeren": N_("Jongeren"), "ouders": N_("Ouders")}


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the document: ``kind`` is title, heading, subheading, text, item, quote
    or note; ``lead`` is an optional emphasised start (an option or theme name)."""

    kind: str
    text: str
    lead: str | None = None
    level: int = 0  # heading depth below the document's top, for Markdown and DOCX


class Formatter:
    """Numbers, percentages, months and suppressed cells in one locale and language."""

    def __init__(self, gettext: Gettext = untranslated, locale: str = "nl") -> None:
        self.gettext = gettext
        self.locale = locale

    def __call__(self, text: str, **values: Any) -> str:
        """Translate first, then fill the named placeholders."""
        translated = self.gettext(text)
        return translated % values if values else translated

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def cell(self, cell: Cell) -> str:
        if cell.count is None:
            return self.gettext(cell.reason or SUPPRESSED_REASON)
        return self.number(cell.count)

    def share(self, share: float | None) -> str | None:
        return None if share is None else format_percent(share, locale=self.locale)

    def month(self, month: str) -> str:
        year, number = (int(part) for part in month.split("-"))
        return format_date(date(year, number, 1), "MMMM y", locale=self.locale)

    def audience(self, audience: str) -> str:
        return self.gettext(AUDIENCE_NAMES.get(audience, audience))

    def label(self, label: str) -> str:
        return self.gettext(N_("zonder label")) if label == NO_LABEL else label


# --- blocks ---------------------------------------------------------------------------------------


def summary_blocks(summary: Summary, fmt: Formatter) -> list[Block]:
    blocks = [
        Block("title", fmt(N_("Samenvatting: %(werkgroep)s"), werkgroep=summary.werkgroep_name)),
        Block(
            "note",
            fmt(
                N_(
                    "%(template)s. Wat jongeren en ouders zeggen, samengeteld. Een getal staat "
                    "er alleen als het op minstens %(k)s mensen rust; anders staat er: "
                    "te weinig antwoorden."
                ),
                template=summary.template_title,
                k=summary.k,
            ),
        ),
    ]
    if not summary.steps:
        blocks.append(Block("text", fmt(N_("Er zijn nog geen campagnes voor jongeren of ouders."))))
    for step in summary.steps:
        blocks.extend(step_blocks(step, fmt, level=1))
    return blocks


def step_blocks(
    step: StepSummary, fmt: Formatter, level: int = 1, heading: bool = True
) -> list[Block]:
    """The voice of jongeren and ouders at one step (also used inside the plan, which has
    its own step heading: ``heading=False``)."""
    blocks = []
    if heading:
        title = (
            fmt(N_("Stap %(number)s: %(title)s"), number=step.number, title=step.title)
            if step.number
            else step.title
        )
        blocks.append(Block("heading", title, level=level))
    latest, previous = step.latest, step.previous
    if latest is None:
        blocks.append(Block("text", fmt(N_("Nog geen antwoorden van jongeren of ouders."))))
        return blocks
    blocks.append(Block("subheading", _round_title(latest, fmt), level=level + 1))
    if previous is not None:
        blocks.append(
            Block(
                "note",
                fmt(
                    N_("Tussen haakjes staat wat ronde %(round)s liet zien."), round=previous.round
                ),
            )
        )
    if previous is not None:
        blocks.append(_previous_participants(previous, fmt))
    blocks.extend(_audiences(latest, previous, fmt, level))
    if previous is not None:
        # Audiences heard only in the previous round still belong in the picture.
        only_before = [
            audience
            for audience in previous.audiences
            if latest.audience(audience.audience) is None
        ]
        if only_before:
            blocks.append(Block("subheading", _round_title(previous, fmt), level=level + 1))
            blocks.extend(_audiences(previous, None, fmt, level, only_before))
    return blocks


def _audiences(
    shown: RoundSummary,
    previous: RoundSummary | None,
    fmt: Formatter,
    level: int,
    audiences: Sequence[AudienceSummary] | None = None,
) -> list[Block]:
    blocks: list[Block] = []
    for audience in shown.audiences if audiences is None else audiences:
        before = previous.audience(audience.audience) if previous else None
        blocks.append(Block("subheading", fmt.audience(audience.audience), level=level + 2))
        line = fmt(
            N_("Deelnemers: %(n)s (helemaal ingevuld: %(completed)s, deels: %(partial)s)."),
            n=fmt.cell(audience.participants),
            completed=fmt.cell(audience.completed),
            partial=fmt.cell(audience.partial),
        )
        blocks.append(Block("text", line))
        labels = _labels(audience, fmt)
        if labels is not None:
            blocks.append(labels)
        if audience.crisis.count != 0:
            blocks.append(
                Block(
                    "note",
                    fmt(
                        N_(
                            "Antwoorden met een zorgwekkend signaal: %(n)s. Wie zo'n antwoord "
                            "gaf, kreeg meteen de hulplijnen te zien. Wie dat was, weet niemand."
                        ),
                        n=fmt.cell(audience.crisis),
                    ),
                )
            )
        for question in audience.questions:
            earlier = before.question(question.question_id) if before else None
            blocks.extend(_question(question, earlier, fmt, level + 3))
    return blocks


def _round_title(round_: RoundSummary, fmt: Formatter) -> str:
    if round_.period is None:
        return fmt(N_("Ronde %(round)s"), round=round_.round)
    first, last = (fmt.month(month) for month in round_.period)
    if first == last:
        return fmt(N_("Ronde %(round)s (%(month)s)"), round=round_.round, month=first)
    return fmt(
        N_("Ronde %(round)s (%(first)s tot en met %(last)s)"),
        round=round_.round,
        first=first,
        last=last,
    )


def _previous_participants(previous: RoundSummary, fmt: Formatter) -> Block:
    parts = ", ".join(
        f"{fmt.audience(a.audience).lower()} {fmt.cell(a.participants)}" for a in previous.audiences
    )
    return Block(
        "note",
        fmt(N_("In ronde %(round)s deden mee: %(parts)s."), round=previous.round, parts=parts),
    )


def _labels(audience: AudienceSummary, fmt: Formatter) -> Block | None:
    if [label for label, _ in audience.labels] in ([], [NO_LABEL]):
        return None  # without labels the participants line says it all
    parts = ", ".join(f"{fmt.label(label)} {fmt.cell(cell)}" for label, cell in audience.labels)
    return Block("text", fmt(N_("Per groep: %(parts)s."), parts=parts))


def _question(
    question: QuestionSummary, earlier: QuestionSummary | None, fmt: Formatter, level: int
) -> list[Block]:
    count = (
        fmt(N_("%(n)s antwoorden"), n=fmt.cell(question.respondents))
        if not question.respondents.suppressed
        else fmt.cell(question.respondents)
    )
    blocks = [Block("subheading", f"{question.label} ({count})", level=level)]
    previous_rows = {row.key: row for row in earlier.rows} if earlier else {}
    for row in _ordered(question):
        text = fmt.cell(row.cell)
        share = fmt.share(row.share)
        if share is not None:
            text = f"{text} ({share})"
        if earlier is not None:
            before = previous_rows.get(row.key)
            then = fmt.share(before.share) if before else None
            text += " " + fmt(
                N_("[vorige ronde: %(share)s]"),
                share=then if then is not None else fmt.gettext(SUPPRESSED_REASON),
            )
        lead = fmt.gettext(N_("Overig")) if row.key == OVERIG and question.themes else row.label
        blocks.append(Block("item", text, lead=lead))
    if question.unmatched_words:
        blocks.append(
            Block(
                "note",
                fmt(
                    N_("Vaak genoemd in ‘overig’: %(words)s."),
                    words=", ".join(question.unmatched_words),
                ),
            )
        )
    if question.quotes:
        blocks.append(Block("text", fmt(N_("Een paar antwoorden, willekeurig gekozen:"))))
        blocks.extend(Block("quote", quote) for quote in question.quotes)
    return blocks


def _ordered(question: QuestionSummary) -> list[Row]:
    """Options and scale points in flow order; themes by count, empty ones left out."""
    if not question.themes:
        return list(question.rows)
    rows = [row for row in question.rows if row.cell.count != 0]
    return sorted(
        rows,
        key=lambda row: (
            row.key == OVERIG,
            row.cell.suppressed,
            -(row.cell.count or 0),
            row.label,
        ),
    )


# --- writers --------------------------------------------------------------------------------------


def _html(blocks: Iterable[Block]) -> str:
    lines: list[str] = []
    previous = ""
    for block in blocks:
        text = html.escape(block.text, quote=False)
        lead = html.escape(block.lead, quote=False) if block.lead else None
        if block.kind in ("title", "heading", "subheading"):
            line = f"<b>{text}</b>"
        elif block.kind == "item":
            line = f"• {lead}: {text}" if lead else f"• {text}"
        elif block.kind == "quote":
            line = f"<blockquote>{text}</blockquote>"
        elif block.kind == "note":
            line = f"<i>{text}</i>"
        elif lead:
            line = f"<b>{lead}.</b> {text}"
        else:
            line = text
        together = block.kind == previous and block.kind in ("item", "quote")
        if lines and not together and not (block.kind == "item" and previous == "text"):
            lines.append("")
        lines.append(line)
        previous = block.kind
    return "\n".join(lines)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown(blocks: Iterable[Block], top: int = 1) -> str:
    """Blocks as Markdown; ``top`` is the heading level of the title."""
    lines: list[str] = []
    previous = ""
    for block in blocks:
        text = _md_escape(block.text)
        if block.kind == "title":
            line = f"{'#' * top} {text}"
        elif block.kind in ("heading", "subheading"):
            line = f"{'#' * min(6, top + max(block.level, 1))} {text}"
        elif block.kind == "item":
            line = f"- **{_md_escape(block.lead)}**: {text}" if block.lead else f"- {text}"
        elif block.kind == "quote":
            line = f"> {text}"
        elif block.kind == "note":
            line = f"*{text}*"
        elif block.lead:
            line = f"**{_md_escape(block.lead)}.** {text}"
        else:
            line = text
        if lines and not (block.kind == previous and block.kind == "item"):
            lines.append("")
        lines.append(line)
        previous = block.kind
    return "\n".join(lines) + "\n"


def plain(blocks: Iterable[Block]) -> str:
    """Blocks as plain text, for a terminal."""
    lines: list[str] = []
    previous = ""
    for block in blocks:
        if block.kind in ("title", "heading"):
            line = f"{block.text}\n{('=' if block.kind == 'title' else '-') * len(block.text)}"
        elif block.kind == "item":
            line = f"• {block.lead}: {block.text}" if block.lead else f"• {block.text}"
        elif block.kind == "quote":
            line = f"  “{block.text}”"
        elif block.lead:
            line = f"{block.lead}. {block.text}"
        else:
            line = block.text
        together = block.kind == previous and block.kind in ("item", "quote")
        if lines and not together and not (block.kind == "item" and previous == "text"):
            lines.append("")
        lines.append(line)
        previous = block.kind
    return "\n".join(lines) + "\n"


def render_plain(summary: Summary, gettext: Gettext = untranslated, locale: str = "nl") -> str:
    return plain(summary_blocks(summary, Formatter(gettext, locale)))


def render_text(summary: Summary, gettext: Gettext = untranslated, locale: str = "nl") -> str:
    """Telegram HTML (parse_mode HTML); split it with :func:`split_summary` before sending."""
    return _html(summary_blocks(summary, Formatter(gettext, locale)))


def render_markdown(summary: Summary, gettext: Gettext = untranslated, locale: str = "nl") -> str:
    return markdown(summary_blocks(summary, Formatter(gettext, locale)))


# --- JSON -----------------------------------------------------------------------------------------


def _cell(cell: Cell) -> dict[str, Any]:
    if cell.count is None:
        return {"count": None, "suppressed": True, "reason": cell.reason or SUPPRESSED_REASON}
    return {"count": cell.count, "suppressed": False}


def _question_dict(question: QuestionSummary) -> dict[str, Any]:
    return {
        "id": question.question_id,
        "label": question.label,
        "kind": question.kind,
        "segment": question.segment,
        "themes": question.themes,
        "respondents": _cell(question.respondents),
        "rows": [
            {"key": row.key, "label": row.label, "share": row.share, **_cell(row.cell)}
            for row in question.rows
        ],
        "quotes": list(question.quotes),
        "unmatched_words": list(question.unmatched_words),
    }


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    return {
        "werkgroep": {"id": summary.werkgroep_id, "name": summary.werkgroep_name},
        "template": {"id": summary.template_id, "title": summary.template_title},
        "k": summary.k,
        "steps": [
            {
                "key": step.step_key,
                "number": step.number,
                "title": step.title,
                "rounds": [
                    {
                        "round": round_.round,
                        "period": list(round_.period) if round_.period else None,
                        "audiences": [
                            {
                                "audience": audience.audience,
                                "participants": _cell(audience.participants),
                                "labels": {label: _cell(cell) for label, cell in audience.labels},
                                "completed": _cell(audience.completed),
                                "partial": _cell(audience.partial),
                                "crisis": _cell(audience.crisis),
                                "questions": [_question_dict(q) for q in audience.questions],
                            }
                            for audience in round_.audiences
                        ],
                    }
                    for round_ in step.rounds
                ],
            }
            for step in summary.steps
        ],
    }


def render_json(summary: Summary) -> str:
    return json.dumps(summary_to_dict(summary), ensure_ascii=False, indent=2, sort_keys=True)


_HEADING_LINE = re.compile(r"<b>[^<>]*</b>")


def split_summary(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """:func:`render_text` output cut into messages that never end with a lone heading.

    A heading paragraph (a step, round, audience or question title) travels with the paragraph
    after it; whole paragraphs are packed into messages of at most ``limit`` UTF-16 units, and
    only a single paragraph longer than that is cut inside (by :func:`split_message`).
    """
    units: list[str] = []
    pending: list[str] = []
    for paragraph in text.split("\n\n"):
        pending.append(paragraph)
        if not _HEADING_LINE.fullmatch(paragraph.strip()):
            units.append("\n\n".join(pending))
            pending = []
    if pending:
        units.append("\n\n".join(pending))
    messages: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}\n\n{unit}" if current else unit
        if _utf16(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        parts = split_message(unit, limit)
        messages.extend(parts[:-1])
        current = parts[-1] if parts else ""
    if current:
        messages.append(current)
    return messages


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
