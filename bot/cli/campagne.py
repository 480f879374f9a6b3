"""``samenspraak campagne``: open, list and close campaigns for jongeren and ouders."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.admin import service
from bot.admin.errors import NotFound
from bot.admin.links import shown
from bot.admin.qr import qr_png
from bot.admin.runner import bot_username, cli_actor
from bot.cli.werkgroep import (
    JSON_OPTION,
    campaign_line,
    catalog_of,
    day,
    fail,
    run_service,
    to_json,
)
from bot.config import Settings, load_settings
from bot.engine import Catalog
from bot.privacy.disclosure import coordinator_count
from bot.privacy.pseudonym import PepperError, load_pepper
from storage import Session
from storage.models import Campaign

app = typer.Typer(
    help="Campaigns: links and QR codes for jongeren and ouders.", no_args_is_help=True
)


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"--sluit-op {value!r} is geen datum; schrijf JJJJ-MM-DD.") from None


@app.command("create")
def create(
    werkgroep: Annotated[str, typer.Option("--werkgroep", help="Werkgroep id.")],
    doelgroep: Annotated[str, typer.Option("--doelgroep", help="jongeren or ouders.")],
    stap: Annotated[str, typer.Option("--stap", help="Step key (stap-3) or number (3).")],
    label: Annotated[
        str | None, typer.Option("--label", help="Coarse tag: school or wijk (≤ 60 characters).")
    ] = None,
    sluit_op: Annotated[
        str | None, typer.Option("--sluit-op", help="Last day for answers, YYYY-MM-DD.")
    ] = None,
    regelingen: Annotated[
        str | None,
        typer.Option(
            "--regelingen",
            help='Local schemes the questions name, e.g. "Meedoenpas, Jeugdfonds Sport".',
        ),
    ] = None,
    qr: Annotated[Path | None, typer.Option("--qr", help="Write the QR code to this PNG.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --qr file.")
    ] = False,
    nog_een: Annotated[
        bool,
        typer.Option(
            "--nog-een",
            help="Open it even when a campaign for this step, doelgroep and label is open.",
        ),
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Open a campaign and print its link (and write its QR code)."""
    closes_on = _parse_day(sluit_op)
    # Refuse before anything is created: a campaign whose QR code was not written is a nuisance.
    if qr is not None and qr.exists() and not force:
        raise fail(f"{qr} bestaat al; kies een andere naam of overschrijf met --force.")
    settings = load_settings()
    catalog = catalog_of(settings)
    username = bot_username(settings)
    token_key = campaign_token_key(settings)
    if not nog_een:
        duplicates = run_service(
            settings,
            lambda s: service.open_duplicates(s, catalog, werkgroep, doelgroep, stap, label),
        )
        if duplicates:
            raise fail(
                f"er is al een open campagne voor {doelgroep} bij deze stap"
                + (f" met label {label!r}" if label else "")
                + ". Gebruik `samenspraak campagne link ID` om die link opnieuw te tonen, "
                "of --nog-een om toch een nieuwe te openen."
            )
    made = run_service(
        settings,
        lambda s: service.create_campaign(
            s,
            catalog,
            werkgroep,
            doelgroep,
            stap,
            label=label,
            sluit_op=closes_on,
            actor=cli_actor(),
            bot_username=username,
            public_url=settings.public_url,
            token_key=token_key,
            regelingen=regelingen,
        ),
    )
    # The QR code opens the browser link: it works for everyone, also without Telegram (and
    # under 16, Telegram's minimum age in the EU); the landing page offers Telegram second.
    if qr is not None and made.web_link is not None:
        try:
            qr.write_bytes(qr_png(made.web_link))
        except OSError as exc:
            # The campaign exists already: say so, and give the link so it is not lost.
            typer.echo(f"Campagne {made.id} is gemaakt; link: {made.web_link}", err=True)
            raise fail(f"kan {qr} niet schrijven ({exc.strerror}).") from None
    if as_json:
        typer.echo(to_json({**dataclasses.asdict(made), "qr": str(qr) if qr else None}))
        return
    lines = [
        f"Campagne geopend voor {made.doelgroep}, {_step_name(catalog, made)} (ronde {made.round})",
        f"id:    {made.id}",
        f"label: {made.label or '-'}",
        f"regelingen: {made.regelingen or '(de standaardtekst van de vragen)'}",
        f"sluit: {day(made.sluit_op) if made.sluit_op else 'met `samenspraak campagne close`'}",
        f"web:   {made.web_link}",
        f"link:  {shown(made.link)}",
        f"token: {made.token}",
    ]
    if qr is not None:
        lines.append(f"QR-code: {qr}")
    lines.append("De link opnieuw tonen kan met `samenspraak campagne link ID` (of /campagnes).")
    typer.echo("\n".join(lines))


def _step_name(catalog: Catalog, made: service.NewCampaign) -> str:
    """ "stap 3: Verzamel gegevens …": the step as people name it, not its key."""
    flow = catalog.flows.get(made.flow_id)
    template = catalog.templates.get(flow.flow.plan.template) if flow else None
    for step in template.steps if template else ():
        if step.key == made.stap:
            return f"stap {step.number}: {step.title}"
    return made.stap


def campaign_token_key(settings: Settings) -> bytes | None:
    """The pepper, so campaign links can be shown again; None when this machine has none."""
    env = settings.pepper.get_secret_value() if settings.pepper else None
    try:
        return load_pepper(env, settings.data_dir, create=False)
    except PepperError:
        return None


@app.command("link")
def link(
    campaign_id: Annotated[str, typer.Argument(metavar="ID", help="Campaign id.")],
    qr: Annotated[Path | None, typer.Option("--qr", help="Write the QR code to this PNG.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --qr file.")
    ] = False,
) -> None:
    """Show an open campaign's link again (and write its QR code)."""
    if qr is not None and qr.exists() and not force:
        raise fail(f"{qr} bestaat al; kies een andere naam of overschrijf met --force.")
    settings = load_settings()
    token_key = campaign_token_key(settings)
    if token_key is None:
        raise fail("geen pepper gevonden (SAMENSPRAAK_PEPPER of data/pepper).")
    username = bot_username(settings)

    async def work(s: Session) -> service.NewCampaign:
        found = await s.get(Campaign, campaign_id)
        if found is None:
            raise NotFound("campaign_not_found", campaign_id=campaign_id)
        return await service.campaign_link(
            s,
            campaign_id,
            werkgroep_id=found.werkgroep_id,
            token_key=token_key,
            actor=cli_actor(),
            bot_username=username,
            public_url=settings.public_url,
        )

    shown_campaign = run_service(settings, work)
    if qr is not None and shown_campaign.web_link is not None:
        try:
            qr.write_bytes(qr_png(shown_campaign.web_link))
        except OSError as exc:
            raise fail(f"kan {qr} niet schrijven ({exc.strerror}).") from None
    typer.echo(f"web:   {shown_campaign.web_link}\nlink:  {shown(shown_campaign.link)}")


@app.command("list")
def list_campaigns(
    werkgroep: Annotated[
        str | None, typer.Option("--werkgroep", help="Only this werkgroep.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List campaigns with the number of participants and completed answers."""
    settings = load_settings()
    rows = run_service(
        settings,
        lambda s: service.list_campaigns(
            s, werkgroep, actor=cli_actor(), k=settings.min_group_size
        ),
    )
    if as_json:
        typer.echo(to_json(rows))
        return
    if not rows:
        typer.echo("Geen campagnes.")
        return
    for row in rows:
        prefix = "" if werkgroep else f"[{row.werkgroep_naam}] "
        typer.echo(prefix + campaign_line(row))


@app.command("close")
def close(
    campaign_id: Annotated[str, typer.Argument(metavar="ID", help="Campaign id.")],
) -> None:
    """Close a campaign: no new answers, and the pseudonym links are cut for good."""
    settings = load_settings()
    closed = run_service(
        settings,
        lambda s: service.close_campaign(
            s, campaign_id, actor=cli_actor(), k=settings.min_group_size
        ),
        compact_after=True,  # the cut's deleted rows leave the SQLite file
    )
    first = "was al gesloten" if closed.already_closed else "is gesloten"
    typer.echo(
        f"Campagne {closed.id} {first}. "
        f"Deelnemers: {coordinator_count(closed.participants, closed.k)}, "
        f"afgerond: {coordinator_count(closed.completed, closed.k)}.\n"
        "De koppeling tussen antwoorden en deelnemers is voorgoed verbroken: "
        "hervatten of wissen kan niet meer; de antwoorden blijven anoniem bewaard."
    )
