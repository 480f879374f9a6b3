"""Feedback to opted-in participants (#17.5): how fast the sender goes, and that it stays under
Telegram's limit.

The real sender (``bot.telegram.feedback.send_pending``) sends one queued feedback to ``--optins``
chats through the local Bot API stub, with a PTB ``Bot`` like the running bot's. Reported: the
messages delivered, the seconds taken, the rate, the most messages started within any one
second (must stay ≤ 25; Telegram allows about 30), and what is left in the database (nothing).

    python -m benchmarks.feedback [--optins 150]

Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from telegram import Bot

from benchmarks.common import PEPPER, TOKEN
from bot.config import load_settings
from bot.privacy.optin import encrypt_chat, optin_lookup
from bot.runtime import Runtime
from bot.telegram import feedback as sender
from storage import repo
from storage.models import Campaign, CampaignFeedback, FeedbackOptIn
from tgstub import LocalBotApi

FIRST_USER = 9_100_000


STARTS: list[float] = []


class TimedBot(Bot):
    """Records when each send starts (a PTB Bot is frozen: the list lives outside)."""

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        STARTS.append(time.monotonic())
        return await super().send_message(*args, **kwargs)


async def run(optins: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        async with LocalBotApi(token=TOKEN, bot_username="bench_bot") as api:
            settings = load_settings(
                telegram_token=TOKEN,
                telegram_api_url=api.base_url,
                telegram_file_url=api.base_file_url,
                data_dir=Path(tmp) / "data",
                database_url=url,
                pepper=PEPPER,
            )
            runtime = Runtime.build(settings)
            await runtime.prepare(migrate=True)
            async with runtime.sessions.begin() as session:
                werkgroep, _, _ = await repo.create_werkgroep(session, "Bench", "armoede")
                campaign = Campaign(
                    werkgroep_id=werkgroep.id,
                    audience="jongeren",
                    step_key="stap-3",
                    flow_id="armoede.stap-3.jongeren",
                    token_hash=repo.new_token(),
                )
                session.add(campaign)
                await session.flush()
                for n in range(optins):
                    user_id = FIRST_USER + n
                    api.user(user_id)
                    session.add(
                        FeedbackOptIn(
                            campaign_id=campaign.id,
                            lookup=optin_lookup(runtime.pepper, campaign.id, str(user_id)),
                            chat=encrypt_chat(runtime.pepper, campaign.id, user_id),
                        )
                    )
                session.add(
                    CampaignFeedback(
                        campaign_id=campaign.id, text="Bench", status="sending", written_by="b"
                    )
                )
            bot = TimedBot(TOKEN, base_url=api.base_url)
            async with bot:
                began = time.monotonic()
                delivered = await sender.send_pending(bot, runtime)
                seconds = time.monotonic() - began
            async with runtime.sessions() as session:
                left = await session.scalar(select(func.count()).select_from(FeedbackOptIn))
                status = await session.scalar(select(CampaignFeedback.status))
            await runtime.close()
            received = sum(
                1 for n in range(optins) for m in api.user(FIRST_USER + n).messages() if m.text
            )
    starts = STARTS
    busiest = max((bisect_left(starts, s + 1.0) - i for i, s in enumerate(starts)), default=0)
    return {
        "optins": optins,
        "delivered": delivered,
        "received": received,
        "seconds": round(seconds, 2),
        "messages_per_s": round(delivered / seconds, 1) if seconds else 0.0,
        "max_in_any_second": busiest,
        "limit_per_s": sender.MAX_RATE,
        "optins_left": left,
        "status": status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optins", type=int, default=150)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.optins))))


if __name__ == "__main__":
    main()
