"""The crisis detector: normalise once, then check the lexicons of the likely languages.

Languages checked, in this order: the message's own language (a close runner-up, Arabic
whenever Arabic script appears, and for longer messages every language a run of it is in; see
:mod:`~bot.privacy.safety.language`), the languages the caller passes (the user's locale), and
always Dutch, because parents and young people mix Dutch into other languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.datafiles import cache_dir, cached_json
from bot.privacy.safety.categories import CrisisCategory, CrisisSignal
from bot.privacy.safety.language import LANGUAGES, guess_languages, load_language_detector
from bot.privacy.safety.lexicon import Lexicon, LexiconError, compile_lexicon
from bot.privacy.safety.normalize import MAX_CHARS, load_normalizer, normalize
from bot.privacy.safety.patterns import PatternCache

__all__ = ["Detector", "load_detector"]

_DATA = "bot.privacy"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Detector:
    lexicons: Mapping[str, Lexicon]

    def detect(self, text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
        # Lone surrogates (possible in a Python str, not in UTF-8) would stop lingua.
        text = text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
        normalized = normalize(text, clauses=True)
        if not normalized:
            return None
        checked = [self.lexicons[code] for code in self.languages_for(text, languages)]
        # A joke or topic word in one language must not fire another language's lexicon
        # ("suicide prevention" holds a Dutch keyword).
        for lexicon in checked:
            normalized = lexicon.blank(normalized)
        found: set[CrisisCategory] = set()
        for lexicon in checked:
            found |= lexicon.match(normalized)
        return CrisisSignal.of(found) if found else None

    def languages_for(self, text: str, languages: Iterable[str]) -> list[str]:
        ordered = [*guess_languages(text), *languages, "nl"]
        return [code for code in dict.fromkeys(ordered) if code in self.lexicons]


@cache
def load_detector() -> Detector:
    """Read and compile every language's lexicon and load the language models, once."""
    lemmas = _read_yaml("data/crisis_lemmas.yaml") or {}
    lexicons = {}
    patterns = PatternCache(cache_dir())  # compiling them is most of the cost
    for code in LANGUAGES:
        data = _read_yaml(f"data/crisis/{code}.yaml")
        lexicon = compile_lexicon(data, lemmas.get(code), patterns.compile)
        if lexicon.language != code:
            raise LexiconError(f"data/crisis/{code}.yaml says language {lexicon.language!r}")
        lexicons[code] = lexicon
    patterns.save()
    load_language_detector()
    load_normalizer()
    return Detector(lexicons)


def _read_yaml(path: str) -> Any:
    raw = resources.files(_DATA).joinpath(path).read_bytes()
    # The lemma table takes YAML a tenth of a second; JSON from the cache a few milliseconds.
    return cached_json(
        "crisis-" + path.replace("/", "-"),
        raw,
        lambda: yaml.load(raw.decode("utf-8"), Loader=_Loader),  # a safe loader, in C if there
    )
