"""The crisis lexicons' compiled regular expressions, kept on disk between starts.

The lexicons compile to about forty regular expressions of together some 370,000 characters.
Python's ``re`` parses and compiles a pattern in pure Python, and for these that is the largest
part of loading the detector (0.6–1.2 s of CPU, before the first participant may be answered).
Pickling does not help: a pickled ``re.Pattern`` is its source text and compiles again. What is
kept instead is the compiled program, the list of codes that ``re`` hands to the C engine
(``_sre.compile``), under the SHA-256 of the pattern's text, in a file per interpreter and
engine version. A pattern built from it is the very object ``re.compile`` returns (patterns
compare equal on their text, flags and program; ``tests/privacy/test_crisis_patterns.py``).

Nothing depends on the file being there: a missing, unreadable or damaged file, another Python
or a failing check means compiling as ``re`` does, and the file is written again (atomically,
only the patterns of this start, so edited lexicons leave nothing stale behind). The directory
is :func:`bot.datafiles.cache_dir` (``~/.cache/samenspraak``), for the user alone; when it
cannot be written the detector simply compiles at every start.
"""

from __future__ import annotations

import array
import base64
import hashlib
import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.datafiles import read_cache, write_cache

__all__ = ["PatternCache"]

log = logging.getLogger(__name__)

try:  # the C engine and re's own compiler (CPython); without them, compile as usual
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other interpreters
    _sre = None

_FORMAT = 1


def _interpreter() -> str:
    """What a program is valid for: the interpreter build and the engine's version."""
    if _sre is None:
        return ""
    return f"{sys.implementation.cache_tag} {sys.version} sre {_sre.MAGIC} {_sre.CODESIZE}"


@dataclass(frozen=True, slots=True)
class _Program:
    flags: int
    code: list[int]
    groups: int
    groupindex: dict[str, int]
    indexgroup: tuple[str | None, ...]

    def pattern(self, text: str) -> re.Pattern[str]:
        # What re._compiler.compile does after parsing and code generation.
        return _sre.compile(  # type: ignore[no-any-return]
            text, self.flags, self.code, self.groups, self.groupindex, self.indexgroup
        )

    @classmethod
    def of(cls, text: str) -> _Program:
        """Parse and generate code as ``re.compile(text)`` does."""
        parsed = _parser.parse(text, 0)
        code = _compiler._code(parsed, 0)
        state = parsed.state
        indexgroup: list[str | None] = [None] * state.groups
        for name, index in state.groupdict.items():
            indexgroup[index] = name
        return cls(state.flags, code, state.groups - 1, dict(state.groupdict), tuple(indexgroup))

    def to_json(self) -> dict[str, Any]:
        return {
            "flags": self.flags,
            "groups": self.groups,
            "groupindex": self.groupindex,
            "indexgroup": list(self.indexgroup),
            "code": base64.b64encode(array.array("I", self.code).tobytes()).decode("ascii"),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> _Program:
        code = array.array("I")
        code.frombytes(base64.b64decode(value["code"], validate=True))
        return cls(
            int(value["flags"]),
            code.tolist(),
            int(value["groups"]),
            {str(k): int(v) for k, v in value["groupindex"].items()},
            tuple(value["indexgroup"]),
        )


class PatternCache:
    """``compile`` patterns (from the file where possible), then ``save`` once."""

    def __init__(self, directory: Path | None) -> None:
        usable = _sre is not None and array.array("I").itemsize == _sre.CODESIZE
        self._path = (
            # One file per interpreter: two Pythons sharing a home do not overwrite each other's.
            directory / f"crisis-patterns-{sys.implementation.cache_tag}-{_sre.MAGIC}.json"
            if usable and directory
            else None
        )
        self._stored: dict[str, dict[str, Any]] = self._read() if self._path else {}
        self._used: dict[str, dict[str, Any]] = {}
        self.compiled = 0  # patterns that were not in the file (for tests and the log)

    def compile(self, text: str) -> re.Pattern[str]:
        if self._path is None:
            return re.compile(text)
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        stored = self._stored.get(key)
        if stored is not None:
            try:
                pattern = _Program.from_json(stored).pattern(text)
            except Exception:  # damaged entry: the engine refuses it, or the data is malformed
                log.warning("crisis pattern cache: a damaged entry, compiling instead")
            else:
                self._used[key] = stored
                return pattern
        program = _Program.of(text)
        self._used[key] = program.to_json()
        self.compiled += 1
        return program.pattern(text)

    def save(self) -> None:
        """Write this start's patterns if they differ from the file's (best effort)."""
        if self._path is None or self._used == self._stored:
            return
        payload = json.dumps(
            {"format": _FORMAT, "interpreter": _interpreter(), "patterns": self._used},
            separators=(",", ":"),
        )
        if write_cache(self._path, payload):
            self._stored = dict(self._used)

    def _read(self) -> dict[str, dict[str, Any]]:
        assert self._path is not None
        text = read_cache(self._path)
        try:
            data = json.loads(text) if text is not None else None
        except ValueError:
            return {}
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or data.get("interpreter") != _interpreter()
            or not isinstance(data.get("patterns"), dict)
        ):
            return {}
        patterns: dict[str, dict[str, Any]] = data["patterns"]
        return patterns
