"""The outbox sender: leftovers delivered once, in order per chat, by one replica at a time;
sealed chat ids that name nobody."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.chat.events import Send
from bot.chat.wire import dump_outs
from bot.privacy.sealed import ChatSeal, SealError
from bot.telegram.outbox import OutboxSender
from storage import outbox
from storage.db import make_engine, make_sessionmaker
from storage.handles import Sessions
from storage.models import OutboxEntry, utcnow
from tests.conftest import prepared_database

PEPPER = b"outbox-test-pepper-" + b"p" * 32
CHATS = 12
ROWS_PER_CHAT = 6
REPLICAS = 4


@dataclass
class RecordingBot:
    """Records every sendMessage (chat, text, which replica); each send takes a little while."""

    name: str
    log: list[tuple[int, str, str]]
    rng: random.Random
    counter: list[int] = field(default_factory=lambda: [0])

    async def _post(self, method: str, data: dict[str, Any]) -> None:
        """Where deliver sends a message (PTB's request path, see bot.telegram.deliver._call)."""
        assert method == "sendMessage"
        await asyncio.sleep(self.rng.uniform(0.0, 0.01))
        self.log.append((data["chat_id"], data["text"], self.name))
        self.counter[0] += 1


@dataclass
class TogetherBot:
    """Records every sendMessage; all sends return in the same moment, once ``expected`` of
    them are under way (replies that were all delivered at once)."""

    log: list[tuple[int, str, str]]
    expected: int
    under_way: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    async def _post(self, method: str, data: dict[str, Any]) -> None:
        assert method == "sendMessage"
        self.under_way += 1
        if self.under_way == self.expected:
            self.all_in.set()
        await self.all_in.wait()
        self.log.append((data["chat_id"], data["text"], "together"))


async def leave_leftovers(sessions: Sessions, seal: ChatSeal) -> None:
    """What a crashed process leaves: rows of many chats, interleaved, their hold run out."""
    past = utcnow() - timedelta(seconds=5)
    async with sessions.begin() as session:
        for n in range(ROWS_PER_CHAT):
            for chat in range(CHATS):
                body = dump_outs([Send(f"{chat}:{n}:a"), Send(f"{chat}:{n}:b")])
                await outbox.enqueue(session, seal.seal(1000 + chat), body, past)


def expected_order(chat: int) -> list[str]:
    return [f"{chat}:{n}:{part}" for n in range(ROWS_PER_CHAT) for part in "ab"]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_replicas_deliver_leftovers_once_in_order_per_chat(tmp_path: Path, kind: str) -> None:
    """Senders of several replicas (each its own connection pool) sweep at the same time:
    every message is sent once, each chat's messages in order and by one replica; the outbox is
    empty afterwards."""
    url = await prepared_database(kind, tmp_path)
    engines = [make_engine(url) for _ in range(REPLICAS)]
    seal = ChatSeal(PEPPER)
    log: list[tuple[int, str, str]] = []
    try:
        replicas = [make_sessionmaker(engine) for engine in engines]
        await leave_leftovers(replicas[0], seal)
        senders = [OutboxSender(s, ChatSeal(PEPPER), timedelta(seconds=60)) for s in replicas]
        bots = [RecordingBot(f"r{i}", log, random.Random(i)) for i in range(REPLICAS)]
        for sessions in replicas:  # connections open, so the sweeps start together
            async with sessions() as session:
                await outbox.count(session)
        for _ in range(3):  # a few rounds, as the periodic sweep would
            await asyncio.gather(
                *(
                    sender.sweep(cast(Bot, bot), everything=False)
                    for sender, bot in zip(senders, bots, strict=True)
                )
            )
        assert len(log) == CHATS * ROWS_PER_CHAT * 2
        for chat in range(CHATS):
            mine = [(text, replica) for chat_id, text, replica in log if chat_id == 1000 + chat]
            assert [text for text, _ in mine] == expected_order(chat)
            assert len({replica for _, replica in mine}) == 1
        async with replicas[1]() as session:
            assert await outbox.count(session) == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_rows_still_held_by_their_writer_are_left_alone(tmp_path: Path) -> None:
    """A fresh row belongs to the process that wrote it until its hold runs out; at SQLite
    start-up (one process) every row is a leftover and goes out."""
    url = await prepared_database("sqlite", tmp_path)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    seal = ChatSeal(PEPPER)
    log: list[tuple[int, str, str]] = []
    bot = cast(Bot, RecordingBot("r", log, random.Random(1)))
    try:
        async with sessions.begin() as session:
            body = dump_outs([Send("vraag 2")])
            await outbox.enqueue(session, seal.seal(42), body, utcnow() + timedelta(seconds=60))
        sender = OutboxSender(sessions, seal)
        assert await sender.sweep(bot, everything=False) == 0
        assert log == []
        assert await sender.sweep(bot, everything=True) == 1
        assert log == [(42, "vraag 2", "r")]
    finally:
        await engine.dispose()


async def test_the_stored_chat_id_names_nobody(tmp_path: Path) -> None:
    """The same chat sealed twice gives two unrelated values without the chat id in them;
    another pepper cannot open them."""
    seal = ChatSeal(PEPPER)
    first, second = seal.seal(987654321), seal.seal(987654321)
    assert first != second
    assert seal.open(first) == seal.open(second) == 987654321
    assert (987654321).to_bytes(8, "big") not in first
    assert b"987654321" not in first
    with pytest.raises(SealError):
        ChatSeal(b"another-pepper-" + b"q" * 32).open(first)
    url = await prepared_database("sqlite", tmp_path)
    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine)
        async with sessions.begin() as session:
            await outbox.enqueue(session, first, [], utcnow())
            await outbox.enqueue(session, second, [], utcnow())
        async with sessions() as session:
            chats = list(await session.scalars(select(OutboxEntry.chat)))
        assert len(set(chats)) == 2
        assert all(b"987654321" not in chat for chat in chats)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_deletions_of_delivered_rows_coalesce(tmp_path: Path, kind: str) -> None:
    """Forty replies delivered in the same moment cost one or two deletion transactions, not
    forty; every row is gone when its deliverer goes on, and none is delivered again. (With
    sends spread over time the number of batches depends on how long a deletion takes.)"""
    url = await prepared_database(kind, tmp_path)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    seal = ChatSeal(PEPPER)
    log: list[tuple[int, str, str]] = []
    bot = cast(Bot, TogetherBot(log, expected=40))
    try:
        ids = []
        async with sessions.begin() as session:
            for chat in range(40):
                body = dump_outs([Send(f"{chat}")])
                held = utcnow() + timedelta(seconds=60)
                ids.append((chat, await outbox.enqueue(session, seal.seal(chat), body, held)))
        sender = OutboxSender(sessions, seal)

        async def deliver(chat: int, row_id: int) -> None:
            await sender.deliver_now(bot, chat, [Send(f"{chat}")], row_id)
            async with sessions() as session:  # gone by the time the deliverer goes on
                found = await session.scalar(select(OutboxEntry).where(OutboxEntry.id == row_id))
            assert found is None

        await asyncio.gather(*(deliver(chat, row_id) for chat, row_id in ids))
        assert sorted(chat for chat, _, _ in log) == list(range(40))
        assert 1 <= sender.deletions <= 2
        assert await sender.sweep(bot, everything=True) == 0
        assert len(log) == 40
    finally:
        await engine.dispose()
