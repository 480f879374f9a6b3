"""A small plan template with werkgroep and consultation flows, independent of flows/."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bot.admin.qr import BORDER, SCALE
from bot.engine import Catalog, load_catalog

TEMPLATE = """\
kind: template
id: proef
title: Proef-stappenplan
steps:
  - key: stap-1
    number: "1"
    title: Zoek de urgentie
    doel: Samen weten wat de opgave is.
    resultaat: We kennen de opgave.
  - key: stap-2
    number: "2"
    title: Verzamel gegevens
    doel: Weten hoe het gaat.
    resultaat: We hebben gegevens.
"""


def _flow(step: str, audience: str) -> str:
    return f"""\
kind: flow
id: proef.{step}.{audience}
title: Proef {step} {audience}
audience: {audience}
plan: {{template: proef, step: {step}}}
steps:
  - kind: text
    id: zorgen
    text: Waar maak je je zorgen over?
  - kind: choice
    id: vaak
    text: Hoe vaak?
    options:
      - {{value: soms, label: Soms}}
      - {{value: vaak, label: Vaak}}
"""


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    """stap-1 has only a werkgroep flow; stap-2 also asks jongeren, but not ouders."""
    root = tmp_path / "flows" / "proef"
    root.mkdir(parents=True)
    (root / "_template.yaml").write_text(TEMPLATE, encoding="utf-8")
    for step, audience in (
        ("stap-1", "werkgroep"),
        ("stap-2", "werkgroep"),
        ("stap-2", "jongeren"),
    ):
        (root / f"{step}-{audience}.yaml").write_text(_flow(step, audience), encoding="utf-8")
    return root.parent


@pytest.fixture
def mini_catalog(flows_dir: Path) -> Catalog:
    return load_catalog(flows_dir)


def read_qr_matrix(png: bytes, size: int) -> list[list[int]]:
    """Sample the centre pixel of every module of a ``size``×``size`` code: dark is 1."""
    image = Image.open(io.BytesIO(png)).convert("L")
    centre = SCALE // 2

    def dark(row: int, col: int) -> int:
        value = image.getpixel(((BORDER + col) * SCALE + centre, (BORDER + row) * SCALE + centre))
        assert isinstance(value, int)
        return int(value < 128)

    return [[dark(row, col) for col in range(size)] for row in range(size)]


@pytest.fixture
def qr_matrix() -> Callable[[bytes, int], list[list[int]]]:
    return read_qr_matrix


# The command-line fixtures, shared with tests/admin/test_invites_cli.py.
from tests.admin.test_admin_cli import cli_database_url, cli_env  # noqa: E402

__all__ = ["cli_database_url", "cli_env"]
