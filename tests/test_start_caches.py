"""What start-up derives from shipped data, kept between starts (bot.datafiles): parsed
translation catalogs and crisis data files are the same as parsing them, parsed once, and an
edited source or a damaged file is parsed again. (Crisis patterns: privacy/test_crisis_patterns.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import translate
from bot.datafiles import cached_json
from bot.privacy.safety.detector import _read_yaml
from bot.translate import LOCALES_DIR, _parse_messages

LOCALE = "tr"


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "samenspraak" / f"catalog-{LOCALE}.json"


def _load(directory: Path = LOCALES_DIR) -> translate.Translator:
    return translate.translator.__wrapped__(LOCALE, directory)  # past the per-process memo


def _parsed(directory: Path = LOCALES_DIR) -> translate.Messages:
    path = directory / LOCALE / "LC_MESSAGES" / "messages.po"
    return _parse_messages(path.read_bytes(), LOCALE)


def test_a_restart_reads_the_parsed_catalog(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second load does not parse the .po file, and has exactly the parsed messages."""
    first = _load()
    assert cache.exists() and first.messages == _parsed()

    def no_parsing(raw: bytes, locale: str) -> translate.Messages:
        raise AssertionError("parsed again")

    monkeypatch.setattr(translate, "_parse_messages", no_parsing)
    assert _load().messages == first.messages


def test_an_edited_catalog_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    """Another .po text (a translator's edit) is not answered from the cache."""
    _load()
    edited = tmp_path / "locales"
    po = edited / LOCALE / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    text = (LOCALES_DIR / LOCALE / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    start = text.index('msgid "', text.index('msgid ""') + 1)
    msgstr = text.index('msgstr "', start)
    end = text.index('"\n', msgstr + len('msgstr "'))
    po.write_text(text[: msgstr + len('msgstr "')] + "DEĞİŞTİ" + text[end:], encoding="utf-8")
    assert "DEĞİŞTİ" in _load(edited).messages.values()
    assert "DEĞİŞTİ" not in _load().messages.values()


@pytest.mark.parametrize(
    "damage", ["{", '{"digest": 1}', "[]", '{"digest": "%s", "messages": [[1, 2, 3]]}']
)
def test_a_damaged_cache_file_is_parsed_again(cache: Path, damage: str) -> None:
    """A truncated or foreign cache file costs a parse, not wrong or missing translations."""
    _load()
    digest = json.loads(cache.read_text())["digest"]
    cache.write_text(damage.replace("%s", digest))
    assert _load().messages == _parsed()


def test_crisis_data_is_read_from_the_cache_until_its_source_changes(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lemma table parsed once equals the YAML; another source text is computed again."""
    calls: list[int] = []

    def compute() -> dict[str, str]:
        calls.append(1)
        return {"sloeg": "slaan"}

    assert cached_json("t", b"one", compute) == {"sloeg": "slaan"}
    assert cached_json("t", b"one", compute) == {"sloeg": "slaan"} and len(calls) == 1
    assert cached_json("t", b"two", compute) == {"sloeg": "slaan"} and len(calls) == 2
    lemmas = _read_yaml("data/crisis_lemmas.yaml")
    assert _read_yaml("data/crisis_lemmas.yaml") == lemmas and len(lemmas["nl"]) > 100


def test_data_that_json_would_change_is_not_kept(cache: Path) -> None:
    """YAML can hold what JSON cannot give back (a number as a key): computed every time."""
    calls: list[int] = []

    def compute() -> dict[int, str]:
        calls.append(1)
        return {1: "een"}

    assert cached_json("t", b"x", compute) == {1: "een"}
    assert cached_json("t", b"x", compute) == {1: "een"} and len(calls) == 2
