"""`samenspraak terugkoppeling` (#17.5): a preview without --verstuur, queued for the bot with it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, CampaignFeedback
from tests.admin.test_admin_cli import cli_database_url, cli_env, in_db, invoke, ok

__all__ = ["cli_database_url", "cli_env"]
TEXT = "De gemeente zet de kledingbank op woensdag open, ook voor ouders die werken."


def _campaign() -> str:
    werkgroep_id = json.loads(
        ok("werkgroep", "create", "--naam", "Armoede Velsen", "--plan", "proef", "--json")
    )["id"]
    campaign = json.loads(
        ok("campagne", "create", "--werkgroep", werkgroep_id, "--doelgroep", "jongeren",
           "--stap", "stap-2", "--json")
    )  # fmt: skip
    return str(campaign["id"])


async def _feedback(session: AsyncSession) -> list[tuple[str, str]]:
    rows = await session.execute(select(CampaignFeedback.status, CampaignFeedback.text))
    return [(status, text) for status, text in rows.all()]


async def _audit(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(AuditEntry.action))).all())


def test_preview_shows_the_message_and_stores_nothing(cli_env: Path, cli_database_url: str) -> None:
    """Without --verstuur: the jongeren frame (je-form) around the text, recipients below k not
    counted, nothing stored."""
    campaign_id = _campaign()
    out = ok("terugkoppeling", "--campagne", campaign_id, "--tekst", TEXT)
    assert "Je deed mee aan de vragen van werkgroep Armoede Velsen" in out
    assert TEXT in out
    assert "Je staat nu niet meer op de lijst." in out
    assert "Ontvangers in Telegram: minder dan 10." in out
    assert "Nog niet verstuurd. Voeg --verstuur toe om te versturen." in out
    assert in_db(cli_database_url, _feedback) == []


def test_verstuur_queues_the_feedback_for_the_bot(cli_env: Path, cli_database_url: str) -> None:
    """With --verstuur the feedback is queued (the running bot sends it) and audited."""
    campaign_id = _campaign()
    out = ok("terugkoppeling", "--campagne", campaign_id, "--tekst", TEXT, "--verstuur")
    assert "Verstuurd: de bot stuurt de terugkoppeling" in out
    assert in_db(cli_database_url, _feedback) == [("sending", TEXT)]
    assert "feedback.send" in in_db(cli_database_url, _audit)


def test_unknown_campaign_and_empty_text_fail_in_one_line(
    cli_env: Path, cli_database_url: str
) -> None:
    """Mistakes end in one line on stderr with exit code 1."""
    _campaign()
    unknown = invoke("terugkoppeling", "--campagne", "nope", "--tekst", TEXT)
    assert unknown.exit_code == 1 and unknown.stderr == "Fout: Geen campagne met id nope.\n"
    empty = invoke("terugkoppeling", "--campagne", "nope", "--tekst", "   ")
    assert empty.exit_code == 1 and empty.stderr == "Fout: --tekst is leeg.\n"
