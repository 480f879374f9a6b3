"""`samenspraak samenvatting` and `samenspraak export` through the real command line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from bot.admin.runner import cli_actor
from bot.cli import app
from bot.engine import Catalog
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import AuditEntry
from tests.summary.conftest import ROOT
from tests.summary.factory import FLOW_FILES, Seeder, write_flows


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A data dir with a SQLite database, the test flows plus the default taxonomy."""
    flows_dir = tmp_path / "cli-flows"
    flows_dir.mkdir()
    write_flows(flows_dir, FLOW_FILES)
    shutil.copytree(ROOT / "flows" / "_themes", flows_dir / "_themes")
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SAMENSPRAAK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAMENSPRAAK_FLOWS_DIR", str(flows_dir))
    monkeypatch.delenv("SAMENSPRAAK_DATABASE_URL", raising=False)
    monkeypatch.delenv("SAMENSPRAAK_MIN_GROUP_SIZE", raising=False)
    monkeypatch.delenv("SAMENSPRAAK_DEFAULT_LOCALE", raising=False)
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'samenspraak.db'}"


async def seed(url: str, catalog: Catalog) -> str:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            seeder = Seeder(session, catalog)
            werkgroep = await seeder.werkgroep("Werkgroep Proefstad")
            await seeder.respondents(await seeder.campaign(werkgroep, "jongeren"), 30)
            await seeder.respondents(await seeder.campaign(werkgroep, "ouders"), 8)
            return werkgroep.id
    finally:
        await engine.dispose()


async def invoke(*args: str) -> Result:
    """Run the command line in a worker thread: it starts its own event loop there."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args))


async def audit_actions(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await session.execute(
                select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)
            )
            return [(actor, action) for actor, action in result.tuples()]
    finally:
        await engine.dispose()


async def test_samenvatting_prints_text_markdown_and_json(cli_env: str, catalog: Catalog) -> None:
    """The three formats print the same summary; small groups stay hidden; each is audited."""
    werkgroep_id = await seed(cli_env, catalog)
    text = await invoke("samenvatting", "--werkgroep", werkgroep_id)
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("Samenvatting: Werkgroep Proefstad\n")
    assert "Deelnemers: 30 (helemaal ingevuld: 30, deels: 0)." in text.stdout
    assert "Deelnemers: te weinig antwoorden" in text.stdout  # 8 ouders
    assert "<b>" not in text.stdout
    md = await invoke("samenvatting", "-w", werkgroep_id, "--stap", "stap-1", "--format", "md")
    assert md.exit_code == 0 and md.stdout.startswith("# Samenvatting: Werkgroep Proefstad")
    raw = await invoke("samenvatting", "-w", werkgroep_id, "-f", "json")
    data = json.loads(raw.stdout)
    assert data["k"] == 10
    assert data["steps"][0]["rounds"][0]["audiences"][1]["participants"]["count"] is None
    # The CLI audits under the operating-system user who ran it (issue 15, item 12).
    assert await audit_actions(cli_env) == [(cli_actor(), "summary")] * 3


async def test_export_writes_md_docx_csv_and_xlsx(
    cli_env: str, catalog: Catalog, tmp_path: Path
) -> None:
    """Each export format lands in the output file and is a valid document of its kind."""
    werkgroep_id = await seed(cli_env, catalog)
    for fmt in ("md", "docx", "csv", "xlsx"):
        target = tmp_path / f"plan.{fmt}"
        result = await invoke(
            "export", "--werkgroep", werkgroep_id, "--format", fmt, "-o", str(target)
        )
        assert result.exit_code == 0, result.output
        assert f"Geschreven: {target}" in result.stdout
    assert (tmp_path / "plan.md").read_text("utf-8").startswith("# Proefplan\n")
    document = docx.Document(str(tmp_path / "plan.docx"))
    assert document.paragraphs[0].text == "Proefplan"
    assert document.core_properties.language == "nl-NL"
    text = (tmp_path / "plan.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "stap" and len(rows) > 10
    workbook = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert workbook.sheetnames == ["Stap 1 Hoe gaat het met…"]
    assert [action for _, action in await audit_actions(cli_env)] == ["export"] * 4


async def test_pdf_export_without_libreoffice_is_one_clear_line(
    cli_env: str, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without soffice on PATH, `export -f pdf` says what to do and writes nothing."""
    werkgroep_id = await seed(cli_env, catalog)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    target = tmp_path / "plan.pdf"
    result = await invoke("export", "-w", werkgroep_id, "-f", "pdf", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("Fout: PDF maken kan alleen als LibreOffice (soffice)")
    assert result.stderr.count("\n") == 1
    assert not target.exists()


async def test_min_group_size_comes_from_the_settings(
    cli_env: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SAMENSPRAAK_MIN_GROUP_SIZE=40 the 30 jongeren are hidden too."""
    werkgroep_id = await seed(cli_env, catalog)
    monkeypatch.setenv("SAMENSPRAAK_MIN_GROUP_SIZE", "40")
    result = await invoke("samenvatting", "-w", werkgroep_id)
    assert result.exit_code == 0, result.output
    assert "Deelnemers: 30" not in result.stdout
    assert "minstens 40 mensen" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("samenvatting", "-w", "bestaat-niet"), "Fout: onbekende werkgroep 'bestaat-niet'\n"),
        (("export", "-w", "bestaat-niet", "-f", "md", "-o", "x.md"), "Fout: onbekende werkgroep"),
    ],
)
async def test_unknown_werkgroep_is_one_line_and_exit_1(
    cli_env: str, args: tuple[str, ...], message: str
) -> None:
    """An unknown werkgroep ends in one clear line on stderr and exit code 1, no traceback."""
    result = await invoke(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert not Path("x.md").exists()


async def test_unknown_step_lists_the_steps(cli_env: str, catalog: Catalog) -> None:
    """A step that does not exist names the steps that do."""
    werkgroep_id = await seed(cli_env, catalog)
    result = await invoke("samenvatting", "-w", werkgroep_id, "--stap", "stap-9")
    assert result.exit_code == 1
    assert result.stderr == "Fout: onbekende stap 'stap-9'; kies uit: stap-1, stap-2\n"
