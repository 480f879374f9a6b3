"""Help lines: the data file and the one Dutch message that lists them.

The message is a single constant so that gettext can translate it as one text (the i18n layer
looks it up by this Dutch source text); ``data/helplines.yaml`` stays the record of numbers,
sources and verification dates, and a test checks that both agree. The text is B1 Dutch, plain
(no HTML, no Markdown), and says up front that the bot cannot call for help itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.i18n import N_, SUPPORTED_LOCALES

__all__ = [
    "DANGER_NUMBER",
    "HELPLINE_MESSAGE",
    "Helpline",
    "helpline_message",
    "load_helplines",
]

DANGER_NUMBER = "112"

HELPLINE_MESSAGE = N_("""\
Zit je ergens mee, of voel je je niet veilig? Je hoeft het niet alleen te dragen. Praat erover \
met iemand die je kan helpen.

Ben je in direct gevaar? Bel dan meteen 112.

Hier kun je terecht:
- De Kindertelefoon: 0800-0432. Voor kinderen en jongeren van 8 tot 18 jaar. Chatten kan ook.
- 113 Zelfmoordpreventie: 113 of 0800-0113. Dag en nacht. Chatten kan ook.
- Veilig Thuis: 0800-2000. Bij geweld thuis. Dag en nacht.
- Centrum Seksueel Geweld: 0800-0188. Dag en nacht.
- Alles Oké? Supportlijn: 0800-0450. Voor jongvolwassenen.

Deze bot kan zelf niemand bellen of hulp sturen, want de bot weet niet wie je bent. Je doet \
anoniem mee. Bel of chat daarom zelf met een hulplijn.""")

_NUMBER = re.compile(r"^(?:1[0-9]{2}|0800-[0-9]{4})$")
_REQUIRED = ("id", "name", "number", "note", "source", "verified_on")


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    name: str
    number: str
    note: str
    source: str
    verified_on: date
    alt_number: str | None = None
    url: str | None = None

    @property
    def numbers(self) -> tuple[str, ...]:
        return (self.number, self.alt_number) if self.alt_number else (self.number,)


def helpline_message(locale: str = "nl") -> str:
    """The Dutch help-line message; translations are looked up by this text in the catalog."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    return HELPLINE_MESSAGE


@cache
def load_helplines() -> tuple[Helpline, ...]:
    """Read ``data/helplines.yaml``; a malformed file raises ValueError naming the entry."""
    text = resources.files("bot.privacy").joinpath("data/helplines.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise ValueError("helplines.yaml: expected a mapping with a list under 'lines'")
    return tuple(_helpline(entry, index) for index, entry in enumerate(data["lines"]))


def _helpline(entry: Any, index: int) -> Helpline:
    where = f"helplines.yaml, line {index + 1}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping")
    missing = [key for key in _REQUIRED if not entry.get(key)]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    unknown = set(entry) - {*_REQUIRED, "alt_number", "url"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if not isinstance(entry["verified_on"], date):
        raise ValueError(f"{where}: verified_on must be a date like 2026-11-23")
    for key in ("number", "alt_number"):
        value = entry.get(key)
        if value is not None and not (isinstance(value, str) and _NUMBER.match(value)):
            raise ValueError(f"{where}: {key} {value!r} is not a short or 0800 number in quotes")
    return Helpline(
        id=str(entry["id"]),
        name=str(entry["name"]),
        number=entry["number"],
        note=str(entry["note"]),
        source=str(entry["source"]),
        verified_on=entry["verified_on"],
        alt_number=entry.get("alt_number"),
        url=entry.get("url"),
    )
