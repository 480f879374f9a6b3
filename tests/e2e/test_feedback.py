"""Closing the loop (#17.5) through the real bot: the opt-in offered with the thanks, stored
apart from the answers, /terugkoppeling sending to the opted-in chats only, erasure."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select
from typer.testing import CliRunner

from bot.cli import app
from bot.privacy.optin import decrypt_chat
from storage import repo
from storage.models import Campaign, CampaignFeedback, FeedbackOptIn
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say, tap
from tgstub import BotMessage, SimUser

YES = "Ja, stuur me een bericht"
NO = "Nee, dank je"
DONE = "De terugkoppeling is verstuurd aan wie erom vroeg. Zij staan nu niet meer op de lijst."
FEEDBACK = "We openen de sporthal op vrijdagavond, gratis voor iedereen tot 18 jaar."


async def _campaign(harness: BotHarness, werkgroep_id: str) -> tuple[str, str]:
    assert harness.runtime is not None
    token = repo.new_token()
    async with harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.hash_token(token),
        )
        session.add(campaign)
        await session.flush()
        return token, campaign.id


async def _finish(harness: BotHarness, user_id: int, token: str) -> tuple[SimUser, BotMessage]:
    """A participant answers every question; returns the user and the thanks message."""
    user = harness.api.user(user_id)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(40):
        messages = await answer_current(user, question_of(messages))
        thanks = [m for m in messages if "Klaar!" in (m.text or "")]
        if thanks:
            return user, thanks[-1]
    raise AssertionError("the consultation did not finish")


async def _optins(harness: BotHarness) -> list[FeedbackOptIn]:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return list((await session.scalars(select(FeedbackOptIn))).all())


async def _tables(harness: BotHarness) -> dict[str, list[tuple[object, ...]]]:
    assert harness.runtime is not None
    metadata = MetaData()
    async with harness.runtime.database.connect() as connection:
        await connection.run_sync(metadata.reflect)
        return {
            table.name: [tuple(row) for row in (await connection.execute(select(table))).all()]
            for table in metadata.sorted_tables
        }


async def test_the_thanks_offers_feedback_and_the_opt_in_joins_no_answer(
    harness: BotHarness,
) -> None:
    """The thanks asks "Wil je later horen …?" with two buttons; after Ja one opt-in row holds
    only its id, the campaign, an encrypted chat id and a keyed look-up: dumping every table,
    no value of it except the campaign appears anywhere else, no key references it, and the
    user id is in no table."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, campaign_id = await _campaign(harness, werkgroep_id)
    user, thanks = await _finish(harness, 7310001, token)
    assert "Wil je later horen wat de werkgroep met de antwoorden doet?" in (thanks.text or "")
    assert [text for row in thanks.buttons for text, _ in row] == [YES, NO]
    (reply,) = await tap(user, thanks, YES)
    assert "krijg je één bericht" in (reply.text or "")
    assert user.message(thanks.message_id).buttons == []

    (optin,) = await _optins(harness)
    assert harness.runtime is not None
    assert decrypt_chat(harness.runtime.pepper, campaign_id, optin.chat) == 7310001
    tables = await _tables(harness)
    columns = {c["name"] for c in await _columns(harness, "feedback_optins")}
    assert columns == {"id", "campaign_id", "lookup", "chat"}
    (row,) = tables["feedback_optins"]
    own = {str(value) for value in row} - {campaign_id}
    for name, rows in tables.items():
        if name == "feedback_optins":
            continue
        values = {str(value) for r in rows for value in r}
        assert not own & values, name
    assert "7310001" not in repr(tables)
    # No table points at an opt-in, and an opt-in points only at its campaign.
    foreign = await _foreign_keys(harness)
    assert [f for f in foreign if f[1] == "feedback_optins"] == []
    assert [f for f in foreign if f[0] == "feedback_optins"] == [("feedback_optins", "campaigns")]


async def _columns(harness: BotHarness, table: str) -> list[dict[str, object]]:
    assert harness.runtime is not None
    async with harness.runtime.database.connect() as connection:
        return await connection.run_sync(lambda c: inspect(c).get_columns(table))  # type: ignore[no-any-return]


async def _foreign_keys(harness: BotHarness) -> list[tuple[str, str]]:
    assert harness.runtime is not None

    def read(connection: object) -> list[tuple[str, str]]:
        inspector = inspect(connection)
        return [
            (table, key["referred_table"])
            for table in inspector.get_table_names()
            for key in inspector.get_foreign_keys(table)
        ]

    async with harness.runtime.database.connect() as connection:
        return await connection.run_sync(read)


async def _coordinator(harness: BotHarness, token: str, user_id: int) -> SimUser:
    user = harness.api.user(user_id)
    await say(user, f"/start {token}")
    await say(user, "Co Ordinator")
    await say(user, "Gemeente Velsen")
    return user


async def _feedback_status(harness: BotHarness) -> list[str]:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return list((await session.scalars(select(CampaignFeedback.status))).all())


async def test_terugkoppeling_reaches_the_opted_in_chats_only_and_forgets_them(
    harness: BotHarness,
) -> None:
    """Two participants tap Ja, one Nee; the coordinator chooses the campaign, types the text,
    sees the preview (recipients below k not counted) and sends: both opted-in chats get the
    feedback in the je-form frame, the third gets nothing, no opt-in is left, and the
    coordinator is told it is done."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep()
    token, _ = await _campaign(harness, werkgroep_id)
    yes_users = []
    for user_id in (7320001, 7320002):
        user, thanks = await _finish(harness, user_id, token)
        await tap(user, thanks, YES)
        yes_users.append(user)
    declined, thanks = await _finish(harness, 7320003, token)
    (reply,) = await tap(declined, thanks, NO)
    assert reply.text == "Oké, je krijgt geen bericht."
    assert len(await _optins(harness)) == 2

    coordinator = await _coordinator(harness, coordinator_token, 7320009)
    (choose,) = await say(coordinator, "/terugkoppeling")
    assert "Voor welke campagne" in (choose.text or "")
    (prompt,) = await tap(coordinator, choose, "Jongeren stap-3")
    assert "Typ nu de terugkoppeling" in (prompt.text or "")
    (preview,) = await say(coordinator, FEEDBACK)
    text = preview.text or ""
    assert text.startswith("Voorbeeld.") and FEEDBACK in text
    assert "Je deed mee aan de vragen van werkgroep Velsen" in text
    assert "Ontvangers in Telegram: minder dan 10." in text
    assert [t for row in preview.buttons for t, _ in row] == ["Versturen", "Annuleren"]
    assert await _feedback_status(harness) == ["draft"]
    (sent,) = await tap(coordinator, preview, "Versturen")
    assert "wordt nu verstuurd" in (sent.text or "")

    for user in yes_users:
        await user.wait_until(lambda u: any(FEEDBACK in (m.text or "") for m in u.messages()))
        received = [m.text or "" for m in user.messages() if FEEDBACK in (m.text or "")]
        assert len(received) == 1
        assert received[0].startswith("Je deed mee aan de vragen van werkgroep Velsen")
        assert "Je staat nu niet meer op de lijst." in received[0]
    # The coordinator hears when it is done (after the last opt-in was taken).
    await coordinator.wait_until(lambda u: any(DONE in (m.text or "") for m in u.messages()))
    assert await _feedback_status(harness) == ["sent"]
    assert not any(FEEDBACK in (m.text or "") for m in declined.messages())
    assert await _optins(harness) == []


async def test_cancel_sends_nothing_and_keeps_the_opt_ins(harness: BotHarness) -> None:
    """Annuleren after the preview: no feedback stored, the opt-in stays for later feedback."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep()
    token, _ = await _campaign(harness, werkgroep_id)
    user, thanks = await _finish(harness, 7330001, token)
    await tap(user, thanks, YES)
    coordinator = await _coordinator(harness, coordinator_token, 7330009)
    (choose,) = await say(coordinator, "/terugkoppeling")
    await tap(coordinator, choose, "Jongeren stap-3")
    (preview,) = await say(coordinator, FEEDBACK)
    (cancelled,) = await tap(coordinator, preview, "Annuleren")
    assert cancelled.text == "Geannuleerd. Er is niets verstuurd."
    assert await _feedback_status(harness) == []
    assert len(await _optins(harness)) == 1


async def test_a_participant_cannot_use_terugkoppeling(harness: BotHarness) -> None:
    """Only a coordinator of the werkgroep may write feedback."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, _ = await _campaign(harness, werkgroep_id)
    user, _ = await _finish(harness, 7340001, token)
    (reply,) = await say(user, "/terugkoppeling")
    assert reply.text == "Dit kan alleen een coördinator van deze werkgroep."


async def test_erasure_removes_the_opt_in(harness: BotHarness) -> None:
    """/vergeet finds the opt-in through its keyed look-up and deletes it with the answers."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, _ = await _campaign(harness, werkgroep_id)
    other, thanks = await _finish(harness, 7350002, token)
    await tap(other, thanks, YES)
    user, thanks = await _finish(harness, 7350001, token)
    await tap(user, thanks, YES)
    assert len(await _optins(harness)) == 2
    (ask,) = await say(user, "/vergeet")
    await tap(user, ask, "Ja, wis alles")
    (left,) = await _optins(harness)
    assert harness.runtime is not None
    assert decrypt_chat(harness.runtime.pepper, left.campaign_id, left.chat) == 7350002


async def test_no_opt_in_once_the_campaign_is_closed(harness: BotHarness) -> None:
    """A Ja tapped after the campaign closed stores nothing and says why."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, campaign_id = await _campaign(harness, werkgroep_id)
    user, thanks = await _finish(harness, 7360001, token)
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.closed_at = campaign.created_at
    (reply,) = await tap(user, thanks, YES)
    assert reply.text == (
        "Deze vragenlijst is al gesloten; aanmelden voor een bericht kan niet meer."
    )
    assert await _optins(harness) == []


async def test_a_forged_opt_in_of_someone_who_did_not_take_part_is_refused(
    harness: BotHarness,
) -> None:
    """A Ja button pressed by someone without a finished participation stores nothing."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, campaign_id = await _campaign(harness, werkgroep_id)
    await _finish(harness, 7370001, token)
    stranger = harness.api.user(7370002)
    (hello,) = await say(stranger, "/help")
    mark = stranger.mark()
    update = await stranger.press(hello.message_id, f"fo:ja:{campaign_id}")
    answer = await stranger.wait_answer(update)
    assert answer.text == "Deze knop hoort bij een oude vraag. Kijk naar het laatste bericht."
    assert stranger.messages()[mark:] == []
    assert await _count(harness) == 0


async def _count(harness: BotHarness) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(FeedbackOptIn)) or 0)


async def test_ouders_are_asked_in_the_u_form(harness: BotHarness) -> None:
    """For ouders the offer and its buttons use u; Nee is answered in the u-form too."""
    token = await harness.campaign("ouders")
    user, thanks = await _finish(harness, 7390001, token)
    assert "Wilt u later horen wat de werkgroep met de antwoorden doet?" in (thanks.text or "")
    assert [text for row in thanks.buttons for text, _ in row] == [
        "Ja, stuur mij een bericht",
        "Nee, dank u",
    ]
    (reply,) = await tap(user, thanks, "Nee, dank u")
    assert reply.text == "Oké, u krijgt geen bericht."
    assert await _optins(harness) == []


async def test_feedback_queued_from_the_command_line_reaches_the_opted_in_chat(
    harness: BotHarness, tmp_path: Path
) -> None:
    """`samenspraak terugkoppeling --verstuur` on the bot's database: the running bot sends it
    to the participant who tapped Ja (the CLI itself never sends)."""
    werkgroep_id, _, _ = await harness.werkgroep()
    token, campaign_id = await _campaign(harness, werkgroep_id)
    user, thanks = await _finish(harness, 7391001, token)
    await tap(user, thanks, YES)
    env = {
        "SAMENSPRAAK_DATABASE_URL": harness.settings.resolved_database_url,
        "SAMENSPRAAK_DATA_DIR": str(tmp_path / "cli-data"),
        "SAMENSPRAAK_TELEGRAM_TOKEN": "",
    }
    args = ["terugkoppeling", "--campagne", campaign_id, "--tekst", FEEDBACK, "--verstuur"]
    result = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)
    assert result.exit_code == 0, result.output
    await user.wait_until(lambda u: any(FEEDBACK in (m.text or "") for m in u.messages()))
    assert await _optins(harness) == []
