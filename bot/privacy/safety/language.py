"""Which of the bot's five languages a message is written in (lingua, models in the wheel).

Only the five languages the bot offers are loaded, in low-accuracy mode: that mode keeps the
models small (about 30 MB resident instead of about 200 MB) and decides on the message's
trigrams, which is enough because the detector also checks the user's own language and Dutch.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["LANGUAGES", "guess_languages", "load_language_detector"]

LANGUAGES: dict[str, Language] = {
    "nl": Language.DUTCH,
    "en": Language.ENGLISH,
    "tr": Language.TURKISH,
    "ar": Language.ARABIC,
    "pl": Language.POLISH,
}
_CODES = {language: code for code, language in LANGUAGES.items()}
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# Language is read from the start of a message; a whole long text costs lingua milliseconds.
_SAMPLE_CHARS = 400
# Besides the most likely language, any other whose share of the confidence is this high.
_RUNNER_UP = 0.25


@cache
def load_language_detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*LANGUAGES.values())
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def guess_languages(text: str) -> list[str]:
    """Likely languages of ``text``, most likely first; Arabic script always counts as "ar"."""
    sample = text[:_SAMPLE_CHARS]
    found: list[str] = ["ar"] if _ARABIC_SCRIPT.search(sample) else []
    for value in load_language_detector().compute_language_confidence_values(sample):
        if (not found or value.value >= _RUNNER_UP) and _CODES[value.language] not in found:
            found.append(_CODES[value.language])
        if value.value < _RUNNER_UP:
            break
    return found
