"""Coordinator comforts around campaigns (issue 18, items 14 and 16): the link and QR code can
be shown again, a second open campaign like the first warns first, every confirmation can be
cancelled, and no internal step id reaches the coordinator."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Campaign
from tests.e2e.conftest import BotHarness, join_as_coordinator, say, tap
from tgstub import BotMessage, SimUser


def _button_texts(message_buttons: list[list[tuple[str, str | None]]]) -> list[str]:
    return [text for row in message_buttons for text, _ in row]


async def _campaign_count(harness: BotHarness) -> int:
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count(Campaign.id))) or 0)


async def test_campaign_link_can_be_shown_again_and_names_the_step(harness: BotHarness) -> None:
    """The new link names "stap 3: …" (not "stap-3"); /campagnes shows the same link and QR
    code again with "Link en QR"."""
    _, user = await join_as_coordinator(harness, 8890001)
    (ask,) = await say(user, "/campagne Ichthus College")
    assert "Annuleren" in _button_texts(ask.buttons)
    (steps,) = await tap(user, ask, "Jongeren")
    assert "Annuleren" in _button_texts(steps.buttons)
    step3 = next(t for t in _button_texts(steps.buttons) if t.startswith("3."))
    made, photo = await tap(user, steps, step3, replies=2)
    text = made.text or ""
    assert "stap 3: Verzamel gegevens" in text
    assert "stap-3" not in text
    link = next(word for word in text.split() if word.startswith("https://t.me/"))
    (listing,) = await say(user, "/campagnes")
    assert "stap-3" not in (listing.text or "")
    assert "stap 3: Verzamel gegevens" in (listing.text or "")
    again = next(t for t in _button_texts(listing.buttons) if t.startswith("Link en QR"))
    assert "stap-3" not in again
    shown, qr = await tap(user, listing, again, replies=2)
    assert link in (shown.text or "")
    assert qr.photo == photo.photo and qr.caption == photo.caption


async def _ask_for_step3(user: SimUser, label: str) -> tuple[BotMessage, str]:
    (ask,) = await say(user, f"/campagne {label}")
    (steps,) = await tap(user, ask, "Ouders")
    return steps, next(t for t in _button_texts(steps.buttons) if t.startswith("3."))


async def test_second_open_campaign_warns_first_and_can_be_cancelled(harness: BotHarness) -> None:
    """A second /campagne for the same step, audience and label asks first; "Annuleren" makes
    nothing, "Ja, nieuwe link" makes the second one."""
    _, user = await join_as_coordinator(harness, 8890002)
    steps, step3 = await _ask_for_step3(user, "wijk Noord")
    await tap(user, steps, step3, replies=2)
    assert await _campaign_count(harness) == 1
    steps, step3 = await _ask_for_step3(user, "wijk Noord")
    (warning,) = await tap(user, steps, step3)
    assert "al een open campagne" in (warning.text or "")
    assert "stap 3: Verzamel gegevens" in (warning.text or "")
    assert _button_texts(warning.buttons) == ["Ja, nieuwe link", "Annuleren"]
    (cancelled,) = await tap(user, warning, "Annuleren")
    assert "Geannuleerd" in (cancelled.text or "")
    assert await _campaign_count(harness) == 1
    steps, step3 = await _ask_for_step3(user, "wijk Noord")
    (warning,) = await tap(user, steps, step3)
    made, _ = await tap(user, warning, "Ja, nieuwe link", replies=2)
    assert "is klaar" in (made.text or "")
    assert await _campaign_count(harness) == 2
    # Another label is another group: no warning.
    steps, step3 = await _ask_for_step3(user, "wijk Zuid")
    made, _ = await tap(user, steps, step3, replies=2)
    assert "is klaar" in (made.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        labels = sorted((await session.scalars(select(Campaign.label))).all())
    assert labels == ["wijk Noord", "wijk Noord", "wijk Zuid"]


async def test_closing_a_campaign_can_be_cancelled(harness: BotHarness) -> None:
    """ "Sluit: …" asks to confirm; "Annuleren" leaves the campaign open."""
    _, user = await join_as_coordinator(harness, 8890003)
    (ask,) = await say(user, "/campagne")
    (steps,) = await tap(user, ask, "Jongeren")
    step3 = next(t for t in _button_texts(steps.buttons) if t.startswith("3."))
    await tap(user, steps, step3, replies=2)
    (listing,) = await say(user, "/campagnes")
    close = next(t for t in _button_texts(listing.buttons) if t.startswith("Sluit"))
    (confirm,) = await tap(user, listing, close)
    assert _button_texts(confirm.buttons) == ["Ja, sluiten", "Annuleren"]
    (cancelled,) = await tap(user, confirm, "Annuleren")
    assert "Geannuleerd" in (cancelled.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        closed = (await session.scalars(select(Campaign.closed_at))).all()
    assert closed == [None]


async def test_label_with_a_phone_number_is_refused_in_dutch(harness: BotHarness) -> None:
    """A label with a phone number is refused in plain Dutch, without an error code."""
    _, user = await join_as_coordinator(harness, 8890004)
    (ask,) = await say(user, "/campagne 06-12345678")
    (steps,) = await tap(user, ask, "Jongeren")
    step3 = next(t for t in _button_texts(steps.buttons) if t.startswith("3."))
    (refused,) = await tap(user, steps, step3)
    assert "een telefoonnummer" in (refused.text or "")
    assert "phone" not in (refused.text or "") and "label_" not in (refused.text or "")
    assert await _campaign_count(harness) == 0


async def test_unknown_step_in_samenvatting_lists_step_numbers(harness: BotHarness) -> None:
    """/samenvatting with an unknown step lists the step numbers, not internal keys."""
    _, user = await join_as_coordinator(harness, 8890005)
    (reply,) = await say(user, "/samenvatting 9")
    assert "Kies uit: 1, 2, 3, 4, 5, 6, 7" in (reply.text or "")
    assert "stap-" not in (reply.text or "")
