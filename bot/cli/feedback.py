"""``samenspraak terugkoppeling``: what the werkgroep did with a campaign's answers (#17.5).

Without ``--verstuur`` it prints a preview (the message as participants receive it, and how many
opted in, from k on); with ``--verstuur`` it queues the feedback. The running bot sends queued
feedback to the opted-in participants (paced, see bot/telegram/feedback.py) and deletes their
opt-ins; the campaign's web page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from typing import Annotated

import typer

from bot.admin.errors import NotFound
from bot.admin.runner import cli_actor
from bot.chat.optin import MAX_FEEDBACK_CHARS, feedback_message
from bot.cli.werkgroep import fail, run_service
from bot.config import load_settings
from bot.engine.runner import clean_text
from bot.translate import translator
from storage import Session, repo
from storage import feedback as stored
from storage.models import Campaign, Werkgroep


@dataclass(frozen=True)
class Outcome:
    preview: str
    optins: int
    queued: bool


async def _feedback(
    session: Session, campaign_id: str, text: str, send: bool, actor: str
) -> Outcome:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign_not_found", campaign_id=campaign_id)
    werkgroep = await session.get(Werkgroep, campaign.werkgroep_id)
    preview = feedback_message(
        translator("nl"), campaign.audience == "ouders", werkgroep.naam if werkgroep else "", text
    )
    optins = await stored.optin_count(session, campaign.id)
    if send:
        draft = await stored.new_draft(session, campaign.id, text, actor)
        found = await stored.draft_of(session, draft, campaign.werkgroep_id)
        assert found is not None
        stored.queue(found)
        await repo.audit(
            session, actor, "feedback.send", campaign.werkgroep_id, campaign_id=campaign.id
        )
    return Outcome(unescape(preview), optins, send)


def register(app: typer.Typer) -> None:
    @app.command("terugkoppeling")
    def terugkoppeling(
        campagne: Annotated[str, typer.Option("--campagne", help="Campaign id.")],
        tekst: Annotated[
            str, typer.Option("--tekst", help="What the werkgroep does with the answers.")
        ],
        verstuur: Annotated[
            bool,
            typer.Option("--verstuur", help="Send it (without: only show the preview)."),
        ] = False,
    ) -> None:
        """Feedback to the participants of a campaign who asked for it (preview, or --verstuur)."""
        text = clean_text(tekst)
        if not text:
            raise fail("--tekst is leeg.")
        if len(text) > MAX_FEEDBACK_CHARS:
            raise fail(f"--tekst is te lang ({len(text)} tekens); hoogstens {MAX_FEEDBACK_CHARS}.")
        settings = load_settings()
        actor = cli_actor()
        outcome = run_service(settings, lambda s: _feedback(s, campagne, text, verstuur, actor))
        k = settings.min_group_size
        reach = str(outcome.optins) if outcome.optins >= k else f"minder dan {k}"
        typer.echo("Voorbeeld. Zo krijgen de deelnemers die dat wilden het bericht:\n")
        typer.echo(outcome.preview)
        typer.echo(f"\nOntvangers in Telegram: {reach}.")
        if outcome.queued:
            typer.echo(
                "Verstuurd: de bot stuurt de terugkoppeling binnen enkele seconden naar wie erom "
                "vroeg, en de webpagina van de campagne toont haar."
            )
        else:
            typer.echo("Nog niet verstuurd. Voeg --verstuur toe om te versturen.")
