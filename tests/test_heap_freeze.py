"""The serving processes keep the garbage collector away from what lives as long as they do
(bot.runtime.freeze_long_lived): after start-up and again after the warm-up; tests never freeze."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot import runtime as runtime_module
from bot.config import load_settings
from bot.runtime import Runtime, warm_up_soon
from bot.telegram import app as telegram_app
from tests.conftest import FLOWS


def _settings(tmp_path: Path) -> Any:
    return load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}",
        pepper="heap-test-pepper-" + "x" * 32,
        flows_dir=FLOWS,
        data_dir=tmp_path,
        telegram_token="123456:HEAP-TEST-abcdefghijklmnop",
        metrics_port=0,
    )


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every gc.freeze() the code asks for (the test process itself is never frozen)."""
    seen: list[str] = []
    monkeypatch.setattr(runtime_module.gc, "freeze", lambda: seen.append("freeze"))
    return seen


async def test_the_warm_up_freezes_only_in_a_serving_process(
    tmp_path: Path, freezes: list[str]
) -> None:
    runtime = Runtime.build(_settings(tmp_path))
    await warm_up_soon(runtime, delay=0)
    assert freezes == []  # a test's runtime, the web tests', the e2e harness's
    runtime.freeze_after_warm_up = True
    await warm_up_soon(runtime, delay=0)
    assert freezes == ["freeze"]


def test_samenspraak_run_freezes_after_start_up_and_after_the_warm_up(
    tmp_path: Path, freezes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_bot freezes once the application is built (before it polls), and marks the runtime
    so that the warm-up freezes again."""
    built: list[Runtime] = []
    build = telegram_app.build_application

    def recording_build(runtime: Runtime, ops: Any = None) -> Any:
        built.append(runtime)
        assert freezes == []  # not before everything of the start-up exists
        return build(runtime, ops)

    async def poll(application: Any) -> None:
        assert freezes == ["freeze"]  # frozen before the first update is handled
        await asyncio.sleep(0)

    monkeypatch.setattr(telegram_app, "build_application", recording_build)
    monkeypatch.setattr(telegram_app, "_poll_until_signal", poll)
    telegram_app.run_bot(_settings(tmp_path))
    assert freezes == ["freeze"]
    assert built[0].freeze_after_warm_up is True
