"""The crisis lexicons' compiled patterns kept between starts: the same patterns re.compile
makes, compiled once, and a damaged or foreign file only costs the compile."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.privacy.safety.detector import _read_yaml
from bot.privacy.safety.language import LANGUAGES
from bot.privacy.safety.lexicon import Lexicon, compile_lexicon
from bot.privacy.safety.patterns import PatternCache


@pytest.fixture(scope="module")
def data() -> dict[str, tuple[Any, Any]]:
    lemmas = _read_yaml("data/crisis_lemmas.yaml") or {}
    return {code: (_read_yaml(f"data/crisis/{code}.yaml"), lemmas.get(code)) for code in LANGUAGES}


def _compile(data: dict[str, tuple[Any, Any]], cache: PatternCache) -> dict[str, Lexicon]:
    lexicons = {
        code: compile_lexicon(d, lemmas, cache.compile) for code, (d, lemmas) in data.items()
    }
    cache.save()
    return lexicons


def _patterns(lexicon: Lexicon) -> list[re.Pattern[str] | None]:
    return [*lexicon.patterns.values(), lexicon.exclude, lexicon.exclude_unmapped]


def test_patterns_from_the_file_are_the_ones_re_compile_makes(
    data: dict[str, tuple[Any, Any]], tmp_path: Path
) -> None:
    """Compiled fresh and read back from the file, every pattern equals re.compile's (same
    text, flags and program), and the second start compiles none of them."""
    first = PatternCache(tmp_path)
    _compile(data, first)
    assert first.compiled > 30
    second = PatternCache(tmp_path)
    cached = _compile(data, second)
    assert second.compiled == 0
    for code, (lexicon_data, lemmas) in data.items():
        plain = compile_lexicon(lexicon_data, lemmas)
        assert _patterns(cached[code]) == _patterns(plain)
        assert all(isinstance(p, re.Pattern) for p in _patterns(cached[code]) if p is not None)


def test_a_damaged_or_foreign_file_is_compiled_again_and_rewritten(tmp_path: Path) -> None:
    """A truncated file, another interpreter's file or a corrupted program: the patterns are
    compiled as re does, and the file is rewritten."""
    text = r"(?<!\S)(?:ik wil (?:dood|weg)(?: \S+){0,3} nu)(?!\S)"
    cache = PatternCache(tmp_path)
    assert cache.compile(text) == re.compile(text)
    cache.save()
    (path,) = tmp_path.iterdir()
    stored = json.loads(path.read_text())

    path.write_text(path.read_text()[:100])
    cache = PatternCache(tmp_path)
    assert cache.compile(text) == re.compile(text) and cache.compiled == 1
    cache.save()

    path.write_text(json.dumps({**stored, "interpreter": "another python"}))
    cache = PatternCache(tmp_path)
    assert cache.compile(text) == re.compile(text) and cache.compiled == 1
    cache.save()

    (entry,) = stored["patterns"].values()
    entry["code"] = "AAAA" * 8
    path.write_text(json.dumps(stored))
    cache = PatternCache(tmp_path)
    assert cache.compile(text) == re.compile(text) and cache.compiled == 1
    cache.save()
    assert json.loads(path.read_text())["patterns"] != stored["patterns"]
    assert PatternCache(tmp_path).compile(text) == re.compile(text)


def test_without_a_writable_directory_patterns_are_compiled(tmp_path: Path) -> None:
    """No cache directory to be had: compiling and saving still work."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = PatternCache(blocker / "cache")
    assert cache.compile("a|b") == re.compile("a|b")
    cache.save()
    assert PatternCache(None).compile("a|b") == re.compile("a|b")


def test_only_this_starts_patterns_are_kept(tmp_path: Path) -> None:
    """Patterns of an edited lexicon that no longer occur leave the file."""
    cache = PatternCache(tmp_path)
    cache.compile("old")
    cache.compile("kept")
    cache.save()
    cache = PatternCache(tmp_path)
    cache.compile("kept")
    cache.save()
    (path,) = tmp_path.iterdir()
    assert len(json.loads(path.read_text())["patterns"]) == 1
