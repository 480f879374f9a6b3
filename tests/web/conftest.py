"""The web channel in-process: a real Runtime on SQLite (and PostgreSQL when configured), the
aiohttp app on a test server, and visitors with their own cookie jars."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.config import load_settings
from bot.runtime import Runtime
from bot.web.app import create_app
from bot.web.limits import Rate
from storage import repo
from storage.models import (
    Answer,
    Campaign,
    ChatSession,
    ConversationRow,
    Participant,
    ProcessedUpdate,
)
from tests.conftest import FLOWS, prepared_database
from tests.web.pages import Visitor

PEPPER = "web-tests-pepper-" + "x" * 32
GENEROUS = Rate(per_second=1000.0, burst=1000)


async def make_runtime(url: str, tmp_path: Path, **overrides: object) -> Runtime:
    settings = load_settings(
        database_url=url,
        pepper=PEPPER,
        flows_dir=FLOWS,
        data_dir=tmp_path / "data",
        bot_username="samenspraak_test_bot",
        **overrides,
    )
    return Runtime.build(settings)


@pytest.fixture(params=["sqlite", "postgresql"])
async def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Runtime]:
    """On SQLite always, and on PostgreSQL when SAMENSPRAAK_TEST_DATABASE_URL is set."""
    url = await prepared_database(request.param, tmp_path)
    built = await make_runtime(url, tmp_path)
    yield built
    await built.close()


async def create_campaign(
    runtime: Runtime, audience: str = "jongeren", **fields: object
) -> tuple[str, str, str]:
    """A werkgroep with an open stap-3 campaign; returns (campaign token, campaign id,
    member invite token)."""
    token = repo.new_token()
    async with runtime.sessions.begin() as session:
        werkgroep, _, member_token = await repo.create_werkgroep(session, "Velsen", "armoede")
        campaign = Campaign(
            werkgroep_id=werkgroep.id,
            audience=audience,
            step_key="stap-3",
            flow_id=f"armoede.stap-3.{audience}",
            token_hash=repo.hash_token(token),
            **fields,
        )
        session.add(campaign)
        await session.flush()
        return token, campaign.id, member_token


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[TestServer]:
    app = create_app(runtime, session_rate=GENEROUS, address_rate=GENEROUS)
    async with TestServer(app) as running:
        yield running


@pytest.fixture
async def visitor_factory(
    server: TestServer,
) -> AsyncIterator[Callable[[], Awaitable[Visitor]]]:
    clients: list[TestClient] = []

    async def make() -> Visitor:
        client = TestClient(server)
        await client.start_server()
        clients.append(client)
        return Visitor(client)

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def visitor(visitor_factory: Callable[[], Awaitable[Visitor]]) -> Visitor:
    return await visitor_factory()


async def counts(runtime: Runtime) -> dict[str, int]:
    """How many rows the tables a participant writes to hold."""
    result = {}
    async with runtime.sessions() as session:
        for name, model in (
            ("answers", Answer),
            ("participants", Participant),
            ("conversations", ConversationRow),
            ("chat_sessions", ChatSession),
            ("processed", ProcessedUpdate),
        ):
            result[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return result


async def answers_of(runtime: Runtime, campaign_id: str) -> dict[str, object]:
    async with runtime.sessions() as session:
        rows = (
            await session.scalars(select(Answer).where(Answer.campaign_id == campaign_id))
        ).all()
    result: dict[str, object] = {}
    for row in rows:
        value: object = row.value_option
        if row.value_number is not None:
            value = row.value_number
        elif row.value_text is not None:
            value = row.value_text
        result[row.question_id] = value
    return result
