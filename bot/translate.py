"""Translations: gettext catalogs in ``locales/<lang>/LC_MESSAGES/messages.po``.

Dutch is the source language: a message without a translation is shown in Dutch. The ``.po``
files are read with Babel at start-up instead of compiled ``.mo`` files, so a checkout runs
without a build step and a translator's edit shows after a restart. For the same reason a wheel
ships the ``.po`` files and no ``.mo`` (nothing would read them). Flow strings are looked up with
``pgettext(flow_id, text)``: the same Dutch sentence may need different translations in different
flows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

from bot.datafiles import data_dir
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES

LOCALES_DIR = data_dir("locales")

# Languages written right to left; Telegram shows them fine, the playground page needs dir=rtl.
RTL = frozenset({"ar"})


@dataclass(frozen=True)
class Translator:
    locale: str
    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        found = self.messages.get((None, message))
        return found if isinstance(found, str) and found else message

    def pgettext(self, context: str, message: str) -> str:
        found = self.messages.get((context, message))
        if isinstance(found, str) and found:
            return found
        return self.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.messages.get((None, singular))
        if isinstance(found, tuple) and all(found):
            index = Locale.parse(self.locale).plural_form(n)
            return found[min(_plural_index(index), len(found) - 1)]
        return singular if n == 1 else plural

    def _(self, message: str) -> str:  # short alias, marked for extraction like gettext
        return self.gettext(message)


def _plural_index(form: str) -> int:
    return {"zero": 0, "one": 0, "two": 1, "few": 1, "many": 1, "other": 1}.get(form, 1)


@cache
def translator(locale: str, directory: Path = LOCALES_DIR) -> Translator:
    """The translator for ``locale``; unknown or missing catalogs fall back to Dutch."""
    if locale not in SUPPORTED_LOCALES or locale == SOURCE_LOCALE:
        return Translator(SOURCE_LOCALE)
    path = directory / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Translator(locale)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        value = message.string
        if isinstance(value, tuple | list):
            messages[(message.context, key)] = tuple(value)
        elif value:
            messages[(message.context, key)] = value
    return Translator(locale, messages)


def negotiate(preferred: str | None, default: str) -> str:
    """Pick a shipped locale from Telegram's ``language_code`` (e.g. 'en-GB' → 'en')."""
    if preferred:
        base = preferred.replace("_", "-").split("-", 1)[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


def language_names(locales: Iterable[str] = SUPPORTED_LOCALES) -> dict[str, str]:
    """Each language in its own name, for the /taal buttons."""
    return {
        code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in locales
    }
