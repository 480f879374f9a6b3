"""A werkgroep names its local schemes in a campaign without editing YAML (issue 18 item 19):
`--regelingen` fills the flow's {regelingen} placeholder; without it the flow's default text."""

from __future__ import annotations

import pytest

from bot.admin import service
from bot.admin.errors import InvalidRequest
from storage.models import Campaign
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say

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
