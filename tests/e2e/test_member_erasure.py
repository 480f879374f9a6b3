"""What /vergeet and /stop tell a werkgroep member (issue 18, item 15), and how a coordinator
removes a member's contributions from the plan when asked."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Contribution, Member
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say, tap


async def _contributions(harness: BotHarness) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count(Contribution.id))) or 0)


async def test_member_hears_what_vergeet_keeps_and_coordinator_can_remove_it(
    harness: BotHarness,
) -> None:
    """/stop does not point a member to /vergeet; /vergeet says plan contributions stay and a
    coordinator can remove them; the coordinator's "Wis bijdragen" (after "Ja") removes them."""
    _, coordinator_token, member_token = await harness.werkgroep("armoede")
    member = harness.api.user(7200001)
    await say(member, f"/start {member_token}")
    await say(member, "Mo Lid")
    (steps,) = await say(member, "Jongerenwerk")
    step1 = next(text for row in steps.buttons for text, _ in row if text.startswith("1."))
    messages = await press(member, steps, step1)
    await answer_current(member, question_of(messages), text="Armoede raakt veel gezinnen.")
    assert await _contributions(harness) == 1

    (stopped,) = await say(member, "/stop")
    assert "/vergeet" not in (stopped.text or "")
    assert "/start" in (stopped.text or "")
    (asked,) = await say(member, "/vergeet")
    text = asked.text or ""
    assert "blijven staan" in text and "coördinator" in text and "met je naam" in text
    (kept,) = await tap(member, asked, "Nee")
    assert "niets gewist" in (kept.text or "")
    assert await _contributions(harness) == 1

    coordinator = harness.api.user(7200002)
    await say(coordinator, f"/start {coordinator_token}")
    await say(coordinator, "Co")
    await say(coordinator, "Gemeente")
    (listing,) = await say(coordinator, "/leden")
    (confirm,) = await tap(coordinator, listing, "Wis bijdragen: Mo Lid")
    assert [t for row in confirm.buttons for t, _ in row] == ["Ja, wis de bijdragen", "Annuleren"]
    (cancelled,) = await tap(coordinator, confirm, "Annuleren")
    assert "Geannuleerd" in (cancelled.text or "")
    assert await _contributions(harness) == 1
    (confirm,) = await tap(coordinator, listing, "Wis bijdragen: Mo Lid")
    (done,) = await tap(coordinator, confirm, "Ja, wis de bijdragen")
    assert "Gewist: 1 bijdragen" in (done.text or "")
    assert await _contributions(harness) == 0


async def test_participant_stop_still_offers_vergeet(harness: BotHarness) -> None:
    """A jongere who stops is still told how to erase their answers."""
    token = await harness.campaign("jongeren")
    user = harness.api.user(7200003)
    await user.send(f"/start {token}")
    await user.wait_for_messages(1)
    (stopped,) = await say(user, "/stop")
    assert "/vergeet" in (stopped.text or "")


async def test_removing_a_member_asks_first_and_can_be_cancelled(harness: BotHarness) -> None:
    """/leden "Verwijder: …" asks to confirm (with Annuleren); only "Ja, verwijderen" removes."""
    werkgroep_id, coordinator_token, member_token = await harness.werkgroep("armoede")
    member = harness.api.user(7200004)
    await say(member, f"/start {member_token}")
    await say(member, "Mo Lid")
    await say(member, "Jongerenwerk")
    coordinator = harness.api.user(7200005)
    await say(coordinator, f"/start {coordinator_token}")
    await say(coordinator, "Co")
    await say(coordinator, "Gemeente")
    (listing,) = await say(coordinator, "/leden")
    (confirm,) = await tap(coordinator, listing, "Verwijder: Mo Lid")
    assert [t for row in confirm.buttons for t, _ in row] == ["Ja, verwijderen", "Annuleren"]
    (cancelled,) = await tap(coordinator, confirm, "Annuleren")
    assert "Geannuleerd" in (cancelled.text or "")
    assert await _active_members(harness, werkgroep_id) == 2
    (confirm,) = await tap(coordinator, listing, "Verwijder: Mo Lid")
    (removed,) = await tap(coordinator, confirm, "Ja, verwijderen")
    assert "Mo Lid is geen lid meer." in (removed.text or "")
    assert await _active_members(harness, werkgroep_id) == 1


async def _active_members(harness: BotHarness, werkgroep_id: str) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        found = await session.scalar(
            select(func.count(Member.id)).where(
                Member.werkgroep_id == werkgroep_id, Member.removed_at.is_(None)
            )
        )
    return int(found or 0)
