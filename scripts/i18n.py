"""Extract, update and compile the translation catalogs (``make i18n``).

1. **extract**: every translatable string of ``bot/**.py`` and ``flows/**.yaml`` (see
   ``babel.cfg`` and ``bot/i18n_extract.py``) into ``locales/messages.pot``;
2. **update**: merge it into ``locales/<lang>/LC_MESSAGES/messages.po`` for every shipped
   language (created when missing). Existing translations are kept, new strings appear empty,
   changed strings become *fuzzy* (with the previous Dutch text as ``#| msgid``), and strings
   that are gone are dropped (git history keeps them). Babel's guesses for a new string from a
   similar string elsewhere are not kept: a new string starts empty;
3. **compile**: ``messages.mo`` next to each ``.po`` (ignored by git; the bot reads the ``.po``).

Idempotent: a file is only rewritten when its content changes, so a second run leaves the tree
as it was. ``--check`` changes nothing and exits 1 when ``messages.pot`` or a ``.po`` file is out
of date, naming the files.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from babel.util import LOCALTZ

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES  # noqa: E402
from bot.i18n_extract import (  # noqa: E402
    LOCALES_DIR,
    TEMPLATE_FILE,
    extract_catalog,
    read_catalog,
    update_catalog,
)

WIDTH = 100


def render(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_po(
        buffer,
        catalog,
        width=WIDTH,
        ignore_obsolete=True,
        include_previous=True,
    )
    return buffer.getvalue()


def read(path: Path, locale: str | None = None) -> Catalog | None:
    return read_catalog(path, locale) if path.exists() else None


def template_bytes() -> tuple[Catalog, bytes]:
    """The freshly extracted template; it keeps the old creation date if nothing changed."""
    old = read(TEMPLATE_FILE)
    now = datetime.now(LOCALTZ).replace(second=0, microsecond=0)
    if old is not None and isinstance(old.creation_date, datetime):
        catalog = extract_catalog(creation_date=old.creation_date)
        data = render(catalog)
        if data == TEMPLATE_FILE.read_bytes():
            return catalog, data
    catalog = extract_catalog(creation_date=now)
    return catalog, render(catalog)


def updated_catalog(template: Catalog, locale: str) -> tuple[Path, Catalog, bytes]:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    catalog = read(path, locale)
    if catalog is None:  # pybabel init
        name = Locale.parse(locale).english_name
        catalog = Catalog(
            header_comment=(
                f"# {name} translation of Samenspraak.\n"
                "# Update with `make i18n`, translate here; see docs/translations.md.\n#"
            ),
            locale=locale,
            project=template.project,
            version=template.version,
            copyright_holder=template.copyright_holder,
            charset="utf-8",
            creation_date=template.creation_date,
            revision_date=template.creation_date,
            language_team=name,
            fuzzy=False,
        )
    update_catalog(catalog, template)
    return path, catalog, render(catalog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when a catalog is stale"
    )
    args = parser.parse_args(argv)

    stale: list[Path] = []
    template, data = template_bytes()
    if not TEMPLATE_FILE.exists() or TEMPLATE_FILE.read_bytes() != data:
        stale.append(TEMPLATE_FILE)
        if not args.check:
            TEMPLATE_FILE.parent.mkdir(parents=True, exist_ok=True)
            TEMPLATE_FILE.write_bytes(data)

    for locale in SUPPORTED_LOCALES:
        if locale == SOURCE_LOCALE:
            continue
        path, catalog, po_data = updated_catalog(template, locale)
        if not path.exists() or path.read_bytes() != po_data:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(po_data)
        if not args.check:
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
        missing = sum(1 for message in catalog if message.id and not message.string)
        fuzzy = sum(1 for message in catalog if message.id and message.fuzzy)
        print(f"{locale}: {len(catalog)} messages, {missing} untranslated, {fuzzy} fuzzy")

    for path in stale:
        verb = "out of date" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}")
    if args.check and stale:
        print("run `make i18n` and translate the new entries", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
