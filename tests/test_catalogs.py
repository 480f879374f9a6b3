"""The translation catalogs in ``locales/``: up to date with flows and code, complete where they
must be, free of fuzzy entries and with the same placeholders as the Dutch text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES
from bot.i18n_extract import (
    LOCALES_DIR,
    TEMPLATE_FILE,
    extract_catalog,
    extract_code,
    extract_flows,
    read_catalog,
    update_catalog,
)
from bot.translate import translator

LANGUAGES = tuple(code for code in SUPPORTED_LOCALES if code != SOURCE_LOCALE)
# Languages that must translate the consultations of ouders and jongeren (young newcomers
# choose their own language too); English must translate everything.
OUDERS_LANGUAGES = ("tr", "ar", "pl")
AUDIENCES = ("ouders", "jongeren")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")
RUN = "run `make i18n`"

Key = tuple[str | None, str]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return message.context, msgid


def _strings(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [value or ""]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _show(keys: set[Key], limit: int = 8) -> str:
    shown = [f"  [{context}] {msgid[:70]!r}" for context, msgid in sorted(keys, key=str)[:limit]]
    more = f"\n  … and {len(keys) - limit} more" if len(keys) > limit else ""
    return "\n".join(shown) + more


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE_FILE)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {
        code: _read(LOCALES_DIR / code / "LC_MESSAGES" / "messages.po", code) for code in LANGUAGES
    }


def test_pot_matches_the_flows_and_the_code(template: Catalog) -> None:
    """messages.pot holds exactly the strings extracted now from flows/ and bot/."""
    fresh = {_key(message) for message in _messages(extract_catalog())}
    committed = {_key(message) for message in _messages(template)}
    new, gone = fresh - committed, committed - fresh
    assert not new and not gone, (
        f"locales/messages.pot is stale: {RUN} and translate the new entries.\n"
        f"Not in the pot yet:\n{_show(new)}\nIn the pot but no longer in flows or code:\n"
        f"{_show(gone)}"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_has_every_pot_entry(
    code: str, template: Catalog, catalogs: dict[str, Catalog]
) -> None:
    """Each language catalog has been updated from the current messages.pot."""
    expected = {_key(message) for message in _messages(template)}
    present = {_key(message) for message in _messages(catalogs[code])}
    assert expected == present, (
        f"locales/{code}/LC_MESSAGES/messages.po is not updated from messages.pot: {RUN}.\n"
        f"Missing:\n{_show(expected - present)}\nExtra:\n{_show(present - expected)}"
    )


def _untranslated(catalog: Catalog, wanted: set[Key]) -> set[Key]:
    found = {_key(message) for message in _messages(catalog) if all(_strings(message))}
    return wanted - found


def test_english_translates_everything(template: Catalog, catalogs: dict[str, Catalog]) -> None:
    """Every string of flows and code has a non-empty English translation."""
    wanted = {_key(message) for message in _messages(template)}
    missing = _untranslated(catalogs["en"], wanted)
    assert not missing, (
        "untranslated in locales/en/LC_MESSAGES/messages.po (translate them, see "
        f"docs/translations.md):\n{_show(missing)}"
    )


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("code", OUDERS_LANGUAGES)
def test_consultations_are_translated(
    code: str, audience: str, template: Catalog, catalogs: dict[str, Catalog]
) -> None:
    """Every string of every consultation flow for ouders and for jongeren is translated."""
    wanted = {
        _key(message)
        for message in _messages(template)
        if message.context is not None and message.context.endswith(f".{audience}")
    }
    assert wanted, f"no {audience} flows found"
    missing = _untranslated(catalogs[code], wanted)
    assert not missing, (
        f"untranslated {audience} strings in locales/{code}/LC_MESSAGES/messages.po:\n"
        f"{_show(missing)}"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_fuzzy_translations(code: str, catalogs: dict[str, Catalog]) -> None:
    """No entry is marked fuzzy: a fuzzy translation is not shown, so it must be checked."""
    fuzzy = {_key(message) for message in _messages(catalogs[code]) if message.fuzzy}
    assert not fuzzy, (
        f"fuzzy entries in locales/{code}/LC_MESSAGES/messages.po: check each translation "
        f"against the new Dutch text and remove the `fuzzy` flag:\n{_show(fuzzy)}"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_survive_translation(code: str, catalogs: dict[str, Catalog]) -> None:
    """A translation uses exactly the placeholders (%(name)s, %s, {name}) of its Dutch text."""
    wrong = []
    for message in _messages(catalogs[code]):
        expected = sorted(PLACEHOLDER.findall(_ids(message)[0]))
        for string in _strings(message):
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"  [{message.context}] {message.id!r} → {string!r}")
    assert not wrong, f"placeholders differ in locales/{code}:\n" + "\n".join(wrong[:10])


def test_translator_shows_a_flow_question_in_english() -> None:
    """The runtime translator finds an ouders question by flow id and Dutch text."""
    t = translator("en")
    question = "Hoe vaak maakt u zich zorgen over geld?"
    assert t.pgettext("armoede.stap-3.ouders", question) == "How often do you worry about money?"
    assert t.pgettext("armoede.stap-3.ouders", "Ja") == "Yes"
    assert t.gettext("Vraag %(n)s van %(total)s") % {"n": 2, "total": 9} == "Question 2 of 9"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ar", "رياضة"), ("tr", "Spor"), ("pl", "Sport")],
)
def test_translator_shows_a_young_persons_options_in_their_language(
    code: str, expected: str
) -> None:
    """A jongere who chose Arabic, Turkish or Polish sees the options in it, not in Dutch."""
    shown = translator(code).pgettext("armoede.stap-3.jongeren", "Sport of een club")
    assert shown != "Sport of een club" and expected in shown


@pytest.mark.parametrize("code", OUDERS_LANGUAGES)
def test_translator_shows_an_ouders_question_translated(code: str) -> None:
    """tr, ar and pl show an ouders question in their own language, not in Dutch."""
    question = "Hoe vaak maakt u zich zorgen over geld?"
    translated = translator(code).pgettext("armoede.stap-3.ouders", question)
    assert translated and translated != question


def _extract(function: object, source: str) -> list[tuple[int, str | None, object]]:
    assert callable(function)
    return [
        (line, funcname, messages)
        for line, funcname, messages, _comments in function(
            BytesIO(source.encode()), ("gettext", "pgettext", "ngettext", "_"), (), {}
        )
    ]


def test_code_extractor_takes_both_voice_forms() -> None:
    """voice("je", "u") yields two messages, also with a trailing comma; building the helper
    yields none."""
    source = (
        "voice = turn.voice(campaign.audience == 'ouders')\n"
        "text = voice('Typ je antwoord.', 'Typt u uw antwoord.')\n"
        "other = turn.voice(formal)\n"
        "label = t.pgettext(flow_id, step.min_label or '')\n"
        "word = t.gettext('Klaar')\n"
        "notice = voice(\n    'Doe je mee?',\n    'Doet u mee?',\n)\n"
        "again = turn.voice(\n    audience == 'ouders',\n)\n"
    )
    found = _extract(extract_code, source)
    assert (2, None, "Typ je antwoord.") in found
    assert (2, None, "Typt u uw antwoord.") in found
    assert (5, "gettext", "Klaar") in found
    assert (7, None, "Doe je mee?") in found and (7, None, "Doet u mee?") in found
    assert all(messages != "ouders" for _, _, messages in found)
    assert len(found) == 6  # the pgettext lookup is found but holds no message
    assert found[2][1] == "pgettext" and found[2][2] == (None, None)


def test_flow_extractor_uses_flow_id_and_lines() -> None:
    """Flow strings carry the flow id as context and their own YAML line."""
    source = (
        "kind: flow\n"
        "id: demo.stap.ouders\n"
        "title: Demo\n"
        "steps:\n"
        "  - kind: yes_no\n"
        "    id: vraag\n"
        "    text: Doet u mee?\n"
        "    tips: [Noem geen namen.]\n"
        "  - kind: scale\n"
        "    id: schaal\n"
        "    text: Hoe goed?\n"
        "    min: 1\n"
        "    min_label: Slecht\n"
        "    summary_label: Niet vertalen\n"
    )
    found = {messages: line for line, _, messages in _extract(extract_flows, source)}
    context = "demo.stap.ouders"
    assert found[(context, "Demo")] == 3
    assert found[(context, "Doet u mee?")] == 7
    assert found[(context, "Noem geen namen.")] == 8
    assert found[(context, "Ja")] == 5 and found[(context, "Nee")] == 5
    assert found[(context, "Slecht")] == 13
    assert (context, "Niet vertalen") not in found
    assert len(found) == 7


def test_template_and_taxonomy_strings_use_their_id() -> None:
    """Plan templates and taxonomies are extracted with their own id as context."""
    template = (
        "kind: template\nid: plan\ntitle: Plan\nsource: NJi\nsteps:\n"
        "  - key: s1\n    number: '1'\n    title: Stap\n    doel: Doel\n    resultaat: Klaar\n"
        "    vragen_vooraf: [Wie doet mee]\n"
    )
    taxonomy = (
        "kind: taxonomy\nid: thema\nthemes:\n  - key: geld\n    label: Geld\n    words: [geld]\n"
    )
    assert {messages for _, _, messages in _extract(extract_flows, template)} == {
        ("plan", text) for text in ("Plan", "Stap", "Doel", "Klaar", "Wie doet mee")
    }
    assert [messages for _, _, messages in _extract(extract_flows, taxonomy)] == [("thema", "Geld")]


def _render(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, ignore_obsolete=True, include_previous=True)
    return buffer.getvalue()


def test_update_marks_rewords_fuzzy_and_starts_new_strings_empty(tmp_path: Path) -> None:
    """A reworded string keeps its translation as fuzzy; a new look-alike string starts empty;
    reading and updating again changes nothing."""
    old_text = 'Hoe oud ben je? Een lange zin, zodat Babel de regel "zeker" moet afbreken hier.'
    catalog = Catalog(locale="en")
    catalog.add(old_text, "How old are you?", context="a.jongeren")
    catalog.add("Wat vind jij?", "What do you think?", context="a.jongeren")
    template = Catalog()
    template.add(old_text.replace("ben je", "ben jij"), context="a.jongeren")
    template.add("Wat vind jij?", context="a.jongeren")
    template.add("Wat vindt u?", context="a.ouders")

    update_catalog(catalog, template)
    reworded, kept, new = (message for message in catalog if message.id)
    assert reworded.fuzzy and reworded.string == "How old are you?"
    assert reworded.previous_id == [old_text]
    assert not kept.fuzzy and kept.string == "What do you think?"
    assert not new.fuzzy and new.string == ""

    path = tmp_path / "messages.po"
    path.write_bytes(_render(catalog))
    again = read_catalog(path, "en")
    update_catalog(again, template)
    assert _render(again) == path.read_bytes()
