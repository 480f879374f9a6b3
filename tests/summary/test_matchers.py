"""The bot's answers and every summary share one theme matcher per taxonomy."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_settings
from bot.engine import load_catalog
from bot.runtime import Runtime
from bot.summary.build import _Context
from bot.summary.matchers import matcher_for
from storage.models import Werkgroep
from tests.conftest import FLOWS


def test_one_matcher_per_taxonomy_shared_by_answers_and_summaries(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}",
        pepper="matchers-test-pepper-" + "x" * 32,
        flows_dir=FLOWS,
        data_dir=tmp_path,
    )
    runtime = Runtime.build(settings)
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
