"""How many transactions a page costs, and that reading a page never waits for a writer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection

from bot.runtime import Runtime
from tests.web.conftest import create_campaign
from tests.web.pages import Visitor
from tests.web.test_journey import consent
from tests.web.test_rules import first_text_question


@contextmanager
def transactions(runtime: Runtime) -> Iterator[list[bool]]:
    """Each transaction begun meanwhile: True for one that may write."""
    begun: list[bool] = []

    def on_begin(connection: Connection) -> None:
        begun.append(not connection.get_execution_options().get("samenspraak_read_only", False))

    event.listen(runtime.database.sync_engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(runtime.database.sync_engine, "begin", on_begin)


async def test_an_answer_and_its_next_page_share_one_transaction(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The page after an answer shows where the session stands as the answer's own transaction
    left it: no second transaction to read it back."""
    token, _, _ = await create_campaign(runtime)
    first = await consent(visitor, token)
    assert first.options(), first.text
    with transactions(runtime) as begun:
        pressed = await visitor.step(first)
    assert "Vraag 2 van" in pressed.text
    assert begun == [True]
    question = await first_text_question(visitor, pressed)
    with transactions(runtime) as begun:
        typed = await visitor.type(question, "Meer plekken om te sporten")
    assert "Meer plekken om te sporten" in typed.text and "Vraag " in typed.text
    # A typed answer first checks, read-only, that it answers the question the page showed.
    assert begun == [False, True]


async def test_reading_a_page_does_not_wait_for_a_writer(
    runtime: Runtime, visitor: Visitor
) -> None:
    """While another request holds the write transaction, the campaign's landing page is still
    shown (SQLite: readers do not queue for the write lock)."""
    token, _, _ = await create_campaign(runtime)
    landing = await visitor.get(f"/j/{token}")
    holding, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with runtime.sessions.begin() as session:
            await session.connection()  # begins: takes the write lock on SQLite
            holding.set()
            await release.wait()

    held = asyncio.create_task(writer())
    await holding.wait()
    try:
        again = await asyncio.wait_for(visitor.get(f"/j/{token}"), timeout=20)
        assert not held.done()  # shown while the writer still held its transaction
    finally:
        release.set()
        await held
    assert again.status == 200
    assert again.text == landing.text and "Beantwoord hier in je browser" in again.text
