"""Help lines: a complete data file, and a reply that leads with the fitting line, always
gives 112, says the bot cannot call, and keeps numbers in order in right-to-left languages."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.privacy.crisis import CrisisSignal, detect_crisis
from bot.privacy.helplines import (
    CANNOT_CALL,
    HELPLINE_MESSAGE,
    LRI,
    PDI,
    Helpline,
    help_reply,
    helpline_message,
    helplines_verified_on,
    load_helplines,
    parse_helplines,
    render_help,
)
from bot.translate import Translator, translator

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = re.compile(r"\b(?:0800-\d{4}|11[23])\b")


def _line(name: str) -> Helpline:
    return next(line for line in load_helplines() if line.name == name)


def _listed(reply: str) -> list[str]:
    """The names of the lines listed in ``reply``, in order."""
    names = {line.name for line in load_helplines()}
    found = [m.group(1) for m in re.finditer(f"^- {LRI}([^{PDI}]+){PDI}:", reply, re.MULTILINE)]
    assert set(found) <= names
    return found


def test_every_line_has_source_date_and_a_number_or_a_marked_website() -> None:
    lines = load_helplines()
    assert {line.id for line in lines} >= {
        "alarmnummer",
        "kindertelefoon",
        "zelfmoordpreventie",
        "veilig_thuis",
        "centrum_seksueel_geweld",
        "helpwanted",
    }
    for line in lines:
        assert line.source.startswith("https://")
        assert isinstance(line.verified_on, date)
        assert line.note
        assert line.numbers or (line.number_unverified and line.url)
    helpwanted = _line("Helpwanted")
    assert helpwanted.number_unverified and helpwanted.numbers == ()
    assert helpwanted.url == "https://www.helpwanted.nl"
    assert _line("Veilig Thuis").numbers == ("0800-2000",)
    assert _line("113 Zelfmoordpreventie").numbers == ("113", "0800-0113")


def test_helplines_verified_on_is_the_oldest_check() -> None:
    """Release checks compare this date with today; the test itself does not use the calendar."""
    lines = parse_helplines(_data(verified_on=date(2026, 12, 2)))
    assert [line.verified_on for line in lines] == [date(2026, 11, 23), date(2026, 12, 2)]
    assert helplines_verified_on(lines) == date(2026, 11, 23)
    assert helplines_verified_on() == min(line.verified_on for line in load_helplines())


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("ik wil dood", ["113 Zelfmoordpreventie"]),
        ("ik snij mezelf", ["113 Zelfmoordpreventie", "De Kindertelefoon"]),
        ("mijn vader slaat me", ["Veilig Thuis", "De Kindertelefoon"]),
        ("ik durf niet naar huis", ["Veilig Thuis", "De Kindertelefoon"]),
        ("ik ben verkracht", ["Centrum Seksueel Geweld"]),
        ("hij dreigt mijn naaktfotos te verspreiden", ["Helpwanted"]),
    ],
)
def test_reply_leads_with_the_fitting_line_then_all_others(text: str, first: list[str]) -> None:
    signal = detect_crisis(text)
    assert signal is not None
    reply = help_reply("nl", signal)
    listed = _listed(reply)
    assert listed[: len(first)] == first
    assert sorted(listed) == sorted(
        line.name for line in load_helplines() if line.numbers != ("112",)
    )
    lead = reply.split("Hier kun je ook terecht:")[0]
    assert "Hier kun je nu het beste terecht:" in lead
    assert _listed(lead) == first


def test_general_reply_lists_every_line_once() -> None:
    reply = help_reply("nl")
    listed = _listed(reply)
    assert len(listed) == len(set(listed)) == len(load_helplines()) - 1  # 112 has its own line
    assert "Hier kun je terecht:" in reply


@pytest.mark.parametrize("signal", [None, CrisisSignal.of(["suicide", "abuse"])])
def test_reply_gives_112_says_the_bot_cannot_call_and_is_plain_short_text(
    signal: CrisisSignal | None,
) -> None:
    reply = help_reply("nl", signal)
    assert f"Ben je in direct gevaar? Bel dan meteen {LRI}112{PDI}." in reply
    assert reply.endswith(CANNOT_CALL)
    assert "anoniem" in reply
    assert not set("<>&*_`[]") & set(reply)
    assert len(reply) < 4096
    sentences = re.split(r"(?<=[.?!:])\s+|\n", reply)
    assert max(len(sentence.split()) for sentence in sentences) <= 20  # B1


def test_every_number_and_website_is_isolated() -> None:
    """Bare digits never touch right-to-left text: every number sits inside U+2066 … U+2069."""
    for locale in ("nl", "en", "tr", "ar", "pl"):
        reply = help_reply(locale, CrisisSignal.of(["abuse"]))
        assert NUMBERS.findall(reply)
        assert NUMBERS.findall(_outside_isolates(reply)) == []
        assert f"{LRI}0800-2000{PDI}" in reply
        assert f"{LRI}www.helpwanted.nl{PDI}" in reply


def _outside_isolates(text: str) -> str:
    return re.sub(f"{LRI}[^{PDI}]*{PDI}", "", text)


def _arabic() -> Translator:
    """The Arabic catalog plus the translations still waiting in i18n-pending.json."""
    messages = dict(translator("ar").messages)
    pending = ROOT / "i18n-pending.json"
    entries: list[dict[str, Any]] = (
        json.loads(pending.read_text("utf-8")) if pending.exists() else []
    )
    for entry in entries:
        messages.setdefault((entry["context"], entry["msgid"]), entry["ar"])
    return Translator("ar", messages)


def test_arabic_reply_is_arabic_with_numbers_in_reading_order() -> None:
    """Arabic text, and "0800-2000" inside an isolate, so it cannot show as "2000-0800"."""
    reply = render_help(_arabic(), CrisisSignal.of(["abuse"]))
    assert re.search(r"[\u0600-\u06ff]{4}", reply)
    assert "Bel " not in reply  # no Dutch sentence left
    veilig_thuis = next(
        line for line in reply.splitlines() if line.startswith(f"- {LRI}Veilig Thuis")
    )
    assert f"{LRI}0800-2000{PDI}" in veilig_thuis
    assert f"{LRI}112{PDI}" in reply
    assert not re.search(r"\d{3}", _outside_isolates(reply))  # only ages ("8 إلى 18") stay bare


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        help_reply("xx")
    with pytest.raises(ValueError, match="unsupported locale"):
        helpline_message("xx")


def test_old_message_still_available_until_the_chat_layer_switches() -> None:
    assert helpline_message("nl") == HELPLINE_MESSAGE
    assert "112" in HELPLINE_MESSAGE


def _data(**changes: Any) -> dict[str, Any]:
    line = {"id": "helpwanted", "name": "Helpwanted", "source": "https://www.helpwanted.nl"}
    line.update(verified_on=date(2026, 12, 2), number_unverified=True)
    line.update(url="https://www.helpwanted.nl")
    line.update(changes)
    danger = {"id": "alarmnummer", "name": "Alarmnummer", "number": "112"}
    danger.update(source="https://www.112.nl", verified_on=date(2026, 11, 23))
    return {"lines": [danger, {k: v for k, v in line.items() if v is not None}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_data(source=None), "missing source"),
        (_data(verified_on="gisteren"), "verified_on must be a date"),
        (_data(number_unverified=None, url=None), "needs a number"),
        (_data(number="0800-123"), "not a short or 0800 number"),
        (_data(url=None), "give the url"),
        (_data(number="0800-1234"), "and no number"),
        (_data(first_for=["boredom"]), "first_for"),
        (_data(id="unknown_line"), "no description"),
        (_data(colour="red"), "unknown keys"),
        (_data(url="http://www.helpwanted.nl"), "https://"),
        ({"lines": _data()["lines"][1:]}, "112"),
        ([], "mapping"),
    ],
)
def test_malformed_data_is_refused(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_helplines(data)
