"""Export the plan as Markdown, Word (DOCX) or CSV.

Markdown and DOCX hold the whole plan: per step doel, resultaat, the agreed answers, the
members' contributions and the voice of jongeren and ouders (with the chart), then a note on
methods. CSV holds only the suppressed aggregate tables: no participant ids, no free text,
no quotes, nothing per person.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Inches
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine import Catalog
from bot.privacy.disclosure import Cell, validate_k
from bot.summary.build import load_werkgroep
from bot.summary.chart import render_chart
from bot.summary.model import QuestionSummary, Summary
from bot.summary.plan import Plan, PlanQuestion, PlanStep, collect_plan
from bot.summary.render import (
    N_,
    Block,
    Formatter,
    Gettext,
    markdown,
    step_blocks,
    untranslated,
)
from storage import repo

__all__ = ["FORMATS", "export_plan", "plan_csv", "plan_docx", "plan_markdown", "summary_csv"]

ExportFormat = Literal["md", "docx", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("md", "docx", "csv")


# --- the plan as blocks (shared by Markdown and DOCX) ---------------------------------------------


def _plan_intro(plan: Plan, fmt: Formatter) -> list[Block]:
    blocks = [
        Block("title", fmt(N_("Plan: %(werkgroep)s"), werkgroep=plan.werkgroep_name)),
        Block("text", plan.template_title),
    ]
    if plan.source:
        blocks.append(Block("note", fmt(N_("Bron: %(source)s"), source=plan.source)))
    return blocks


def _step_head(step: PlanStep, fmt: Formatter) -> list[Block]:
    blocks = [
        Block(
            "heading",
            fmt(N_("Stap %(number)s: %(title)s"), number=step.number, title=step.title),
            level=1,
        ),
        Block("text", step.doel, lead=fmt(N_("Doel"))),
        Block("text", step.resultaat, lead=fmt(N_("Resultaat"))),
    ]
    if step.vragen_vooraf:
        blocks.append(Block("text", fmt(N_("Belangrijke vragen vooraf:"))))
        blocks.extend(Block("item", question) for question in step.vragen_vooraf)
    return blocks


def _question(question: PlanQuestion, fmt: Formatter) -> list[Block]:
    blocks = [Block("subheading", question.text, level=2)]
    if question.agreed:
        blocks.append(Block("text", question.agreed, lead=fmt(N_("Afgesproken"))))
        if question.agreed_by:
            blocks.append(
                Block("note", fmt(N_("Vastgelegd door %(name)s."), name=question.agreed_by))
            )
    else:
        blocks.append(Block("note", fmt(N_("Nog geen afgesproken antwoord."))))
    if question.discuss_input:
        blocks.append(
            Block(
                "note",
                fmt(N_("Bij deze vraag bespreekt de werkgroep wat jongeren en ouders zeiden.")),
            )
        )
    if question.contributions:
        blocks.append(Block("text", fmt(N_("Bijdragen van de werkgroep:"))))
        for given in question.contributions:
            who = f"{given.member} ({given.organisation})" if given.organisation else given.member
            blocks.append(Block("item", given.answer, lead=who))
    return blocks


def _voice(step: PlanStep, fmt: Formatter) -> list[Block]:
    blocks = [Block("subheading", fmt(N_("Stem van jongeren en ouders")), level=2)]
    if step.voice is None or not step.voice.rounds:
        blocks.append(
            Block("note", fmt(N_("Voor deze stap zijn jongeren en ouders niet gevraagd.")))
        )
        return blocks
    return blocks + step_blocks(step.voice, fmt, level=2, heading=False)


def _methods(plan: Plan, fmt: Formatter) -> list[Block]:
    methods = plan.methods
    blocks = [
        Block("heading", fmt(N_("Verantwoording")), level=1),
        Block(
            "item",
            fmt(
                N_(
                    "Jongeren en ouders deden anoniem mee. Een getal staat er alleen als het op "
                    "minstens %(k)s mensen rust; kleinere groepen staan er als ‘te weinig "
                    "antwoorden’, en soms een groep meer, zodat je een verborgen getal niet kunt "
                    "terugrekenen."
                ),
                k=methods.k,
            ),
        ),
        Block(
            "item",
            fmt(
                N_(
                    "Citaten staan er alleen bij groepen van minstens %(twice)s mensen, in "
                    "willekeurige volgorde en zonder datum. Persoonlijke gegevens zijn eruit "
                    "gehaald."
                ),
                twice=2 * methods.k,
            ),
        ),
        Block(
            "item",
            fmt(
                N_(
                    "De getallen veranderen pas als er minstens %(k)s nieuwe deelnemers zijn. "
                    "Zo kan niemand twee versies naast elkaar leggen om één persoon te vinden."
                ),
                k=methods.k,
            ),
        ),
    ]
    if methods.period:
        first, last = (fmt.month(month) for month in methods.period)
        period = (
            fmt(N_("Periode: %(month)s."), month=first)
            if first == last
            else fmt(N_("Periode: %(first)s tot en met %(last)s."), first=first, last=last)
        )
        blocks.append(Block("item", period))
    if methods.participants:
        counts = ", ".join(
            f"{fmt.audience(audience).lower()} {fmt.number(n)}"
            for audience, n in sorted(methods.participants.items())
        )
        blocks.append(
            Block(
                "item",
                fmt(
                    N_(
                        "Deelnames in dit plan: %(counts)s (wie aan twee stappen meedeed, telt "
                        "twee keer; te kleine groepen tellen niet mee)."
                    ),
                    counts=counts,
                ),
            )
        )
    return blocks


def plan_blocks(plan: Plan, fmt: Formatter) -> Iterator[tuple[PlanStep | None, list[Block]]]:
    """The plan in sections: (None, intro), per step (None, its questions) and (step, its
    voice, which a DOCX puts the chart in), then (None, methods)."""
    yield None, _plan_intro(plan, fmt)
    for step in plan.steps:
        blocks = _step_head(step, fmt)
        for question in step.questions:
            blocks.extend(_question(question, fmt))
        yield None, blocks
        yield step, _voice(step, fmt)
    yield None, _methods(plan, fmt)


# --- Markdown -------------------------------------------------------------------------------------


def plan_markdown(plan: Plan, gettext: Gettext = untranslated, locale: str = "nl") -> str:
    fmt = Formatter(gettext, locale)
    blocks = [block for _, section in plan_blocks(plan, fmt) for block in section]
    return markdown(blocks)


# --- DOCX -----------------------------------------------------------------------------------------


def _docx_block(document: DocxDocument, block: Block) -> None:
    if block.kind == "title":
        document.add_heading(block.text, level=0)
    elif block.kind in ("heading", "subheading"):
        document.add_heading(block.text, level=min(max(block.level, 1), 9))
    elif block.kind == "item":
        paragraph = document.add_paragraph(style="List Bullet")
        if block.lead:
            paragraph.add_run(f"{block.lead}: ").bold = True
        paragraph.add_run(block.text)
    elif block.kind == "quote":
        document.add_paragraph(block.text, style="Quote")
    elif block.kind == "note":
        document.add_paragraph().add_run(block.text).italic = True
    else:
        paragraph = document.add_paragraph()
        if block.lead:
            paragraph.add_run(f"{block.lead}. ").bold = True
        paragraph.add_run(block.text)


def plan_docx(plan: Plan, gettext: Gettext = untranslated, locale: str = "nl") -> bytes:
    fmt = Formatter(gettext, locale)
    document = Document()
    document.core_properties.title = fmt(N_("Plan: %(werkgroep)s"), werkgroep=plan.werkgroep_name)
    for voice_of, blocks in plan_blocks(plan, fmt):
        for index, block in enumerate(blocks):
            _docx_block(document, block)
            if index == 0 and voice_of is not None and voice_of.voice is not None:
                # The chart goes right under the heading "Stem van jongeren en ouders".
                chart = render_chart(voice_of.voice, gettext, locale)
                if chart is not None:
                    document.add_picture(io.BytesIO(chart), width=Inches(6.2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = (
    "stap",
    "ronde",
    "groep",
    "tabel",
    "vraag_id",
    "vraag",
    "sleutel",
    "omschrijving",
    "aantal",
    "verborgen",
    "aandeel",
)


def _line(
    where: tuple[str, int],
    audience: str,
    table: str,
    cell: Cell,
    key: str,
    label: str,
    question: QuestionSummary | None = None,
    share: float | None = None,
) -> tuple[object, ...]:
    return (
        *where,
        audience,
        table,
        question.question_id if question else "",
        question.label if question else "",
        key,
        label,
        "" if cell.count is None else cell.count,
        "ja" if cell.count is None else "nee",
        "" if share is None else f"{share:.4f}",
    )


def _csv_rows(summary: Summary) -> Iterator[tuple[object, ...]]:
    for step in summary.steps:
        for round_ in step.rounds:
            where = (step.step_key, round_.round)
            for group in round_.audiences:
                for label, cell in group.labels:
                    name = label or "zonder label"
                    yield _line(where, group.audience, "deelnemers", cell, label, name)
                yield _line(where, group.audience, "deelnemers", group.participants, "", "totaal")
                for key, cell in (
                    ("helemaal", group.completed),
                    ("deels", group.partial),
                    ("zorgwekkend", group.crisis),
                ):
                    yield _line(where, group.audience, "deelnemers", cell, key, key)
                for question in group.questions:
                    cell = question.respondents
                    yield _line(where, group.audience, "respondenten", cell, "", "", question)
                    table = "thema" if question.themes else "verdeling"
                    for row in question.rows:
                        yield _line(
                            where,
                            group.audience,
                            table,
                            row.cell,
                            row.key,
                            row.label,
                            question,
                            row.share,
                        )


def summary_csv(summary: Summary) -> str:
    """Every released count of the summary, one per line; hidden counts are empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_rows(summary))
    return out.getvalue()


def plan_csv(plan: Plan) -> str:
    return summary_csv(plan.summary)


# --- one call for the edges -----------------------------------------------------------------------


async def export_plan(
    session: AsyncSession,
    catalog: Catalog,
    werkgroep_id: str,
    fmt: str,
    k: int,
    *,
    rng: random.Random | None = None,
    actor: str = "system",
    gettext: Gettext = untranslated,
    locale: str = "nl",
) -> bytes:
    """The plan as ``md``, ``docx`` or ``csv`` bytes (UTF-8 text for md and csv).

    Writes an audit entry; commit afterwards (new releases may have been stored).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    k = validate_k(k)
    werkgroep = await load_werkgroep(session, werkgroep_id)
    plan = await collect_plan(session, catalog, werkgroep, k, rng or random.Random())
    if fmt == "md":
        data = plan_markdown(plan, gettext, locale).encode("utf-8")
    elif fmt == "docx":
        data = plan_docx(plan, gettext, locale)
    else:
        data = plan_csv(plan).encode("utf-8")
    await repo.audit(session, actor, "export", werkgroep_id, format=fmt, size=len(data))
    return data
