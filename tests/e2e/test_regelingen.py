"""A werkgroep names its local schemes in a campaign without editing YAML (issue 18 item 19):
`--regelingen` fills the flow's {regelingen} placeholder; without it the flow's default text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.admin import service
from bot.admin.errors import InvalidRequest
from storage.models import Campaign
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    join_as_coordinator,
    press,
    question_of,
    say,
    tap,
)

HELPT = "Helpt de hulp voor jongeren met weinig geld?"


async def _campaign(harness: BotHarness, regelingen: str | None, step: str = "stap-6") -> str:
    assert harness.runtime is not None
    werkgroep_id, _, _ = await harness.werkgroep("armoede")
    async with harness.runtime.sessions.begin() as session:
        made = await service.create_campaign(
            session,
            harness.runtime.catalog,
            werkgroep_id,
            "jongeren",
            step,
            actor="cli",
            regelingen=regelingen,
        )
    return made.token


async def _helpt_question(harness: BotHarness, user_id: int, token: str) -> str:
    user = harness.api.user(user_id)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(10):
        question = question_of(messages)
        if HELPT in (question.text or ""):
            return question.text or ""
        messages = await answer_current(user, question)
    raise AssertionError("the question about the local schemes never came")


async def test_named_schemes_fill_the_question(harness: BotHarness) -> None:
    """With --regelingen the question names them; the campaign row stores them."""
    token = await _campaign(harness, "  Meedoenpas,   Jeugdfonds Sport ")
    text = await _helpt_question(harness, 7400001, token)
    assert "Denk aan Meedoenpas, Jeugdfonds Sport." in text
    assert "{regelingen}" not in text
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        found = await service.repo.find_campaign(session, token)
        assert found is not None
        stored = await session.get(Campaign, found.id)
        assert stored is not None and stored.regelingen == "Meedoenpas, Jeugdfonds Sport"


async def test_without_schemes_the_default_text_is_asked(harness: BotHarness) -> None:
    """Without --regelingen the question uses the flow's default words."""
    token = await _campaign(harness, None)
    text = await _helpt_question(harness, 7400002, token)
    assert "Denk aan geld voor sport of een club, of hulp bij spullen voor school." in text


async def test_schemes_for_a_flow_without_the_placeholder_are_refused(
    harness: BotHarness,
) -> None:
    """Naming schemes for questions that do not mention them is refused, in Dutch."""
    with pytest.raises(InvalidRequest, match="noemen geen regelingen"):
        await _campaign(harness, "Meedoenpas", step="stap-3")


async def test_coordinator_names_schemes_in_chat(harness: BotHarness) -> None:
    """/campagne at a step whose questions name schemes asks for them: typed names are stored
    (a refused text can be typed again), "Standaardtekst" keeps the flow's default."""
    _, user = await join_as_coordinator(harness, 7400003)
    (ask,) = await say(user, "/campagne")
    (steps,) = await tap(user, ask, "Jongeren")
    step6 = next(t for row in steps.buttons for t, _ in row if t.startswith("6."))
    (schemes,) = await tap(user, steps, step6)
    assert "Welke zijn er bij jullie?" in (schemes.text or "")
    assert [t for row in schemes.buttons for t, _ in row] == ["Standaardtekst", "Annuleren"]
    (refused,) = await say(user, "Bel 06-12345678")
    assert "persoonsgegevens" in (refused.text or "")
    mark = user.mark()
    await user.send("Meedoenpas, Jeugdfonds Sport")
    made, photo = await user.wait_new(mark, 2)
    assert "is klaar" in (made.text or "") and photo.photo is not None
    (ask,) = await say(user, "/campagne")
    (steps,) = await tap(user, ask, "Ouders")
    step6 = next(t for row in steps.buttons for t, _ in row if t.startswith("6."))
    (schemes,) = await tap(user, steps, step6)
    made, _ = await tap(user, schemes, "Standaardtekst", replies=2)
    assert "is klaar" in (made.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        stored = (
            await session.execute(
                select(Campaign.audience, Campaign.regelingen).order_by(Campaign.audience)
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        ("jongeren", "Meedoenpas, Jeugdfonds Sport"),
        ("ouders", None),
    ]
