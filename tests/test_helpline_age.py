"""Help-line age: `flows check` warns, `flows check --release` fails; only "today" decides."""

from __future__ import annotations

from datetime import date, timedelta

from typer.testing import CliRunner

from bot.cli import app
from bot.privacy.helplines import load_helplines


def run_check(*args: str, today: date) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["flows", "check", *args, "--today", today.isoformat()])
    return result.exit_code, result.output


def verified_dates() -> list[date]:
    return [line.verified_on for line in load_helplines()]


def test_everyday_check_only_warns_about_stale_help_lines() -> None:
    """181 days after the newest verification every line is named in a warning; exit code 0."""
    code, output = run_check(today=max(verified_dates()) + timedelta(days=181))
    assert code == 0
    for line in load_helplines():
        assert (
            f"warning: help line {line.name} was last verified on {line.verified_on:%Y-%m-%d}"
            in output
        )
    assert "OK: " in output


def test_release_check_fails_on_stale_help_lines() -> None:
    """The release check turns the same finding into problems and exits 1."""
    code, output = run_check("--release", today=max(verified_dates()) + timedelta(days=181))
    assert code == 1
    assert "warning:" not in output
    assert f"{len(load_helplines())} problem(s) found." in output
    assert "help line Veilig Thuis was last verified on" in output


def test_release_check_passes_within_180_days() -> None:
    """On the 180th day after the oldest verification nothing is stale: no warning, exit 0."""
    code, output = run_check("--release", today=min(verified_dates()) + timedelta(days=180))
    assert code == 0
    assert "help line" not in output
    assert output.startswith("OK: ")
