"""tgstub stands apart from the product: it imports nothing of the bot, and only the playground
(of the product code) imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(path: Path) -> set[str]:
    """Top-level names of every module imported by ``path`` (absolute imports)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_tgstub_imports_nothing_of_the_product() -> None:
    """No module of tgstub imports bot or storage."""
    offenders = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tgstub").rglob("*.py")
        if imported_packages(path) & {"bot", "storage"}
    )
    assert offenders == []


def test_only_the_playground_imports_tgstub() -> None:
    """The bot itself never needs the stand-in; the playground serves it to the browser."""
    importers = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if "tgstub" in imported_packages(path)
    )
    assert importers == ["bot/playground/server.py"]
