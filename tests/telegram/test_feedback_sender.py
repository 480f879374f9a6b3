"""The feedback sender (#17.5): consecutive sends start at least 1/rate apart, so no second holds
more than ``rate`` sends (checked on a fake clock, without waiting); two senders at once (two
replicas) send each opt-in exactly once."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from sqlalchemy import func, select
from telegram import Bot

from bot.config import load_settings
from bot.privacy.optin import encrypt_chat, optin_lookup
from bot.runtime import Runtime
from bot.telegram.feedback import MAX_RATE, Pacer, send_pending
from storage import repo
from storage.models import Campaign, CampaignFeedback, FeedbackOptIn
from tgstub import LocalBotApi

TOKEN = "123456:SENDER-TEST-TOKEN-abcdefgh"
PEPPER = "sender-test-pepper-" + "x" * 32
TEXT = "De sporthal is open op vrijdagavond."
FIRST = 7400001


async def test_sends_are_spaced_so_no_second_holds_more_than_the_rate() -> None:
    """100 sends at once: each waits for its slot; any one-second window holds ≤ 25."""
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(MAX_RATE, clock=lambda: now[0], sleep=sleep)
    starts = [await pacer.wait() for _ in range(100)]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / MAX_RATE - 1e-9
    # (a send exactly one second after another belongs to the next second; 1e-9: rounding)
    busiest = max(sum(1 for s in starts if first <= s < first + 1.0 - 1e-9) for first in starts)
    assert busiest == 25
    assert MAX_RATE <= 25


async def test_a_pacer_that_was_idle_does_not_wait() -> None:
    """After a pause longer than a slot the next send starts at once."""
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(MAX_RATE, clock=lambda: now[0], sleep=sleep)
    await pacer.wait()
    now[0] += 5.0
    assert await pacer.wait() == 5.0
    assert slept == []


async def _queued(runtime: Runtime, api: LocalBotApi, users: int) -> str:
    async with runtime.sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "Velsen", "armoede")
        campaign = Campaign(
            werkgroep_id=werkgroep.id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.new_token(),
        )
        session.add(campaign)
        await session.flush()
        for user_id in range(FIRST, FIRST + users):
            api.user(user_id)
            session.add(
                FeedbackOptIn(
                    campaign_id=campaign.id,
                    lookup=optin_lookup(runtime.pepper, campaign.id, str(user_id)),
                    chat=encrypt_chat(runtime.pepper, campaign.id, user_id),
                )
            )
        # A value that no longer decrypts (the pepper was rotated) is skipped, not sent.
        session.add(FeedbackOptIn(campaign_id=campaign.id, lookup="0" * 64, chat="stale"))
        session.add(
            CampaignFeedback(
                campaign_id=campaign.id, text=TEXT, status="sending", written_by="cli:test"
            )
        )
        return campaign.id


async def test_two_senders_at_once_send_each_opt_in_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    """Two replicas run the sender at the same moment: every opted-in chat gets the feedback
    once, nobody twice; no opt-in is left and the feedback is marked sent."""
    async with LocalBotApi(token=TOKEN, bot_username="samenspraak_test_bot") as api:
        settings = load_settings(
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            database_url=database_url,
            pepper=PEPPER,
            data_dir=tmp_path / "data",
        )
        runtimes = [Runtime.build(settings), Runtime.build(settings)]
        await _queued(runtimes[0], api, 60)
        bots = [Bot(TOKEN, base_url=api.base_url) for _ in runtimes]
        async with bots[0], bots[1]:
            sent = await asyncio.gather(
                *(send_pending(bot, runtime) for bot, runtime in zip(bots, runtimes, strict=True))
            )
        async with runtimes[0].sessions() as session:
            left = await session.scalar(select(func.count()).select_from(FeedbackOptIn))
            status = await session.scalar(select(CampaignFeedback.status))
        for runtime in runtimes:
            await runtime.close()
        received = [
            sum(1 for m in api.user(user_id).messages() if TEXT in (m.text or ""))
            for user_id in range(FIRST, FIRST + 60)
        ]
    assert received == [1] * 60
    assert sum(sent) == 60
    assert (left, status) == (0, "sent")
