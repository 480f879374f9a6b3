"""No assertion in tests/ sits under an ``if``: a test whose checks may silently not run proves
nothing on the runs where they don't (``if helpers: assert ...``)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _asserts(statements: list[ast.stmt]) -> bool:
    return any(isinstance(statement, ast.Assert) for statement in statements)


def conditional_assertions(source: str, name: str) -> list[str]:
    """``file:line`` of every ``if`` (or ``else``) whose own body holds an ``assert``."""
    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.If) and (_asserts(node.body) or _asserts(node.orelse))
    ]


def test_the_scan_finds_an_assert_under_an_if() -> None:
    """The scan is not vacuous: the pattern this file forbids is found, a plain assert is not."""
    source = "def t(h):\n    assert h is not None\n    if h:\n        assert h[0]\n"
    assert conditional_assertions(source, "x.py") == ["x.py:3"]


def test_no_test_asserts_conditionally() -> None:
    """Every test module: assertions run unconditionally (use ``assert a or b`` or split tests)."""
    found = [
        hit
        for path in sorted(TESTS.rglob("*.py"))
        for hit in conditional_assertions(
            path.read_text("utf-8"), path.relative_to(TESTS).as_posix()
        )
    ]
    assert found == []
