"""The bot's answers and every summary share one theme matcher per taxonomy."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import load_settings
from bot.engine import load_catalog
from bot.privacy import names
from bot.runtime import WARMED_UP, Runtime, warm_up_soon
from bot.summary import themes
from bot.summary.build import _Context
from bot.summary.matchers import matcher_for
from storage.models import Werkgroep
from tests.conftest import FLOWS


def test_one_matcher_per_taxonomy_shared_by_answers_and_summaries(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    assert runtime.themes("armoede", "we hebben geen geld voor sport") >= {"geld"}
    taxonomy = runtime.catalog.taxonomy_for("armoede")
    assert taxonomy is not None
    tagging = runtime._matchers["armoede"]
    summary = _Context(runtime.catalog, Werkgroep(naam="W", template_id="armoede")).matcher
    assert tagging is not None and tagging is summary is matcher_for(taxonomy)


def test_another_catalog_gets_its_own_matcher() -> None:
    first = load_catalog(FLOWS).taxonomy_for("armoede")
    second = load_catalog(FLOWS).taxonomy_for("armoede")
    assert first is not None and second is not None and first is not second
    assert matcher_for(first) is not matcher_for(second)
    assert matcher_for(first) is matcher_for(first)


def _runtime(tmp_path: Path) -> Runtime:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
        pepper="matchers-test-pepper-" + "x" * 32,
        flows_dir=FLOWS,
        data_dir=tmp_path,
    )
    return Runtime.build(settings)


async def test_the_warm_up_builds_every_matcher_off_the_first_answers_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After the warm-up (in a thread, soon after start-up) the first free-text answer of each
    taxonomy builds nothing: the matcher (0.3-0.5 s of CPU) and the redaction lists are there.
    It says so in the log (benchmarks.memory waits for that line before it measures)."""
    runtime = _runtime(tmp_path)
    names.lexicon.cache_clear()
    caplog.set_level(logging.INFO, logger="bot.runtime")
    await warm_up_soon(runtime, delay=0)
    assert names.lexicon.cache_info().currsize == 1
    assert [r for r in caplog.records if r.getMessage().startswith(WARMED_UP)]
    built: list[object] = []
    monkeypatch.setattr(themes.ThemeMatcher, "__init__", lambda self, *a: built.append(a) or None)
    assert runtime.themes("armoede", "we hebben geen geld voor sport") >= {"geld"}
    sexual_health = [
        template
        for template in runtime.catalog.templates
        if (taxonomy := runtime.catalog.taxonomy_for(template)) is not None
        and taxonomy is not runtime.catalog.taxonomy_for("armoede")
    ]
    assert sexual_health
    runtime.themes(sexual_health[0], "meer voorlichting over seks op school")
    assert built == []


def test_the_telegram_bot_schedules_the_warm_up_once_soon_after_start(tmp_path: Path) -> None:
    from bot.telegram.app import build_application

    runtime = _runtime(tmp_path)
    runtime.settings = runtime.settings.model_copy(update={"telegram_token": SecretStr("1:x")})
    application = build_application(runtime)
    assert application.job_queue is not None
    jobs = [job for job in application.job_queue.jobs() if job.name == "warm-up"]
    assert len(jobs) == 1
