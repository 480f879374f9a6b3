"""The compiled crisis lexicons kept between starts are the lexicons compile_lexicon makes.

A restart reads each language's compiled lexicon from the start-up cache instead of compiling
it again (bot/privacy/safety/compiled.py); a lexicon read back must equal the compiled one in
every field and every phrase group, or the detector would differ after a restart.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.privacy.safety.compiled import code_digest, lexicon_from_data, lexicon_to_data
from bot.privacy.safety.language import LANGUAGES
from bot.privacy.safety.lexicon import Lexicon, PhraseGroups, compile_lexicon
from bot.privacy.safety.normalize import _drop_table, _dropped_codes

ROOT = Path(__file__).resolve().parents[2]


def _data(path: str) -> Any:
    text = resources.files("bot.privacy").joinpath(path).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _groups(groups: PhraseGroups[Any] | None) -> Any:
    if groups is None:
        return None
    return groups.tags, groups.patterns, groups.phrases


def _same(first: Lexicon, second: Lexicon) -> None:
    assert first == second  # every compared field: patterns, sets, slang, keywords, lemmas
    for name in ("groups", "exclude_groups", "exclude_unmapped_groups"):
        assert _groups(getattr(first, name)) == _groups(getattr(second, name)), name


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_a_lexicon_read_back_equals_the_compiled_one(code: str) -> None:
    lemmas = (_data("data/crisis_lemmas.yaml") or {}).get(code)
    compiled = compile_lexicon(_data(f"data/crisis/{code}.yaml"), lemmas, re.compile)
    # Through JSON text, as the cache file holds it.
    data = json.loads(json.dumps(lexicon_to_data(compiled), ensure_ascii=False))
    read_back = lexicon_from_data(data, lemmas, re.compile)
    _same(compiled, read_back)
    assert read_back.groups is not None and len(read_back.groups.patterns) > 10


def test_data_of_another_format_is_refused() -> None:
    compiled = compile_lexicon(_data("data/crisis/pl.yaml"), None, re.compile)
    data = lexicon_to_data(compiled) | {"format": 0}
    with pytest.raises(ValueError, match="format"):
        lexicon_from_data(data, None, re.compile)


@pytest.mark.parametrize("module", ["lexicon.py", "normalize.py", "categories.py", "compiled.py"])
def test_the_cache_key_changes_with_the_compiling_code(tmp_path: Path, module: str) -> None:
    """A changed compiler (any of its modules) makes the kept lexicons stale."""
    package = ROOT / "bot" / "privacy" / "safety"
    for name in ("lexicon.py", "normalize.py", "categories.py", "compiled.py"):
        shutil.copy(package / name, tmp_path / name)
    assert code_digest(tmp_path) == code_digest()
    with (tmp_path / module).open("a", encoding="utf-8") as changed:
        changed.write("\n# changed\n")
    assert code_digest(tmp_path) != code_digest()


def test_the_kept_drop_table_is_the_scanned_one() -> None:
    assert _drop_table() == dict.fromkeys(_dropped_codes())
    assert 0x200B in _drop_table() and 0x0301 in _drop_table()  # zero-width space, accent
    assert ord("\n") not in _drop_table() and ord("a") not in _drop_table()


PROBE = """
import json, sys
from bot.privacy.safety.detector import load_detector
from bot.privacy.safety.language import load_language_detector
detector = load_detector()
loaded_at_start = load_language_detector.cache_info().currsize
verdict = detector.detect("ik wil dood", ("nl",))
print(json.dumps([loaded_at_start, sorted(verdict.categories) if verdict else None]))
"""


def _start(cache: Path) -> list[Any]:
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    result: list[Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_restart_reads_the_compiled_lexicons_and_detects_the_same(tmp_path: Path) -> None:
    """A cold start writes the compiled lexicons; a warm one reads them and finds the same.

    lingua's models are not loaded by the start (the first message that needs them does)."""
    cold = _start(tmp_path)
    kept = sorted(p.name for p in (tmp_path / "samenspraak").glob("crisis-lexicon-*.json"))
    assert kept == [f"crisis-lexicon-{code}.json" for code in sorted(LANGUAGES)]
    warm = _start(tmp_path)
    assert cold == warm == [0, ["suicide"]]
