"""Help lines: the data file, and the reply that lists them for a crisis signal or ``/hulp``.

``data/helplines.yaml`` is the one record of every line: numbers, website, source and the date
they were verified. :func:`help_reply` builds the plain-text reply (the chat layer escapes it)
in the user's language: a sentence fitting the signal, 112 for direct danger, the lines that
fit the signal first, then the others, and that the bot cannot call for help itself because it
does not know who the participant is. Numbers, names and websites are wrapped in Unicode isolates
(U+2066 … U+2069), so an Arabic reply shows "0800-2000" and not "2000-0800".

Every sentence is its own translatable message, numbers are placeholders: a translator can
neither mistype a number nor leave one out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from bot.i18n import N_, SUPPORTED_LOCALES
from bot.privacy.safety.categories import CATEGORIES, CrisisCategory, CrisisSignal
from bot.translate import Translator, translator

__all__ = [
    "DANGER_NUMBER",
    "HELPLINE_MESSAGE",
    "Helpline",
    "help_reply",
    "helpline_message",
    "helplines_verified_on",
    "isolate",
    "load_helplines",
    "render_help",
]

DANGER_NUMBER = "112"
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate, pop directional isolate

# The reply before help_reply existed; kept (with its translations) until the chat layer
# calls help_reply. It lacks Helpwanted and isolates: do not use it in new code.
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

INTRO = N_(
    "Zit je ergens mee, of voel je je niet veilig? Je hoeft het niet alleen te dragen. "
    "Praat erover met iemand die je kan helpen."
)
INTROS: Mapping[CrisisCategory, str] = {
    "suicide": N_(
        "Fijn dat je dit vertelt. Denk je aan zelfmoord? Praat er nu over met iemand. "
        "Dat kan dag en nacht, en anoniem."
    ),
    "self_harm": N_(
        "Fijn dat je dit vertelt. Doe je jezelf pijn, of wil je dat? "
        "Praat erover met iemand die je kan helpen."
    ),
    "sexual": N_(
        "Fijn dat je dit vertelt. Wat er met je gebeurd is, is nooit jouw schuld. "
        "Praat erover met iemand die je kan helpen."
    ),
    "online_sexual": N_(
        "Fijn dat je dit vertelt. Vraagt of deelt iemand naaktfoto's van je? "
        "Dat is nooit jouw schuld. Er is hulp."
    ),
    "abuse": N_(
        "Fijn dat je dit vertelt. Geweld of bedreiging is nooit jouw schuld. "
        "Praat erover met iemand die je kan helpen."
    ),
    "unsafe_home": N_(
        "Fijn dat je dit vertelt. Voel je je thuis niet veilig? "
        "Je hoeft het niet alleen op te lossen."
    ),
}
DANGER = N_("Ben je in direct gevaar? Bel dan meteen %(number)s.")
HEADING = N_("Hier kun je terecht:")
HEADING_FIRST = N_("Hier kun je nu het beste terecht:")
HEADING_REST = N_("Hier kun je ook terecht:")
LINE_WITH_NUMBER = N_("- %(name)s: %(numbers)s (%(website)s). %(note)s")
LINE_WEBSITE_ONLY = N_("- %(name)s: %(website)s. %(note)s")
TWO_NUMBERS = N_("%(first)s of %(second)s")
CANNOT_CALL = N_(
    "Deze bot kan zelf niemand bellen of hulp sturen, want de bot weet niet wie je bent. "
    "Je doet anoniem mee. Bel of chat daarom zelf met een hulplijn."
)
# What each line is for, by id; a line in the data file without a note here is refused.
NOTES: Mapping[str, str] = {
    "alarmnummer": N_("Bij direct gevaar."),
    "zelfmoordpreventie": N_("Als je denkt aan zelfmoord. Dag en nacht. Je kunt ook chatten."),
    "veilig_thuis": N_("Bij geweld of mishandeling thuis. Dag en nacht."),
    "kindertelefoon": N_("Voor kinderen en jongeren van 8 tot 18 jaar. Je kunt ook chatten."),
    "centrum_seksueel_geweld": N_("Bij seksueel geweld. Dag en nacht."),
    "helpwanted": N_(
        "Als iemand naaktfoto's van je vraagt, deelt of je ermee chanteert. "
        "Je kunt chatten via de website."
    ),
    "alles_oke_supportlijn": N_("Voor jongvolwassenen die ergens mee zitten."),
}

# The same sentences for ouders (u instead of je), used by render_help(formal=True).
FORMAL: Mapping[str, str] = {
    INTRO: N_(
        "Zit u ergens mee, of voelt u zich niet veilig? U hoeft het niet alleen te dragen. "
        "Praat erover met iemand die u kan helpen."
    ),
    DANGER: N_("Bent u in direct gevaar? Bel dan meteen %(number)s."),
    HEADING: N_("Hier kunt u terecht:"),
    HEADING_FIRST: N_("Hier kunt u nu het beste terecht:"),
    HEADING_REST: N_("Hier kunt u ook terecht:"),
    CANNOT_CALL: N_(
        "Deze bot kan zelf niemand bellen of hulp sturen, want de bot weet niet wie u bent. "
        "U doet anoniem mee. Bel of chat daarom zelf met een hulplijn."
    ),
    NOTES["zelfmoordpreventie"]: N_("Als u denkt aan zelfmoord. Dag en nacht. U kunt ook chatten."),
    NOTES["kindertelefoon"]: N_("Voor kinderen en jongeren van 8 tot 18 jaar. Chatten kan ook."),
    NOTES["helpwanted"]: N_(
        "Als iemand naaktfoto's van u of uw kind vraagt, deelt of ermee chanteert. "
        "U kunt chatten via de website."
    ),
}

_NUMBER = re.compile(r"^(?:1[0-9]{2}|0800-[0-9]{4})$")
_REQUIRED = ("id", "name", "source", "verified_on")
_OPTIONAL = ("number", "alt_number", "number_unverified", "url", "first_for")


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    name: str
    source: str
    verified_on: date
    number: str | None = None
    alt_number: str | None = None
    number_unverified: bool = False
    url: str | None = None
    first_for: frozenset[CrisisCategory] = frozenset()

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(n for n in (self.number, self.alt_number) if n)

    @property
    def note(self) -> str:
        """What the line is for, in Dutch (translate with gettext)."""
        return NOTES[self.id]

    @property
    def website(self) -> str | None:
        """The url as people type it: without scheme and trailing slash."""
        return re.sub(r"^https?://", "", self.url).rstrip("/") if self.url else None


def isolate(text: str) -> str:
    """``text`` as a left-to-right island, so right-to-left text around it cannot reorder it."""
    return f"{LRI}{text}{PDI}"


def help_reply(locale: str, signal: CrisisSignal | None = None) -> str:
    """The help-line reply in ``locale`` for ``signal`` (None: the general ``/hulp`` reply)."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    return render_help(translator(locale), signal)


def render_help(t: Translator, signal: CrisisSignal | None = None, *, formal: bool = False) -> str:
    """The reply with translator ``t``; plain text, no markup. ``formal``: for ouders (u)."""
    if formal:
        t = _Formal(t)
    lines = [line for line in load_helplines() if line.id != "alarmnummer"]
    first = [line for line in lines if signal and signal.primary in line.first_for]
    rest = [line for line in lines if line not in first]
    intro = INTROS[signal.primary] if signal else INTRO
    parts = [t.gettext(intro), t.gettext(DANGER) % {"number": isolate(DANGER_NUMBER)}]
    if first:
        parts.append("\n".join([t.gettext(HEADING_FIRST), *(_line(t, x) for x in first)]))
        parts.append("\n".join([t.gettext(HEADING_REST), *(_line(t, x) for x in rest)]))
    else:
        parts.append("\n".join([t.gettext(HEADING), *(_line(t, x) for x in rest)]))
    parts.append(t.gettext(CANNOT_CALL))
    return "\n\n".join(parts)


class _Formal(Translator):
    """A translator that says the u form of the help sentences that have one."""

    def __init__(self, t: Translator) -> None:
        super().__init__(t.locale, t.messages)

    def gettext(self, message: str) -> str:
        return super().gettext(FORMAL.get(message, message))


def _line(t: Translator, line: Helpline) -> str:
    website = isolate(line.website) if line.website else ""
    # The name too: "113 Zelfmoordpreventie" is a left-to-right island in an Arabic line.
    values = {"name": isolate(line.name), "website": website, "note": t.gettext(line.note)}
    if not line.numbers:
        return t.gettext(LINE_WEBSITE_ONLY) % values
    numbers = [isolate(n) for n in line.numbers]
    if len(numbers) == 2:
        joined = t.gettext(TWO_NUMBERS) % {"first": numbers[0], "second": numbers[1]}
    else:
        joined = numbers[0]
    return t.gettext(LINE_WITH_NUMBER) % {**values, "numbers": joined}


def helpline_message(locale: str = "nl") -> str:
    """The old Dutch help-line message (translated by the caller); see HELPLINE_MESSAGE."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    return HELPLINE_MESSAGE


def helplines_verified_on(lines: Iterable[Helpline] | None = None) -> date:
    """The oldest ``verified_on`` of the lines (default: the data file): when the list as a
    whole was last checked. ``flows check`` and the release check compare it with today."""
    return min(line.verified_on for line in (load_helplines() if lines is None else lines))


@cache
def load_helplines() -> tuple[Helpline, ...]:
    """Read ``data/helplines.yaml``; a malformed file raises ValueError naming the entry."""
    text = resources.files("bot.privacy").joinpath("data/helplines.yaml").read_text("utf-8")
    return parse_helplines(yaml.safe_load(text))


def parse_helplines(data: Any) -> tuple[Helpline, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise ValueError("helplines.yaml: expected a mapping with a list under 'lines'")
    lines = tuple(_helpline(entry, index) for index, entry in enumerate(data["lines"]))
    if DANGER_NUMBER not in {n for line in lines for n in line.numbers}:
        raise ValueError(f"helplines.yaml: the line with {DANGER_NUMBER} is missing")
    return lines


def _helpline(entry: Any, index: int) -> Helpline:
    where = f"helplines.yaml, line {index + 1}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping")
    missing = [key for key in _REQUIRED if not entry.get(key)]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    where = f"helplines.yaml, {entry['id']}"
    unknown = set(entry) - {*_REQUIRED, *_OPTIONAL}
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if entry["id"] not in NOTES:
        raise ValueError(f"{where}: no description in NOTES of bot/privacy/helplines.py")
    if not isinstance(entry["verified_on"], date):
        raise ValueError(f"{where}: verified_on must be a date like 2026-11-23")
    for key in ("number", "alt_number"):
        value = entry.get(key)
        if value is not None and not (isinstance(value, str) and _NUMBER.match(value)):
            raise ValueError(f"{where}: {key} {value!r} is not a short or 0800 number in quotes")
    unverified = entry.get("number_unverified", False)
    if unverified is not True and not entry.get("number"):
        raise ValueError(f"{where}: a line needs a number, or number_unverified: true and a url")
    if unverified is True and (entry.get("number") or not entry.get("url")):
        raise ValueError(f"{where}: number_unverified: give the url, and no number")
    for key in ("url", "source"):
        value = entry.get(key)
        if value is not None and not (isinstance(value, str) and value.startswith("https://")):
            raise ValueError(f"{where}: {key} must be an https:// address")
    first_for = entry.get("first_for") or []
    if not isinstance(first_for, list) or not set(first_for) <= set(CATEGORIES):
        raise ValueError(f"{where}: first_for must list crisis categories {CATEGORIES}")
    return Helpline(
        id=str(entry["id"]),
        name=str(entry["name"]),
        source=str(entry["source"]),
        verified_on=entry["verified_on"],
        number=entry.get("number"),
        alt_number=entry.get("alt_number"),
        number_unverified=unverified is True,
        url=entry.get("url"),
        first_for=frozenset(cast(CrisisCategory, c) for c in first_for),
    )
