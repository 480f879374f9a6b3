"""A compiled crisis lexicon as plain JSON data, and back, so a start needs no compiling.

``compile_lexicon`` expands every phrase (macros, slang, word forms) into expressions and works
out which words each phrase group needs: about 0.5 s of CPU per start for the five languages,
for a result that only changes when a lexicon file or the code that compiles it changes. The
detector keeps this data in the start-up cache (``bot.datafiles.cached_json``), keyed by the
lexicon file, the lemma table and the source of the compiling modules; the expressions
themselves go through ``patterns.PatternCache`` as before. JSON rather than pickle: a cache file
is data, never code. ``tests/privacy/test_crisis_compiled.py`` checks that a lexicon read back
equals the compiled one, field by field and group by group.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from bot.privacy.safety.categories import CrisisCategory
from bot.privacy.safety.lexicon import Lexicon, PhraseGroups

__all__ = ["code_digest", "lexicon_from_data", "lexicon_to_data"]

FORMAT = 1
# The modules whose code decides what compile_lexicon produces.
_COMPILING = ("lexicon.py", "normalize.py", "categories.py", "compiled.py")

Compile = Callable[[str], re.Pattern[str]]


def code_digest(here: Path | None = None) -> bytes:
    """The SHA-256 of the compiling modules' source (in ``here``, by default this package): a
    changed compiler invalidates the cache."""
    here = here or Path(__file__).resolve().parent
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in _COMPILING:
        digest.update((here / name).read_bytes())
    return digest.digest()


def _text(pattern: re.Pattern[str] | None) -> str | None:
    if pattern is None:
        return None
    if pattern.flags != re.UNICODE:  # every lexicon expression is compiled without flags
        raise ValueError(f"unexpected flags {pattern.flags} on a lexicon expression")
    return pattern.pattern


def _groups_data(groups: PhraseGroups[Any] | None) -> dict[str, Any] | None:
    if groups is None:
        return None
    return {
        "groups": [[tag, _text(p)] for tag, p in zip(groups.tags, groups.patterns, strict=True)],
        "phrases": [
            [number, [sorted(requirement) for requirement in requirements]]
            for number, requirements in groups.phrases
        ],
    }


def _groups_from(data: dict[str, Any] | None, compile_pattern: Compile) -> PhraseGroups[Any] | None:
    if data is None:
        return None
    return PhraseGroups(
        [(tag, compile_pattern(text)) for tag, text in data["groups"]],
        [
            (number, [frozenset(r) for r in requirements])
            for number, requirements in data["phrases"]
        ],
    )


def lexicon_to_data(lexicon: Lexicon) -> dict[str, Any]:
    """Everything of a compiled lexicon except its lemma table, as JSON data."""
    return {
        "format": FORMAT,
        "language": lexicon.language,
        "slang": dict(lexicon.slang),
        "patterns": {category: _text(p) for category, p in lexicon.patterns.items()},
        "exclude": _text(lexicon.exclude),
        "exclude_unmapped": _text(lexicon.exclude_unmapped),
        "keywords": dict(lexicon.keywords),
        "vocabulary": sorted(lexicon.vocabulary),
        "separable": _text(lexicon.separable),
        "marker": lexicon.marker,
        "particles": sorted(lexicon.particles),
        "subjects": sorted(lexicon.subjects),
        "conjunctions": sorted(lexicon.conjunctions),
        "determiners": sorted(lexicon.determiners),
        "nouns": sorted(lexicon.nouns),
        "clitics": list(lexicon.clitics),
        "groups": _groups_data(lexicon.groups),
        "exclude_groups": _groups_data(lexicon.exclude_groups),
        "exclude_unmapped_groups": _groups_data(lexicon.exclude_unmapped_groups),
    }


def lexicon_from_data(
    data: dict[str, Any], lemmas: Mapping[str, str] | None, compile_pattern: Compile
) -> Lexicon:
    """The lexicon :func:`lexicon_to_data` wrote; ``compile_pattern`` compiles its expressions."""
    if data.get("format") != FORMAT:
        raise ValueError(f"compiled lexicon format {data.get('format')!r}, expected {FORMAT}")

    def pattern(text: str | None) -> re.Pattern[str] | None:
        return None if text is None else compile_pattern(text)

    separable = data["separable"]
    return Lexicon(
        language=data["language"],
        slang=data["slang"],
        patterns={
            cast(CrisisCategory, category): compile_pattern(text)
            for category, text in data["patterns"].items()
        },
        exclude=pattern(data["exclude"]),
        exclude_unmapped=pattern(data["exclude_unmapped"]),
        keywords=data["keywords"],
        lemmas=dict(lemmas or {}),
        vocabulary=frozenset(data["vocabulary"]),
        # Compiled by compile_lexicon with re.compile, not through the pattern cache.
        separable=None if separable is None else re.compile(separable),
        marker=data["marker"],
        particles=frozenset(data["particles"]),
        subjects=frozenset(data["subjects"]),
        conjunctions=frozenset(data["conjunctions"]),
        determiners=frozenset(data["determiners"]),
        nouns=frozenset(data["nouns"]),
        clitics=tuple(data["clitics"]),
        groups=_groups_from(data["groups"], compile_pattern),
        exclude_groups=_groups_from(data["exclude_groups"], compile_pattern),
        exclude_unmapped_groups=_groups_from(data["exclude_unmapped_groups"], compile_pattern),
    )
