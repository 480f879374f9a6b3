"""`samenspraak campagne` comforts (issue 18, item 14): `--qr` never overwrites a file without
`--force`, a second open campaign like the first is refused without `--nog-een`, and
`campagne link ID` shows an open campaign's link and QR code again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.admin.test_admin_cli import invoke, ok


@pytest.fixture
def peppered(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAMENSPRAAK_PEPPER", "cli-pepper-" + "p" * 32)
    return cli_env


def _werkgroep() -> str:
    return str(
        json.loads(ok("werkgroep", "create", "--naam", "W", "--plan", "proef", "--json"))["id"]
    )


def _create(werkgroep_id: str, *extra: str) -> list[str]:
    return ["campagne", "create", "--werkgroep", werkgroep_id, "--doelgroep", "jongeren",
            "--stap", "2", *extra]  # fmt: skip


def test_qr_is_not_overwritten_without_force(peppered: Path) -> None:
    """An existing --qr file is refused before any campaign is made; --force overwrites it."""
    werkgroep_id = _werkgroep()
    poster = peppered / "poster.png"
    poster.write_bytes(b"my own picture")
    refused = invoke(*_create(werkgroep_id, "--qr", str(poster)))
    assert refused.exit_code == 1
    assert "bestaat al" in refused.stderr and "--force" in refused.stderr
    assert poster.read_bytes() == b"my own picture"
    assert "Geen campagnes." in ok("campagne", "list", "--werkgroep", werkgroep_id)
    ok(*_create(werkgroep_id, "--qr", str(poster), "--force"))
    assert poster.read_bytes().startswith(b"\x89PNG")


def test_second_open_campaign_needs_nog_een(peppered: Path) -> None:
    """A second open campaign for the same step, doelgroep and label is refused with a hint;
    --nog-een opens it; another label is fine."""
    werkgroep_id = _werkgroep()
    ok(*_create(werkgroep_id, "--label", "school A"))
    refused = invoke(*_create(werkgroep_id, "--label", "school A"))
    assert refused.exit_code == 1
    assert "al een open campagne" in refused.stderr and "--nog-een" in refused.stderr
    ok(*_create(werkgroep_id, "--label", "school B"))
    ok(*_create(werkgroep_id, "--label", "school A", "--nog-een"))
    listing = ok("campagne", "list", "--werkgroep", werkgroep_id)
    assert listing.count('"school A"') == 2 and listing.count('"school B"') == 1


def test_link_shows_the_same_link_and_qr_again(peppered: Path) -> None:
    """`campagne link ID` prints the link made at creation and writes the same QR code."""
    werkgroep_id = _werkgroep()
    first = peppered / "first.png"
    made = json.loads(ok(*_create(werkgroep_id, "--qr", str(first), "--json")))
    again = peppered / "again.png"
    out = ok("campagne", "link", made["id"], "--qr", str(again))
    assert made["link"] in out and made["web_link"] in out
    assert again.read_bytes() == first.read_bytes()
    refused = invoke("campagne", "link", made["id"], "--qr", str(again))
    assert refused.exit_code == 1 and "bestaat al" in refused.stderr
    ok("campagne", "close", made["id"])
    closed = invoke("campagne", "link", made["id"])
    assert closed.exit_code == 1 and "gesloten" in closed.stderr


def test_regelingen_for_questions_without_them_is_refused(peppered: Path) -> None:
    """--regelingen on a step whose questions name no schemes ends in one Dutch line."""
    werkgroep_id = _werkgroep()
    refused = invoke(*_create(werkgroep_id, "--regelingen", "Meedoenpas"))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Fout: De vragen van deze stap noemen geen regelingen")


def test_created_campaign_names_the_step_not_its_key(peppered: Path) -> None:
    """The text output says "stap 2: <title>", never the key "stap-2"."""
    werkgroep_id = _werkgroep()
    out = ok(*_create(werkgroep_id))
    first = out.splitlines()[0]
    assert first.startswith("Campagne geopend voor jongeren, stap 2: Verzamel gegevens")
    assert "stap-2" not in first
