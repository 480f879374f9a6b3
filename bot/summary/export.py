"""Export the plan as a report for the raad: Markdown, Word (DOCX), PDF, Excel (XLSX) or CSV.

Markdown and Word hold the same report (:mod:`bot.summary.report`); PDF is the Word file
converted by LibreOffice when it is installed. CSV (for Dutch Excel: semicolons, decimal
commas, UTF-8 with a byte order mark) and XLSX (one sheet per step) hold only the suppressed
figures: no participant ids, no free text, no quotes, nothing per person.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from bot.engine import Catalog
from bot.privacy.disclosure import validate_k
from bot.summary.build import load_werkgroep
from bot.summary.chart import render_chart
from bot.summary.errors import SummaryError
from bot.summary.plan import Plan, collect_plan
from bot.summary.render import N_, Formatter, Gettext, untranslated
from bot.summary.report import (
    HIDDEN,
    FigureRow,
    Part,
    Report,
    Table,
    build_report,
    figure_rows,
    hidden_text,
    step_title,
    steps_with_figures,
)
from storage import Session, repo
from storage import summary as queries

__all__ = [
    "CSV_HEADER",
    "FORMATS",
    "LANGUAGE",
    "PdfUnavailable",
    "export_plan",
    "plan_csv",
    "plan_docx",
    "plan_markdown",
    "plan_pdf",
    "plan_xlsx",
]

ExportFormat = Literal["md", "docx", "pdf", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("md", "docx", "pdf", "csv", "xlsx")
LANGUAGE = "nl-NL"
BODY_PT = 11  # readable on paper and on a phone; tables no smaller than 10
TABLE_PT = 10


class PdfUnavailable(SummaryError):
    """PDF needs LibreOffice (soffice), which is not installed here."""

    def __init__(self) -> None:
        super().__init__(
            "PDF maken kan alleen als LibreOffice (soffice) op deze computer staat. "
            "Exporteer als docx en sla het in Word op als PDF, of installeer LibreOffice."
        )


def _report(plan: Plan, fmt: Formatter, made_on: date | None, version: int) -> Report:
    return build_report(plan, fmt, made_on=made_on or date.today(), version=version)


# --- Markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    for char in "\\`*_[]<>#|":
        text = text.replace(char, f"\\{char}")
    return text


def _lead(lead: str) -> str:
    """A bold lead ends in a full stop unless it already ends in punctuation ("…?")."""
    return lead if lead[-1:] in ".?!:" else f"{lead}."


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_md(cell) for cell in table.header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in table.header) + "|")
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in table.rows]
    return lines


def report_markdown(report: Report) -> str:
    lines: list[str] = []
    previous = ""
    for part in report.parts:
        if part.kind in ("pagebreak", "chart"):
            continue
        text = _md(part.text)
        lead = _md(part.lead) if part.lead else None
        if part.kind == "title":
            block = [f"# {text}"]
        elif part.kind == "subtitle":
            block = [f"**{text}**"]
        elif part.kind == "heading":
            block = [f"{'#' * min(6, part.level + 1)} {text}"]
        elif part.kind == "item":
            block = [f"- **{lead}**: {text}" if lead else f"- {text}"]
        elif part.kind == "quote":
            block = [f"> {text}"]
        elif part.kind == "note":
            block = [f"*{text}*"]
        elif part.kind == "table" and part.table is not None:
            block = _md_table(part.table)
        elif lead:
            block = [f"**{_lead(lead)}** {text}" if text else f"**{lead}**"]
        else:
            block = [text]
        if lines and not (part.kind == previous == "item"):
            lines.append("")
        lines += block
        previous = part.kind
    return "\n".join(lines) + "\n"


def plan_markdown(
    plan: Plan,
    gettext: Gettext = untranslated,
    locale: str = "nl",
    *,
    made_on: date | None = None,
    version: int = 1,
) -> str:
    return report_markdown(_report(plan, Formatter(gettext, locale), made_on, version))


# --- DOCX -----------------------------------------------------------------------------------------


def _set_language(document: DocxDocument) -> None:
    """nl-NL in the document defaults and every style, so Word spell-checks Dutch."""
    styles = document.styles.element
    targets = []
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr_default = defaults.find(qn("w:rPrDefault"))
        if r_pr_default is None:
            r_pr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, r_pr_default)
        r_pr = r_pr_default.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            r_pr_default.append(r_pr)
        targets.append(r_pr)
    for style in document.styles:
        targets.append(style.element.get_or_add_rPr())
    for r_pr in targets:
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attribute), LANGUAGE)
    document.core_properties.language = LANGUAGE


def _docx_table(document: DocxDocument, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(TABLE_PT)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).font.size = Pt(TABLE_PT)


def _docx_part(document: DocxDocument, part: Part, gettext: Gettext, locale: str) -> None:
    if part.kind == "title":
        document.add_heading(part.text, level=0)
    elif part.kind == "subtitle":
        document.add_paragraph(part.text, style="Subtitle")
    elif part.kind == "heading":
        document.add_heading(part.text, level=min(max(part.level, 1), 9))
    elif part.kind == "pagebreak":
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif part.kind == "table" and part.table is not None:
        _docx_table(document, part.table)
    elif part.kind == "chart" and part.step is not None and part.step.voice is not None:
        chart = render_chart(part.step.voice, gettext, locale)
        if chart is not None:
            document.add_picture(io.BytesIO(chart), width=Inches(6.2))
    elif part.kind == "item":
        paragraph = document.add_paragraph(style="List Bullet")
        if part.lead:
            paragraph.add_run(f"{part.lead}: ").bold = True
        paragraph.add_run(part.text)
    elif part.kind == "quote":
        document.add_paragraph(part.text, style="Quote")
    elif part.kind == "note":
        document.add_paragraph().add_run(part.text).italic = True
    else:
        paragraph = document.add_paragraph()
        if part.lead:
            paragraph.add_run(f"{_lead(part.lead)} " if part.text else part.lead).bold = True
        paragraph.add_run(part.text)


def report_docx(report: Report, gettext: Gettext = untranslated, locale: str = "nl") -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(BODY_PT)
    _set_language(document)
    properties = document.core_properties
    properties.title = report.title
    properties.author = report.author
    properties.last_modified_by = report.author
    properties.comments = ""
    for part in report.parts:
        _docx_part(document, part, gettext, locale)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx(
    plan: Plan,
    gettext: Gettext = untranslated,
    locale: str = "nl",
    *,
    made_on: date | None = None,
    version: int = 1,
) -> bytes:
    report = _report(plan, Formatter(gettext, locale), made_on, version)
    return report_docx(report, gettext, locale)


# --- PDF ------------------------------------------------------------------------------------------


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def plan_pdf(docx_data: bytes) -> bytes:
    """The Word report converted by LibreOffice; :class:`PdfUnavailable` without it."""
    office = _office()
    if office is None:
        raise PdfUnavailable()
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "plan.docx"
        source.write_bytes(docx_data)
        completed = subprocess.run(
            [office, "--headless", "--convert-to", "pdf", "--outdir", directory, str(source)],
            capture_output=True,
            timeout=180,
            check=False,
        )
        target = Path(directory) / "plan.pdf"
        if completed.returncode != 0 or not target.exists():
            raise SummaryError("LibreOffice kon het plan niet als PDF opslaan.")
        return target.read_bytes()


# --- CSV and XLSX ---------------------------------------------------------------------------------

CSV_HEADER = (
    "stap",
    "ronde",
    "groep",
    "tabel",
    "vraag",
    "antwoord",
    "aantal",
    "verborgen",
    "aandeel (%)",
)


def _figure_line(row: FigureRow, fmt: Formatter) -> tuple[object, ...]:
    hidden = "" if row.cell.count is not None else fmt(row.cell.reason or HIDDEN)
    return (
        row.step,
        row.round,
        row.audience,
        row.table,
        row.question,
        row.answer,
        "" if row.cell.count is None else row.cell.count,
        hidden,
        row.share,
    )


def _decimal_comma(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}".replace(".", ",")


def plan_csv(plan: Plan, gettext: Gettext = untranslated, locale: str = "nl") -> str:
    """Every figure of the report, for Dutch Excel: ';', decimal comma, BOM (added on export)."""
    fmt = Formatter(gettext, locale)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for _, row in figure_rows(plan, fmt):
        *head, share = _figure_line(row, fmt)
        writer.writerow((*head, _decimal_comma(row.share if share is not None else None)))
    return out.getvalue()


def _sheet_title(text: str, taken: Iterable[str]) -> str:
    cleaned = " ".join("".join(" " if char in "[]:*?/\\" else char for char in text).split())
    # Excel allows 31 characters: cut at a word and say so.
    title = cleaned if len(cleaned) <= 31 else cleaned[:30].rsplit(" ", 1)[0] + "…"
    title = title or "Stap"
    number = 2
    while title in set(taken):
        suffix = f" ({number})"
        title = cleaned[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    return title


def plan_xlsx(plan: Plan, gettext: Gettext = untranslated, locale: str = "nl") -> bytes:
    """One sheet per step with figures; hidden figures say "verborgen" and why."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    fmt = Formatter(gettext, locale)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    header = (
        fmt(N_("Ronde")),
        fmt(N_("Groep")),
        fmt(N_("Tabel")),
        fmt(N_("Vraag")),
        fmt(N_("Antwoord")),
        fmt(N_("Aantal")),
        fmt(N_("Aandeel")),
    )
    rows = list(figure_rows(plan, fmt))
    for step in steps_with_figures(plan):
        sheet = workbook.create_sheet(_sheet_title(step_title(step, fmt), workbook.sheetnames))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for owner, row in rows:
            if owner is not step:
                continue
            count: object = row.cell.count
            if row.cell.count is None:
                count = hidden_text(row.cell, fmt)
            sheet.append(
                (row.round, row.audience, row.table, row.question, row.answer, count, row.share)
            )
            if row.share is not None:
                sheet.cell(row=sheet.max_row, column=7).number_format = "0.0%"
        for column, width in zip("ABCDEFG", (8, 12, 14, 40, 32, 12, 10), strict=True):
            sheet.column_dimensions[column].width = width
    if not workbook.sheetnames:
        sheet = workbook.create_sheet(fmt(N_("Geen cijfers")))
        sheet.append((fmt(N_("Er zijn nog geen jongeren of ouders gevraagd.")),))
    workbook.properties.title = plan.template_title
    workbook.properties.creator = plan.werkgroep_name
    workbook.properties.language = LANGUAGE
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- one call for the edges -----------------------------------------------------------------------


async def export_plan(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    fmt: str,
    k: int,
    *,
    rng: random.Random | None = None,
    actor: str = "system",
    gettext: Gettext = untranslated,
    locale: str = "nl",
    made_on: date | None = None,
) -> bytes:
    """The plan as ``md``, ``docx``, ``pdf``, ``csv`` or ``xlsx`` bytes.

    Writes an audit entry; commit afterwards (new releases may have been stored). The
    version on the cover counts this werkgroep's earlier exports.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    k = validate_k(k)
    if fmt == "pdf" and _office() is None:
        raise PdfUnavailable()
    werkgroep = await load_werkgroep(session, werkgroep_id)
    plan = await collect_plan(session, catalog, werkgroep, k, rng or random.Random())
    version = await queries.export_count(session, werkgroep_id) + 1
    if fmt == "md":
        data = plan_markdown(plan, gettext, locale, made_on=made_on, version=version)
        data_bytes = data.encode("utf-8")
    elif fmt in ("docx", "pdf"):
        data_bytes = plan_docx(plan, gettext, locale, made_on=made_on, version=version)
        if fmt == "pdf":
            data_bytes = plan_pdf(data_bytes)
    elif fmt == "xlsx":
        data_bytes = plan_xlsx(plan, gettext, locale)
    else:
        data_bytes = plan_csv(plan, gettext, locale).encode("utf-8-sig")
    await repo.audit(session, actor, "export", werkgroep_id, format=fmt, size=len(data_bytes))
    return data_bytes
