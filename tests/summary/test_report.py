"""The plan as a report for the raad: Word, Excel, Markdown and PDF, opened as a reader would."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.summary import export as export_module
from bot.summary.export import PdfUnavailable, export_plan
from bot.summary.plan import record_agreed_answer
from tests.summary.factory import FLOW_FILES, STEP, Seeder, write_flows

Sessions = async_sessionmaker[AsyncSession]

# Step keys, flow and question ids, seed file names: none of it may reach a reader.
INTERNAL = re.compile(
    r"\b\d{3}_[0-9a-f]{16}\b|\bstap-\d\b|\bproef\.|\bnog-iets\b|\bhoe-gaat-het\b|\bextra-\d"
    r"|[0-9a-f]{32}"
)


def _flows_with_routing() -> dict[str, dict[str, Any]]:
    files = copy.deepcopy(FLOW_FILES)
    files["_template.yaml"]["source"] = (
        "NJi, werkbladen (seeds 003_a0194ae89a2f1124 en 000_c85c43c07ac13a34)."
    )
    for audience in ("jongeren", "ouders"):
        steps = files[f"{audience}.yaml"]["steps"]
        steps += [
            {
                "kind": "yes_no",
                "id": "nog-iets",
                "text": "Wil je nog iets vertellen?",
                "branches": [{"if": {"equals": "ja"}, "goto": "nog-iets-tekst"}, {"goto": "einde"}],
            },
            {"kind": "text", "id": "nog-iets-tekst", "text": "Wat wil je nog vertellen?"},
            {"kind": "info", "id": "einde", "text": "Dank je wel!"},
        ]
    werkgroep = files["werkgroep-1.yaml"]["steps"]
    werkgroep += [
        {"kind": "text", "id": f"extra-{n}", "text": f"Extra vraag {n}?"} for n in range(1, 4)
    ]
    return files


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "flows"
    directory.mkdir()
    write_flows(directory, _flows_with_routing())
    return directory


async def _seed(sessions: Sessions, catalog: Catalog) -> str:
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep("Werkgroep Proefstad")
        jongeren = await seed.campaign(werkgroep, "jongeren", "school-a")
        ouders = await seed.campaign(werkgroep, "ouders")
        await seed.respondents(jongeren, 45)
        await seed.respondents(ouders, 30)
        anna = await seed.member(werkgroep, "Anna de Vries", "Gemeente Proefstad", "coordinator")
        await seed.contribution(anna, "opgave", "Minder kinderen in armoede")
        await record_agreed_answer(
            session, werkgroep.id, STEP, "opgave", "Samen armoede verminderen", "Anna de Vries"
        )
        return werkgroep.id


async def _export(sessions: Sessions, catalog: Catalog, werkgroep_id: str, fmt: str) -> bytes:
    async with sessions.begin() as session:
        return await export_plan(
            session, catalog, werkgroep_id, fmt, 10, actor="test", made_on=date(2026, 12, 2)
        )


def _docx_text(document: Any) -> list[str]:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return lines


async def test_word_report_reads_like_a_report(sessions: Sessions, catalog: Catalog) -> None:
    """Cover, contents, samenvatting before step 1, tables with hidden cells as 'verborgen'."""
    werkgroep_id = await _seed(sessions, catalog)
    document = docx.Document(io.BytesIO(await _export(sessions, catalog, werkgroep_id, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Proefplan"
    assert "Plan van Werkgroep Proefstad" in paragraphs[:3]
    assert "Datum. 2 december 2026" in paragraphs
    assert "Versie. 1" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Inhoud") < headings.index("Samenvatting")
    assert headings.index("Samenvatting") < headings.index("Stap 1: Hoe gaat het met jongeren?")
    assert headings[-1] == "Bijlage: verantwoording"
    assert "Respons en bereik" in headings
    start = len(paragraphs) - 1 - paragraphs[::-1].index("Samenvatting")  # not the contents
    summary = paragraphs[start : paragraphs.index("Stap 1: Hoe gaat het met jongeren?", start + 2)]
    assert any(line.startswith("Zorgen: Mentale gezondheid (") for line in summary)
    assert "Wat is onze opgave?: Samen armoede verminderen" in summary

    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    leeftijd = next(t for t in tables if t[1][0] == "Jonger dan 16")
    assert leeftijd[0] == ["Antwoord", "Aantal", "Aandeel"]
    assert leeftijd[1] == ["Jonger dan 16", "30", "67%"]
    hidden = [row for t in tables for row in t if row[1].startswith("verborgen")]
    assert hidden and all(row[2] == "–" for row in hidden)  # a hidden bar is never a zero


async def test_word_report_is_dutch_and_signed_by_the_werkgroep(
    sessions: Sessions, catalog: Catalog
) -> None:
    """nl-NL in the core properties and in every style; author and title from the werkgroep."""
    werkgroep_id = await _seed(sessions, catalog)
    data = await _export(sessions, catalog, werkgroep_id, "docx")
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.language == "nl-NL"
    assert properties.author == "Werkgroep Proefstad"
    assert properties.title == "Proefplan – Werkgroep Proefstad"
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    assert 'w:lang w:val="nl-NL"' in styles
    assert "en-US" not in styles
    assert "python-docx" not in zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()


async def test_no_internal_ids_and_open_questions_collapse(
    sessions: Sessions, catalog: Catalog
) -> None:
    """No seed file, step key or question id anywhere; open questions are one line per step;
    a yes/no that only routes to a follow-up gets no table."""
    werkgroep_id = await _seed(sessions, catalog)
    document = docx.Document(io.BytesIO(await _export(sessions, catalog, werkgroep_id, "docx")))
    text = "\n".join(_docx_text(document))
    markdown = (await _export(sessions, catalog, werkgroep_id, "md")).decode("utf-8")
    for written in (text, markdown):
        assert INTERNAL.findall(written) == []
        assert "Nog geen afgesproken antwoord" not in written
        assert "Wil je nog iets vertellen?" not in written
        assert "Wat wil je nog vertellen?" in written
    # Step 1: urgentie, input and three extra questions have no answer; step 2: partners.
    assert "Nog open: 5 vragen." in text
    assert "Nog open: 1 vraag." in text
    assert "NJi, werkbladen." in markdown


async def test_excel_has_one_sheet_per_step_without_ids(
    sessions: Sessions, catalog: Catalog
) -> None:
    """The workbook opens with openpyxl: one sheet per consulted step, human labels only."""
    werkgroep_id = await _seed(sessions, catalog)
    workbook = openpyxl.load_workbook(
        io.BytesIO(await _export(sessions, catalog, werkgroep_id, "xlsx"))
    )
    assert workbook.sheetnames == ["Stap 1 Hoe gaat het met…"]
    sheet = workbook["Stap 1 Hoe gaat het met…"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Ronde", "Groep", "Tabel", "Vraag", "Antwoord", "Aantal", "Aandeel")
    assert (1, "Jongeren", "Antwoorden", "Leeftijd", "Jonger dan 16", 30, 30 / 45) in rows
    assert any(isinstance(r[5], str) and r[5].startswith("verborgen (") for r in rows[1:])
    everything = " ".join(str(value) for row in rows for value in row if value is not None)
    assert INTERNAL.findall(everything) == []
    assert workbook.properties.creator == "Werkgroep Proefstad"


async def test_pdf_without_libreoffice_says_what_to_do(
    sessions: Sessions, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without soffice the PDF export stops with a message that names LibreOffice and docx."""
    werkgroep_id = await _seed(sessions, catalog)
    monkeypatch.setattr(export_module.shutil, "which", lambda _name: None)
    with pytest.raises(PdfUnavailable, match=r"LibreOffice.*docx"):
        await _export(sessions, catalog, werkgroep_id, "pdf")


async def test_reach_names_the_groups_not_asked(sessions: Sessions, catalog: Catalog) -> None:
    """Only jongeren were asked at step 1: the report says ouders were not asked yet, and
    the participants per label are in a table."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep("Werkgroep Proefstad")
        await seed.respondents(await seed.campaign(werkgroep, "jongeren", "school-a"), 12)
        await seed.campaign(werkgroep, "jongeren", "school-b")
        werkgroep_id = werkgroep.id
    markdown = (await _export(sessions, catalog, werkgroep_id, "md")).decode("utf-8")
    reach = markdown[markdown.index("## Respons en bereik") : markdown.index("## Bijlage")]
    assert "| Stap 1: Hoe gaat het met jongeren? | Jongeren | school-a | 12 |" in reach
    assert "- Stap 1: Hoe gaat het met jongeren?: ouders (nog niet gevraagd)" in reach
    assert "- Stap 1: Hoe gaat het met jongeren?: jongeren via school-b (niemand deed mee)" in reach


async def test_pdf_is_the_word_report_converted_by_libreoffice(
    sessions: Sessions, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With soffice on PATH the Word report is handed to it headless and its PDF returned.
    (A stand-in soffice records its arguments and writes a PDF; no office suite needed.)"""
    werkgroep_id = await _seed(sessions, catalog)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$@" > "$(dirname "$0")/args"\n'
        "for last; do :; done\n"
        'out="$(dirname "$last")/$(basename "$last" .docx).pdf"\n'
        'printf "%%PDF-1.7 from %s" "$(basename "$last")" > "$out"\n',
        "utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")  # the stand-in comes first
    data = await _export(sessions, catalog, werkgroep_id, "pdf")
    assert data == b"%PDF-1.7 from plan.docx"
    args = (bin_dir / "args").read_text("utf-8").split()
    assert args[:3] == ["--headless", "--convert-to", "pdf"]
