"""End-to-end harness: the local Bot API server, the real PTB Application, a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.runtime import Runtime
from bot.telegram.app import build_application, polling
from storage import repo
from storage.models import Campaign
from tests.conftest import prepared_database
from tgstub import BotMessage, LocalBotApi, SimUser

TOKEN = "123456:E2E-TEST-TOKEN-abcdefghij"


@dataclass
class BotHarness:
    api: LocalBotApi
    settings: Settings
    stack: AsyncExitStack
    runtime: Runtime | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    async def start(self) -> None:
        self.runtime = Runtime.build(self.settings)
        await self.stack.enter_async_context(polling(build_application(self.runtime)))

    async def restart(self) -> None:
        """Stop the bot process's application completely and start a fresh one."""
        await self.stack.aclose()
        self.stack = AsyncExitStack()
        await self.start()

    async def werkgroep(self, template: str = "armoede") -> tuple[str, str, str]:
        assert self.runtime is not None
        async with self.runtime.sessions.begin() as session:
            werkgroep, coordinator, member = await repo.create_werkgroep(
                session, "Velsen", template
            )
        return werkgroep.id, coordinator, member

    async def campaign(
        self,
        audience: str = "jongeren",
        step: str = "stap-3",
        template: str = "armoede",
        closes_on: date | None = None,
    ) -> str:
        werkgroep_id, _, _ = await self.werkgroep(template)
        token = repo.new_token()
        assert self.runtime is not None
        async with self.runtime.sessions.begin() as session:
            session.add(
                Campaign(
                    werkgroep_id=werkgroep_id,
                    audience=audience,
                    step_key=step,
                    flow_id=f"{template}.{step}.{audience}",
                    closes_on=closes_on,
                    token_hash=repo.hash_token(token),
                )
            )
        return token


@pytest.fixture(params=["sqlite"])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BotHarness]:
    url = await prepared_database(request.param, tmp_path)
    async with LocalBotApi(token=TOKEN, bot_username="samenspraak_test_bot") as api:
        settings = load_settings(
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            telegram_file_url=api.base_file_url,
            data_dir=tmp_path / "data",
            database_url=url,
            pepper="e2e-pepper-" + "x" * 32,
            bot_username="samenspraak_test_bot",
        )
        harness = BotHarness(api, settings, AsyncExitStack())
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stack.aclose()


async def join_as_coordinator(harness: BotHarness, user_id: int) -> tuple[str, SimUser]:
    """A new werkgroep, and a user who joined it as coordinator (name and organisation given)."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep("armoede")
    user = harness.api.user(user_id)
    await say(user, f"/start {coordinator_token}")
    await say(user, "Co Ordinator")
    await say(user, "Gemeente Velsen")
    return werkgroep_id, user


async def say(user: SimUser, text: str, replies: int = 1) -> list[BotMessage]:
    mark = user.mark()
    await user.send(text)
    return await user.wait_new(mark, replies)


async def tap(
    user: SimUser, message: BotMessage, button: str, replies: int = 1
) -> list[BotMessage]:
    mark = user.mark()
    await user.click(message, button)
    return await user.wait_new(mark, replies)


def _ends_turn(message: BotMessage) -> bool:
    text = message.text or ""
    return ("Vraag " in text and " van " in text) or "Klaar!" in text or "afgerond" in text


async def until_question(user: SimUser, mark: int) -> list[BotMessage]:
    """Wait for the message that ends a turn in a flow (the next question, or the thanks)."""
    await user.wait_until(lambda u: any(_ends_turn(m) for m in u.messages()[mark:]))
    return user.messages()[mark:]


async def ask(user: SimUser, text: str) -> list[BotMessage]:
    """Send text and wait until the bot has shown the next question (or finished)."""
    mark = user.mark()
    await user.send(text)
    return await until_question(user, mark)


async def press(user: SimUser, message: BotMessage, button: str) -> list[BotMessage]:
    """Tap a button and wait until the bot has shown the next question (or finished)."""
    mark = user.mark()
    await user.click(message, button)
    return await until_question(user, mark)


def question_of(messages: list[BotMessage]) -> BotMessage:
    """The last message that asks a question ('Vraag n van m')."""
    for message in reversed(messages):
        if message.text and "Vraag " in message.text and " van " in message.text:
            return message
    raise AssertionError(f"no question in {[m.text for m in messages]}")


def option_labels(message: BotMessage) -> list[str]:
    return [
        text
        for row in message.buttons
        for text, data in row
        if data is not None and data.startswith("o:")
    ]


async def answer_current(
    user: SimUser, question: BotMessage, text: str = "Meer plekken om te sporten in de buurt"
) -> list[BotMessage]:
    """Answer whatever the question is: tick the first option (then Klaar), or type text."""
    options = option_labels(question)
    done = [
        text
        for row in question.buttons
        for text, data in row
        if data is not None and data.startswith("d:")
    ]
    mark = user.mark()
    if done:
        await user.click(question, options[0])
        await user.wait_until(lambda u: u.message(question.message_id).edited)
        await user.click(user.message(question.message_id), done[0])
    elif options:
        await user.click(question, options[0])
    else:
        await user.send(text)
    return await until_question(user, mark)


async def member_at_discussion(user: SimUser, member_token: str) -> list[BotMessage]:
    """A new werkgroep member joins with ``member_token`` and works through stap 3 up to its
    discussion question (where jongeren's and ouders' input is shown); returns those messages."""
    await say(user, f"/start {member_token}")
    await say(user, "Mo Lid")
    (steps,) = await say(user, "Jongerenwerk")
    step3 = next(text for row in steps.buttons for text, _ in row if "3." in text)
    messages = await press(user, steps, step3)
    for _ in range(40):
        if any("dit zeiden jongeren en ouders" in (m.text or "") for m in messages):
            return messages
        messages = await answer_current(user, question_of(messages), text="Ons antwoord.")
    raise AssertionError("the discussion question was never reached")
