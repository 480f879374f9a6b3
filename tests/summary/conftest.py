"""Fixtures for the summary tests: a small plan template with jongeren, ouders and werkgroep
flows written to tmp_path (independent of the shipped flows), the shipped default taxonomy,
and a factory that inserts werkgroepen, campaigns, participants and answers directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Catalog, load_catalog
from tests.summary.factory import FLOW_FILES, write_flows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "flows"
    directory.mkdir()
    write_flows(directory, FLOW_FILES)
    return directory


@pytest.fixture
def catalog(flows_dir: Path) -> Catalog:
    """Overrides the shipped catalog: the test template plus the default taxonomy."""
    return load_catalog(flows_dir, extra=[ROOT / "flows" / "_themes" / "default.yaml"])
