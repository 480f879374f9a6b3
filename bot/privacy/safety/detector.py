"""The crisis detector: normalise once, then check the lexicons of the likely languages.

Languages checked, in this order: the message's own language (a close runner-up, Arabic
whenever Arabic script appears, and for longer messages every language a run of it is in; see
:mod:`~bot.privacy.safety.language`), the languages the caller passes (the user's locale), and
always Dutch, because parents and young people mix Dutch into other languages.

Beside the lexicons, a learned model (:mod:`~bot.privacy.safety.model`; on by
default, see ``model.ENABLED``) reads the same text, jokes and topic words blanked, when no
lexicon fired: it adds disclosures phrased in ways no lexicon foresaw, and never changes the
categories (so the leading help line) of a lexicon's signal, which are written by hand and
more precise than the model's. When the model data carries a veto (``CrisisModel.veto``,
chosen or refused by the trainer's cross-validation), a lexicon signal on a text the model
finds less probable than it is dropped; the shipped data says whether there is one, and its
scope: every signal, or only those on a text with a distancing frame (called a joke, a film or
a lesson, a childhood past, a game: :mod:`~bot.privacy.safety.frames`). Since round 17 the
model data may carry a second veto, the hit head's (``CrisisModel.hit_vetoes``): a model trained
only on the texts a lexicon fires on drops a signal on a text of eight words or more, with no
earnest word, that it and the crisis model both find improbable.

Two shortcuts make a message cheaper without changing a verdict (docs/privacy.md, "Speed"):
a lexicon searches a text only with the groups of phrases its words can match
(``PhraseGroups`` in :mod:`~bot.privacy.safety.lexicon`), and the language is not guessed
when the guess cannot change the verdict (:meth:`Detector._unguessed`). Which lexicons a word
can take part in at all is answered for all of them at once by the word gate
(:mod:`~bot.privacy.safety.gate`), so a new word costs one look-up instead of one per lexicon
table, and the words it finds quiet for a lexicon are not looked up there again;
``scripts/crisis_equivalence.py`` compares two versions' verdicts over every corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.datafiles import cache_dir, cached_json
from bot.privacy.safety.categories import CrisisCategory, CrisisSignal
from bot.privacy.safety.compiled import code_digest, lexicon_from_data, lexicon_to_data
from bot.privacy.safety.frames import earnest, framed
from bot.privacy.safety.gate import WordGate
from bot.privacy.safety.language import LANGUAGES, guess_languages
from bot.privacy.safety.lexicon import Lexicon, LexiconError, compile_lexicon
from bot.privacy.safety.model import CrisisModel, load_model
from bot.privacy.safety.model import forget_words as forget_model_words
from bot.privacy.safety.normalize import MAX_CHARS, load_normalizer, normalize
from bot.privacy.safety.patterns import PatternCache

__all__ = ["Detector", "load_detector"]

_DATA = "bot.privacy"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Texts of more different words than this are not tried without the language guess.
_UNGUESSED_MAX_WORDS = 64
# A message of at most this many words is checked in every language, not only the guessed ones:
# on a few words the guess is unreliable ("i want to die" reads as Dutch, Arabizi as anything),
# and Dutch teenagers write English. Measured on the training corpora as a Dutch-speaking user's
# messages (only "nl" given): recall 67.4 -> 68.1 %, false alarms 3.90 -> 3.93 %.
_EVERY_LANGUAGE_MAX_WORDS = 12


@dataclass(frozen=True, slots=True)
class _Looked:
    """The words of a short text ("_" among them) and what each can take part in (the gate)."""

    words: list[str]
    answers: list[int]
    stirred: int  # the lexicons some word stirs: every answer's bits

    def loud(self, bit: int) -> list[str]:
        """The words with this bit; the others add nothing to what it stands for."""
        return [word for word, answer in zip(self.words, self.answers, strict=True) if answer & bit]

    def quiet(self, bits: int) -> set[str]:
        """The words with none of these bits."""
        return {
            word for word, answer in zip(self.words, self.answers, strict=True) if not answer & bits
        }


@dataclass(frozen=True, slots=True)
class Detector:
    lexicons: Mapping[str, Lexicon]
    model: CrisisModel | None = None
    # What each word can take part in, in every lexicon at once (Lexicon.stirs_* and more).
    gate: WordGate = field(init=False, repr=False, compare=False)
    # Per language code, its bits in the gate's answers: stirs_blank, stirs_match, loud for
    # blanking, loud for matching.
    _bits: Mapping[str, tuple[int, int, int, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = list(self.lexicons)
        gate = WordGate([self.lexicons[code] for code in codes])
        object.__setattr__(self, "gate", gate)
        object.__setattr__(self, "_bits", {code: gate.bits(i) for i, code in enumerate(codes)})

    def detect(self, text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
        # Lone surrogates (possible in a Python str, not in UTF-8) would stop lingua.
        text = text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
        normalized = normalize(text, clauses=True)
        if not normalized:
            return None
        plain = normalized  # before any blanking: what a distancing frame is looked for in
        # A long text: every lexicon is asked, as it comes.
        looked = self._looked_up(normalized)
        codes = self._unguessed(normalized, languages) if looked is not None else None
        if codes is None:
            codes = self.languages_for(text, languages)
        lexicons, bits = self.lexicons, self._bits
        # A joke or topic word in one language must not fire another language's lexicon
        # ("suicide prevention" holds a Dutch keyword). A lexicon that cannot blank these
        # words leaves the text as it is (Lexicon.may_blank), one that cannot match them
        # finds nothing in it (Lexicon.may_match); stirs_* (the gate) is the cheap first
        # half of each, and the words the gate finds quiet are not looked up again.
        for code in codes:
            if looked is None:
                normalized = lexicons[code].blank(normalized)
            elif looked.stirred & bits[code][0]:
                quiet = looked.quiet(bits[code][2])
                normalized = lexicons[code].blank(normalized, quiet=quiet)
        found: set[CrisisCategory] = set()
        for code in codes:
            lexicon = lexicons[code]
            if looked is None:
                found |= lexicon.match(normalized)
            else:
                _, stirs_match, loud_blank, loud_match = bits[code]
                if looked.stirred & stirs_match and lexicon.may_match(looked.loud(loud_match)):
                    found |= lexicon.match(normalized, looked.quiet(loud_blank | loud_match))
        model = self.model
        if (
            found
            and model is not None
            and (
                model.vetoes(normalized, lambda: framed(text, plain))
                or model.hit_vetoes(normalized, lambda: earnest(text, plain))
            )
        ):
            # The model's vetoes (off unless the trainer chose them). Both ask the model for a
            # probability below its own threshold, so it does not fire on this text either.
            found = set()
        if not found and model is not None:
            # The model reads the text with the jokes and topic words blanked, as it was trained.
            found = model.categories(normalized)
        return CrisisSignal.of(found) if found else None

    def forget_words(self) -> None:
        """Empty every table of words (the lexicons', the gate's, the model's features), as
        at start-up (for measuring)."""
        for lexicon in self.lexicons.values():
            lexicon.forget_words()
        self.gate.forget_words()
        forget_model_words()
        if self.model is not None:
            self.model.forget_words()

    def _looked_up(self, normalized: str) -> _Looked | None:
        """The words of a text of at most _UNGUESSED_MAX_WORDS different words, and "_", with
        the gate's answers; None for a longer text.

        Blanking only takes words away and adds "_": the words of every text a lexicon sees
        are among these.
        """
        unique = set(normalized.split())
        if len(unique) > _UNGUESSED_MAX_WORDS:
            return None
        unique.add("_")
        words = list(unique)
        answers = self.gate.look_up(words)
        stirred = 0
        for answer in answers:
            stirred |= answer
        return _Looked(words, answers, stirred)

    def _unguessed(self, normalized: str, languages: Sequence[str]) -> list[str] | None:
        """The lexicons to check without guessing the language, when the guess cannot change
        the verdict nor the model's input; else None.

        The guess only adds lexicons and puts the checked ones in another order. A lexicon
        that can neither blank (:meth:`Lexicon.may_blank`) nor match (:meth:`Lexicon.may_match`)
        a text of these words changes nothing wherever it stands: blanking only takes words
        away and adds "_", so the words of the text it would see are among these and "_". The
        order of the others matters only for blanking, when two of them can blank. Each is
        asked only when a word can stir it (:meth:`Lexicon.stirs_blank`, ``stirs_match``, as
        the gate answers them), and only about the words the gate finds loud for it.
        """
        lexicons = self.lexicons
        always = [code for code in dict.fromkeys([*languages, "nl"]) if code in lexicons]
        looked = self._looked_up(normalized)
        if looked is None:
            return None  # the guess reads only the start; this would read every word
        stirred, bits = looked.stirred, self._bits
        for code, lexicon in lexicons.items():
            stirs_blank, stirs_match, loud_blank, loud_match = bits[code]
            if code not in always and (
                (stirred & stirs_blank and lexicon.may_blank(looked.loud(loud_blank)))
                or (stirred & stirs_match and lexicon.may_match(looked.loud(loud_match)))
            ):
                return None
        if len(always) > 1:
            blanking = [code for code in always if stirred & bits[code][0]]
            if (
                len(blanking) > 1
                and sum(lexicons[code].may_blank(looked.loud(bits[code][2])) for code in blanking)
                > 1
            ):
                return None
        return always

    def languages_for(self, text: str, languages: Iterable[str]) -> list[str]:
        """The lexicons to check, in blanking order: the guessed languages, the user's, Dutch,
        and for a short message every other one."""
        ordered = [*guess_languages(text), *languages, "nl"]
        if len(text.split(maxsplit=_EVERY_LANGUAGE_MAX_WORDS)) <= _EVERY_LANGUAGE_MAX_WORDS:
            ordered += self.lexicons
        return [code for code in dict.fromkeys(ordered) if code in self.lexicons]


@cache
def load_detector() -> Detector:
    """Read and compile every language's lexicon and load the language models, once."""
    lemmas = _read_yaml("data/crisis_lemmas.yaml") or {}
    lexicons = {}
    patterns = PatternCache(cache_dir())  # compiling them is most of the cost
    code_and_lemmas = code_digest() + _raw("data/crisis_lemmas.yaml")
    for code in LANGUAGES:
        path = f"data/crisis/{code}.yaml"

        def compiled(path: str = path, code: str = code) -> dict[str, Any]:
            data = _read_yaml(path)
            return lexicon_to_data(compile_lexicon(data, lemmas.get(code), patterns.compile))

        # What compile_lexicon makes of this file (0.1 s a language), kept between starts.
        data = cached_json(f"crisis-lexicon-{code}", code_and_lemmas + _raw(path), compiled)
        lexicon = lexicon_from_data(data, lemmas.get(code), patterns.compile)
        if lexicon.language != code:
            raise LexiconError(f"data/crisis/{code}.yaml says language {lexicon.language!r}")
        lexicons[code] = lexicon
    patterns.save()
    # lingua's models (0.15 s) are loaded by the first message that needs a language guess:
    # most do not (Detector._unguessed), and a restart should answer its first user sooner.
    load_normalizer()
    return Detector(lexicons, load_model())


def _raw(path: str) -> bytes:
    return resources.files(_DATA).joinpath(path).read_bytes()


def _read_yaml(path: str) -> Any:
    raw = _raw(path)
    # The lemma table takes YAML a tenth of a second; JSON from the cache a few milliseconds.
    return cached_json(
        "crisis-" + path.replace("/", "-"),
        raw,
        lambda: yaml.load(raw.decode("utf-8"), Loader=_Loader),  # a safe loader, in C if there
    )
