"""Babel extractors for the translation catalogs, and the extraction of ``messages.pot``.

Two extraction methods, registered in ``babel.cfg`` (so ``pybabel extract -F babel.cfg`` works
as well as ``make i18n``):

``extract_code``
    Babel's Python extractor, plus the ``voice("je-form", "u-form")`` helper of
    :mod:`bot.chat.view`: both literals of a ``voice`` call are separate messages. Babel allows
    one argument spec per keyword, so the wrapper splits the call itself.

``extract_flows``
    Every user-facing string of a YAML file under ``flows/``, with the file's id as message
    context (``msgctxt``), as the bot looks them up with ``pgettext(flow_id, text)``:

    * ``kind: flow``: ``title``, ``description``, and of each step ``text``, ``title``,
      ``tips``, ``examples``, ``invented_examples``, link ``title``, option ``label``,
      ``short`` and ``explanation``,
      ``min_label``, ``max_label``; a ``yes_no`` step also gets the fixed "Ja"/"Nee" labels;
    * ``kind: template``: ``title``, ``description``, and of each step ``title``, ``doel``,
      ``resultaat`` and ``vragen_vooraf``;
    * ``kind: taxonomy``: each theme's ``label``.

    Locations are YAML line numbers; each message carries a comment naming the step and field.

:func:`extract_catalog` runs both over the repository and returns the template catalog;
``scripts/i18n.py`` writes it and merges it into the language catalogs with
:func:`update_catalog` (``pybabel update`` without Babel's cross-string guesses), reading them
with :func:`read_catalog`; the catalog tests compare a fresh extraction with the committed
``locales/messages.pot``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import IO, Any

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, unescape

from bot.engine.schema import YES_NO_OPTIONS

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
MAPPING_FILE = ROOT / "babel.cfg"
TEMPLATE_FILE = LOCALES_DIR / "messages.pot"

VOICE = "voice"
"""The register helper ``Voice.__call__(je, u)``: both arguments are messages."""

# ``say(msgid, **params)`` (bot.chat.view): the first argument is the message.
KEYWORDS: dict[str, Any] = {**DEFAULT_KEYWORDS, "gettext_noop": None, "say": None}
COMMENT_TAGS = ("TRANSLATORS:",)
PROJECT = "Samenspraak"
VERSION = "0.1"
COPYRIGHT_HOLDER = "Samenspraak contributors"
TEMPLATE_HEADER = """\
# Translation template of Samenspraak: every translatable string of bot/ and flows/.
# Written by `make i18n` (scripts/i18n.py) - do not edit; see docs/translations.md.
#"""

# One extracted message: (line, funcname, message or arguments, comments).
_Result = tuple[int, str | None, Any, list[str]]


def extract_code(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[_Result]:
    """Babel's Python extractor that also takes both string arguments of ``voice(je, u)``."""
    names = {name: None for name in (*keywords, VOICE)}
    # Babel's own annotations of these tuples are inexact; the shape is (line, funcname,
    # message or arguments, comments).
    results: Iterator[Any] = extract_python(fileobj, names, comment_tags, options)  # type: ignore[arg-type]
    for lineno, funcname, messages, comments in results:
        if isinstance(messages, tuple | list):
            # ``pgettext(flow_id, label or "")`` is a lookup, not a message: drop empty literals.
            messages = tuple(None if message == "" else message for message in messages)
        elif not messages:
            continue
        if funcname != VOICE:
            yield lineno, funcname, messages, list(comments)
            continue
        # ``Voice.__call__`` takes exactly two literals (je, u); a trailing comma or keyword
        # parameters (``voice(je, u, name=...)``) add trailing Nones.
        # ``turn.voice(formal)`` builds the helper: its argument is no message, not even in
        # ``voice(audience == "ouders")``, so a call counts only when both arguments are literals.
        arguments = list(messages) if isinstance(messages, tuple) else [messages]
        while len(arguments) > 2 and arguments[-1] is None:
            arguments.pop()
        if len(arguments) == 2 and all(isinstance(argument, str) for argument in arguments):
            for argument in arguments:
                # No funcname: Babel takes the message as a plain gettext msgid.
                yield lineno, None, argument, list(comments)


def extract_flows(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[_Result]:
    """The translatable strings of one flow, template or taxonomy file, with its id as context."""
    if "pgettext" not in keywords:
        raise ValueError("extract_flows needs the 'pgettext' keyword (Babel's default keywords)")
    name = getattr(fileobj, "name", "<flow file>")
    try:
        root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{name}: invalid YAML, run `samenspraak flows check`: {exc}") from exc
    for line, context, message, comment in flow_messages(root):
        yield line, "pgettext", (context, message), [comment]


def flow_messages(root: yaml.Node | None) -> Iterator[tuple[int, str, str, str]]:
    """``(line, context, message, comment)`` for each translatable string of a flow file."""
    fields = _mapping(root)
    kind = _scalar(fields.get("kind"))
    context = _scalar(fields.get("id"))
    if kind is None or context is None:
        return
    if kind == "flow":
        yield from _flow(fields, context)
    elif kind == "template":
        yield from _template(fields, context)
    elif kind == "taxonomy":
        for index, theme in enumerate(_sequence(fields.get("themes"))):
            theme_fields = _mapping(theme)
            key = _scalar(theme_fields.get("key")) or f"#{index + 1}"
            yield from _texts(theme_fields.get("label"), context, f"theme {key}: label")


def _flow(fields: dict[str, yaml.Node], context: str) -> Iterator[tuple[int, str, str, str]]:
    yield from _texts(fields.get("title"), context, "flow title")
    yield from _texts(fields.get("description"), context, "flow description")
    for name, default in _mapping(fields.get("placeholders")).items():
        yield from _texts(default, context, f"placeholder {{{name}}}: default text")
    for index, step in enumerate(_sequence(fields.get("steps"))):
        step_fields = _mapping(step)
        step_kind = _scalar(step_fields.get("kind")) or "?"
        step_id = _scalar(step_fields.get("id")) or f"info-{index + 1}"
        where = f"step {step_id} ({step_kind})"
        yield from _texts(step_fields.get("title"), context, f"{where}: title")
        yield from _texts(step_fields.get("text"), context, f"{where}: text")
        for option in _sequence(step_fields.get("options")):
            option_fields = _mapping(option)
            value = _scalar(option_fields.get("value")) or "?"
            yield from _texts(option_fields.get("label"), context, f"{where}: option {value}")
            yield from _texts(
                option_fields.get("short"), context, f"{where}: option {value} button"
            )
            yield from _texts(
                option_fields.get("explanation"), context, f"{where}: option {value} explanation"
            )
        if step_kind == "yes_no":
            line = step.start_mark.line + 1
            for fixed in YES_NO_OPTIONS:
                yield line, context, fixed.label, f"{where}: button {fixed.value}"
        yield from _texts(step_fields.get("min_label"), context, f"{where}: scale low end")
        yield from _texts(step_fields.get("max_label"), context, f"{where}: scale high end")
        yield from _texts(step_fields.get("tips"), context, f"{where}: tip")
        yield from _texts(step_fields.get("examples"), context, f"{where}: example answer")
        yield from _texts(
            step_fields.get("invented_examples"), context, f"{where}: invented example answer"
        )
        for link in _sequence(step_fields.get("links")):
            yield from _texts(_mapping(link).get("title"), context, f"{where}: link title")


def _template(fields: dict[str, yaml.Node], context: str) -> Iterator[tuple[int, str, str, str]]:
    yield from _texts(fields.get("title"), context, "plan template title")
    yield from _texts(fields.get("description"), context, "plan template description")
    for index, step in enumerate(_sequence(fields.get("steps"))):
        step_fields = _mapping(step)
        key = _scalar(step_fields.get("key")) or f"#{index + 1}"
        for name in ("title", "doel", "resultaat", "vragen_vooraf"):
            yield from _texts(step_fields.get(name), context, f"plan step {key}: {name}")


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalar(node: yaml.Node | None) -> str | None:
    """The value of a string scalar (numbers and booleans are not text to translate)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value:
        return str(node.value)
    return None


def _texts(
    node: yaml.Node | None, context: str, comment: str
) -> Iterator[tuple[int, str, str, str]]:
    """A string field, or each string of a list field, with its line."""
    nodes = _sequence(node) if isinstance(node, yaml.SequenceNode) else [node]
    for item in nodes:
        text = _scalar(item)
        if text is not None and item is not None:
            yield item.start_mark.line + 1, context, text, comment


def read_mapping(path: Path = MAPPING_FILE) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The method map and options of ``babel.cfg``."""
    text = path.read_text(encoding="utf-8")
    method_map, options_map = parse_mapping_cfg(StringIO(text), filename=str(path))  # type: ignore[no-untyped-call]
    return list(method_map), dict(options_map)


def _directory_filter(dirpath: str) -> bool:
    """Walk every folder except hidden ones and caches (Babel's default also skips ``_*``,
    which would drop ``flows/_themes``)."""
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def extract_catalog(root: Path = ROOT, creation_date: datetime | None = None) -> Catalog:
    """The template catalog (``messages.pot``) of everything under ``root``, in file order."""
    method_map, options_map = read_mapping(root / MAPPING_FILE.name)
    catalog = Catalog(
        project=PROJECT,
        version=VERSION,
        copyright_holder=COPYRIGHT_HOLDER,
        charset="utf-8",
        creation_date=creation_date,
        fuzzy=False,
        header_comment=TEMPLATE_HEADER,
    )
    results = extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=_directory_filter,
    )
    for filename, lineno, message, comments, context in results:
        path = Path(filename).as_posix()
        catalog.add(
            message,
            None,
            [(path, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def update_catalog(catalog: Catalog, template: Catalog) -> None:
    """Merge ``template`` into a language catalog, like ``pybabel update``, with one change.

    Kept: existing translations; new strings are added empty; a reworded string (its old Dutch
    text is gone from the same context) keeps its translation marked fuzzy, with the old text as
    ``#| msgid``. Dropped: Babel's fuzzy guesses copied from *another* string or another flow;
    they would be in the wrong register as often as not (je in jongeren, u in ouders), so such a
    new string starts empty.
    """
    before = {_key(message) for message in catalog if message.id}
    # Babel forgets the old text of an entry that was already fuzzy: carry it over.
    earlier = {
        _key(message): list(message.previous_id)
        for message in catalog
        if message.id and message.fuzzy and message.previous_id
    }
    catalog.update(template, update_creation_date=True)
    still = {_key(message) for message in template if message.id}
    for message in catalog:
        if message.id and message.fuzzy and not message.previous_id:
            message.previous_id = earlier.get(_key(message), [])
            continue
        if not (message.id and message.fuzzy and message.previous_id):
            continue
        previous = (message.context, message.previous_id[0])
        if previous not in before or previous in still:
            message.string = tuple("" for _ in message.id) if isinstance(message.id, tuple) else ""
            message.flags.discard("fuzzy")
            message.previous_id = []


def _key(message: Message) -> tuple[str | None, str]:
    return message.context, str(
        message.id[0] if isinstance(message.id, tuple | list) else message.id
    )


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """``read_po``, keeping the previous Dutch text (``#| msgid``) of fuzzy entries.

    Babel reads ``#|`` lines as user comments and would write them back as ``# |``; restoring
    them as ``previous_id`` keeps ``make i18n`` idempotent and the old text visible.
    """
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for message in catalog:
        if message.id and any(comment.startswith("|") for comment in message.user_comments):
            _restore_previous(message)
    return catalog


def _restore_previous(message: Message) -> None:
    # Babel word-wraps these comments, even inside the quoted strings; joining the pieces with
    # one space undoes the wrap.
    fields: dict[str, list[str]] = {}
    keep: list[str] = []
    field = "msgid"
    for comment in message.user_comments:
        if not comment.startswith("|"):
            keep.append(comment)
            continue
        body = comment[1:].strip()
        for name in ("msgid_plural", "msgid", "msgctxt"):
            if body.startswith(name + " "):
                field, body = name, body[len(name) :].strip()
                break
        fields.setdefault(field, []).append(body)
    message.user_comments = keep
    message.previous_id = [
        _literal(" ".join(fields[name])) for name in ("msgid", "msgid_plural") if name in fields
    ]


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _literal(text: str) -> str:
    """The string that PO quoted pieces such as ``"" "Hoe oud " "ben je?"`` stand for."""
    return "".join(unescape(f'"{piece}"') for piece in _QUOTED.findall(text))
