"""A runtime without Telegram on SQLite (the armoede flows), and a dialog over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path

import pytest

from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Out
from bot.config import load_settings
from bot.runtime import Runtime
from tests.conftest import prepared_database
from tests.reliability.conftest import flows_dir

PEPPER = "chat-tests-pepper-" + "x" * 32
__all__ = [
    "PEPPER",
    "Talk",
    "dialog",
    "flows_dir",
    "runtime",
    "talk",
]  # flows_dir: the small catalog


@pytest.fixture
async def runtime(tmp_path: Path, flows_dir: Path) -> AsyncIterator[Runtime]:
    url = await prepared_database("sqlite", tmp_path)
    settings = load_settings(
        database_url=url, pepper=PEPPER, flows_dir=flows_dir, data_dir=tmp_path / "data"
    )
    runtime = Runtime.build(settings)
    yield runtime
    await runtime.close()


class Talk:
    """One user talking to the real dialog; each call is a new update."""

    def __init__(
        self, dialog: Dialog, user_id: int | None = 4242, principal: str = "", first_id: int = 1
    ) -> None:
        self.dialog = dialog
        self.user_id = user_id
        self.principal = principal
        # Update ids are claimed once per database (redeliveries are ignored).
        self.ids = count(first_id)

    async def __call__(self, **fields: object) -> list[Out]:
        incoming = Incoming(
            update_id=next(self.ids),
            user_id=self.user_id,
            principal=self.principal,
            **fields,  # type: ignore[arg-type]
        )
        return await self.dialog.handle(incoming)


@pytest.fixture
def dialog(runtime: Runtime) -> Dialog:
    return Dialog(runtime)


@pytest.fixture
def talk(dialog: Dialog) -> Talk:
    return Talk(dialog)
