"""``samenspraak samenvatting`` and ``samenspraak export``: the summary and the plan from the
command line, for coordinators who may not use Telegram on a work phone.

Each run migrates the database (idempotent), reads k from SAMENSPRAAK_MIN_GROUP_SIZE, works in
one transaction (a summary may store a new release) and writes an audit entry. Mistakes end
in one line on stderr and exit code 1.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.admin.runner import cli_actor
from bot.config import Settings, load_settings
from bot.engine import Catalog, load_catalog
from bot.summary import SummaryError, UnknownStep, UnknownWerkgroep
from bot.summary.build import build_summary
from bot.summary.render import render_json, render_markdown, render_plain
from bot.translate import translator
from storage import Session
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.handles import DatabaseError

T = TypeVar("T")


class SummaryFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


class ExportFormat(StrEnum):
    md = "md"
    docx = "docx"
    csv = "csv"
    # The raad report as PDF (needs LibreOffice) and the figures as a workbook.
    pdf = "pdf"
    xlsx = "xlsx"


WERKGROEP = typer.Option("--werkgroep", "-w", help="Id of the werkgroep.", show_default=False)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Fout: {message}", err=True)
    return typer.Exit(1)


def _run(settings: Settings, work: Callable[[Session, Catalog], Awaitable[T]]) -> T:
    """Migrate, open the database, run ``work`` in one transaction; failures become exit 1."""
    catalog = load_catalog(settings.resolved_flows_dir)
    url = settings.resolved_database_url
    try:
        upgrade(url)
        return asyncio.run(_transaction(url, catalog, work))
    except UnknownWerkgroep as exc:
        raise _fail(f"onbekende werkgroep {exc.werkgroep_id!r}") from None
    except UnknownStep as exc:
        raise _fail(
            f"onbekende stap {exc.step_key!r}; kies uit: {', '.join(exc.known) or '(geen)'}"
        ) from None
    except SummaryError as exc:
        raise _fail(str(exc)) from None
    except (DatabaseError, OSError) as exc:
        # The driver's message may quote the database URL; the kind of failure is enough.
        raise _fail(
            f"de database gaf een fout ({type(exc).__name__}). Is de database bereikbaar?"
        ) from None


async def _transaction(
    url: str, catalog: Catalog, work: Callable[[Session, Catalog], Awaitable[T]]
) -> T:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            return await work(session, catalog)
    finally:
        await engine.dispose()


def samenvatting(
    werkgroep: Annotated[str, WERKGROEP],
    stap: Annotated[
        str | None, typer.Option("--stap", "-s", help="Only this step (its key).")
    ] = None,
    ronde: Annotated[
        int | None, typer.Option("--ronde", help="Show this round (and the one before).", min=1)
    ] = None,
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="text, md or json.")
    ] = SummaryFormat.text,
) -> None:
    """Print the samenvatting: what jongeren and ouders said, counted, with small groups hidden."""
    settings = load_settings()
    gettext = translator(settings.default_locale).gettext

    async def work(session: Session, catalog: Catalog) -> str:
        summary = await build_summary(
            session,
            catalog,
            werkgroep,
            stap,
            k=settings.min_group_size,
            rng=random.SystemRandom(),
            round_number=ronde,
            actor=cli_actor(),
        )
        if output_format is SummaryFormat.json:
            return render_json(summary) + "\n"
        render = render_markdown if output_format is SummaryFormat.md else render_plain
        return render(summary, gettext, settings.default_locale)

    typer.echo(_run(settings, work), nl=False)


def export(
    werkgroep: Annotated[str, WERKGROEP],
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="md, docx, pdf, csv or xlsx.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.", dir_okay=False)],
) -> None:
    """Export the plan as a report (md, docx, pdf) or its figures (csv, xlsx) to a file."""
    settings = load_settings()
    gettext = translator(settings.default_locale).gettext

    async def work(session: Session, catalog: Catalog) -> bytes:
        # python-docx and matplotlib load only here: `samenspraak run` imports this module.
        from bot.summary.export import export_plan

        return await export_plan(
            session,
            catalog,
            werkgroep,
            output_format.value,
            k=settings.min_group_size,
            rng=random.SystemRandom(),
            actor=cli_actor(),
            gettext=gettext,
            locale=settings.default_locale,
        )

    data = _run(settings, work)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"kan {output} niet schrijven ({exc.strerror or exc})") from None
    typer.echo(f"Geschreven: {output} ({len(data)} bytes).")


def register(app: typer.Typer) -> None:
    app.command("samenvatting")(samenvatting)
    app.command("export")(export)
