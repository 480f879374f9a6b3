"""Translations: gettext catalogs in ``locales/<lang>/LC_MESSAGES/messages.po``.

Dutch is the source language: a message without a translation is shown in Dutch. The ``.po``
files are read with Babel at start-up instead of compiled ``.mo`` files, so a checkout runs
without a build step and a translator's edit shows after a restart. For the same reason a wheel
ships the ``.po`` files and no ``.mo`` (nothing would read them). Parsing a catalog costs Babel
about 50 ms, so what it yields is kept in the cache directory (:func:`bot.datafiles.cache_dir`)
under the SHA-256 of the ``.po`` file and Babel's version, and a restart reads that instead;
an edited catalog has another digest and is parsed again. Flow strings are looked up with
``pgettext(flow_id, text)``: the same Dutch sentence may need different translations in different
flows.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import babel
from babel import Locale
from babel.messages.pofile import read_po

from bot.datafiles import cache_dir, data_dir, read_cache, write_cache
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
    raw = path.read_bytes()
    digest = hashlib.sha256(raw + f"\0{locale}\0babel {babel.__version__}".encode()).hexdigest()
    cached = cache_dir() / f"catalog-{locale}.json"
    messages = _read_messages(cached, digest)
    if messages is None:
        messages = _parse_messages(raw, locale)
        entries = [[c, k, v] for (c, k), v in messages.items()]
        write_cache(cached, json.dumps({"digest": digest, "messages": entries}))
    return Translator(locale, messages)


Messages = dict[tuple[str | None, str], str | tuple[str, ...]]


def _parse_messages(raw: bytes, locale: str) -> Messages:
    catalog = read_po(io.BytesIO(raw), locale=locale)
    messages: Messages = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        value = message.string
        if isinstance(value, tuple | list):
            messages[(message.context, key)] = tuple(value)
        elif value:
            messages[(message.context, key)] = value
    return messages


def _read_messages(path: Path, digest: str) -> Messages | None:
    """The messages of this very catalog parsed before, or None."""
    text = read_cache(path)
    if text is None:
        return None
    messages: Messages = {}
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("digest") != digest:
            return None
        for context, key, value in data["messages"]:
            if not (context is None or isinstance(context, str)) or not isinstance(key, str):
                return None
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                messages[(context, key)] = tuple(value)
            elif isinstance(value, str):
                messages[(context, key)] = value
            else:
                return None
    except (ValueError, TypeError, KeyError):
        return None
    return messages


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
