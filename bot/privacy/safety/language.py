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
# From this many words on, a message is also searched for runs in other languages.
_MIXED_MIN_WORDS = 6


@cache
def load_language_detector() -> LanguageDetector:
    detector = (
        LanguageDetectorBuilder.from_languages(*LANGUAGES.values())
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )
    # The first mixed-language search costs tens of milliseconds (lazy set-up); pay it here.
    detector.detect_multiple_languages_of("babam beni çok seviyor en ik weet niet wat ik moet doen")
    return detector


def guess_languages(text: str) -> list[str]:
    """Likely languages of ``text``, most likely first; Arabic script always counts as "ar".

    A longer message is also split into runs of one language each, because parents switch
    mid-sentence ("babam beni dövüyor en ik weet niet wat ik moet doen").
    """
    sample = text[:_SAMPLE_CHARS]
    detector = load_language_detector()
    found: list[str] = ["ar"] if _ARABIC_SCRIPT.search(sample) else []
    for value in detector.compute_language_confidence_values(sample):
        if (not found or value.value >= _RUNNER_UP) and _CODES[value.language] not in found:
            found.append(_CODES[value.language])
        if value.value < _RUNNER_UP:
            break
    if len(sample.split()) >= _MIXED_MIN_WORDS:
        for run in detector.detect_multiple_languages_of(sample):
            if run.word_count >= 2 and _CODES[run.language] not in found:
                found.append(_CODES[run.language])
    return found
