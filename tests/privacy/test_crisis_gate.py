"""The detector's word gate (bot/privacy/safety/gate.py) answers what the lexicons answer.

The gate decides, per word and for every lexicon at once, whether the word can stir a
lexicon's exclusions or phrases and whether it is loud (can add anything to what a lexicon
looks up); words it finds quiet are left out. A gate that called a word quiet that matters
would change verdicts on texts nobody has written yet, so it is checked word by word against
the lexicons' own answers: over every word of the corpora (held-out files never read) and over
words made to hit each kind of rule (slang, lemmas, glued words, clitics, misspelt keywords,
separable particles, the start, end and part anchors of phrases).
"""

from __future__ import annotations

import random

import pytest

from bot.privacy.safety.detector import Detector, load_detector
from bot.privacy.safety.lexicon import (
    _GLUED_MAX_WORDS,
    Lexicon,
    PhraseGroups,
    _Reach,
    _segment,
)
from bot.privacy.safety.normalize import normalize
from tests.privacy.equivalence import RecordingModel, a_fixed_third, training_texts


def _texts() -> list[str]:
    return list(training_texts())


@pytest.fixture(scope="module")
def detector() -> Detector:
    return load_detector()


def _anchor_words(groups: PhraseGroups[object] | None) -> set[str]:
    """Words that satisfy each anchor in the way it is written, and near misses."""
    found: set[str] = set()
    for anchor in groups.anchors if groups is not None else ():
        kind, text = anchor[0], anchor[1:]
        found.update({text, text[:-1], text[1:]})
        if kind == "^":
            found.update({text + "jes", text[:1]})
        elif kind == "$":
            found.update({"ver" + text, text[-1:]})
        elif kind == "~":
            found.update({"on" + text + "lijk", text + "s", "x" + text})
    return found


def _made_words(lexicon: Lexicon, rng: random.Random) -> set[str]:
    """Words that hit every kind of rule of ``lexicon``."""
    found = {"_", "|", "a", "k", "x", "13", "zzzzzzzzzz"}
    found.update(lexicon.slang, *(value.split() for value in lexicon.slang.values()))
    found.update(lexicon.lemmas, lexicon.lemmas.values())
    found.update(lexicon.particles, {lexicon.marker} - {""})
    for keyword in lexicon.keywords:
        found.add(keyword)
        for position in range(len(keyword)):  # one letter dropped, doubled, changed
            found.add(keyword[:position] + keyword[position + 1 :])
            found.add(keyword[: position + 1] + keyword[position:])
            found.add(keyword[:position] + "x" + keyword[position + 1 :])
    vocabulary = sorted(lexicon.vocabulary)
    found.update(vocabulary)
    for _ in range(3_000 if vocabulary else 0):
        glued = "".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 4)))
        found.update({glued, normalize(glued), glued + "x", glued[1:]})
    for clitic in lexicon.clitics:
        found.update(clitic + word for word in list(found) if len(word) >= 2)
    for groups in (lexicon.groups, lexicon.exclude_groups, lexicon.exclude_unmapped_groups):
        found |= _anchor_words(groups)  # type: ignore[arg-type]
    return {word for word in found if word and " " not in word}


def _words(detector: Detector) -> set[str]:
    words: set[str] = set()
    for text in _texts():
        words.update(normalize(text, clauses=True).split())
    rng = random.Random(14)
    for lexicon in detector.lexicons.values():
        words |= _made_words(lexicon, rng)
    return words


def _trivial_reach(lexicon: Lexicon, word: str) -> bool:
    reach = lexicon._reach(word)
    return not (reach.requirements or reach.fuzzy or reach.joins)


def test_the_gate_answers_what_every_lexicon_answers(detector: Detector) -> None:
    words = _words(detector)
    assert len(words) > 20_000
    gate = detector.gate
    quiet = 0
    for word in sorted(words):
        (answer,) = gate.look_up([word])
        for index, lexicon in enumerate(gate.lexicons):
            stirs_blank, stirs_match, loud_blank, loud_match = gate.bits(index)
            where = (lexicon.language, word)
            assert bool(answer & stirs_blank) == lexicon.stirs_blank([word]), where
            assert bool(answer & stirs_match) == lexicon.stirs_match([word]), where
            exclusions = (lexicon.exclude_groups, lexicon.exclude_unmapped_groups)
            assert lexicon.groups is not None and None not in exclusions
            # A word not loud for blanking adds nothing to what blanking looks up.
            blanks = any(groups.satisfied(word) for groups in exclusions)  # type: ignore[union-attr]
            assert answer & loud_blank or not blanks, where
            # A word not loud for matching adds nothing to may_match nor to match.
            matters = (
                not lexicon.plain(word)
                or not _trivial_reach(lexicon, word)
                or bool(lexicon.groups.satisfied(word))
                or bool(lexicon._fuzzy(word))
            )
            assert answer & loud_match or not matters, where
            quiet += not answer & (loud_blank | loud_match)
    assert quiet > len(words) * 3  # most words are quiet in most lexicons


def test_plain_means_the_forms_hold_the_word_as_it_is(detector: Detector) -> None:
    rng = random.Random(3)
    for lexicon in detector.lexicons.values():
        plain = [word for word in sorted(_made_words(lexicon, rng))[:20_000] if lexicon.plain(word)]
        assert len(plain) > 1_000
        for word in plain:
            assert lexicon._split_glued(word) == word, word
            assert word not in lexicon.slang and lexicon.lemmas.get(word, word) == word
            surface = lexicon.blank(word + " |", slang_applied=True)
            held = {held for form in lexicon.forms(word + " |") for held in form.split()}
            assert held == set(surface.split()), (lexicon.language, word)


def _reach_through_variants(lexicon: Lexicon, word: str) -> _Reach:
    """What ``Lexicon._reach`` gives through every variant of a word (slang, split, clitic,
    lemma), as it did for every word before plain words took a shorter way."""
    spelled = lexicon.slang.get(word, word)
    if lexicon.vocabulary:
        pieces = lexicon._split_glued(spelled).split()
        spelled = " ".join(lexicon.slang.get(p, p) for p in pieces)
    tokens = spelled.split()
    variants = set(tokens)
    if lexicon.clitics:
        variants.update(lexicon._unglue(token) for token in tokens)
    variants.update([lexicon.lemmas.get(token, token) for token in variants])
    assert lexicon.groups is not None
    return _Reach(
        requirements=lexicon.groups.met(variants),
        fuzzy=bool(lexicon._fuzzy(spelled)),
        joins=(lexicon.separable is not None and lexicon.marker in tokens)
        or not lexicon.particles.isdisjoint(tokens),
    )


def test_a_plain_word_reaches_what_its_variants_reach(detector: Detector) -> None:
    words = sorted(_words(detector))
    for lexicon in detector.lexicons.values():
        plain = 0
        for word in words[::3]:
            assert lexicon._reach(word) == _reach_through_variants(lexicon, word), word
            plain += lexicon.plain(word)
        assert plain > len(words) // 6


def _segment_as_before(word: str, vocabulary: frozenset[str]) -> str | None:
    """The split of a glued word as it was written before it was made faster (same result)."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 20), end):
            head = best[start]
            piece = word[start:end]
            if head is None or len(head) >= _GLUED_MAX_WORDS:
                continue
            if piece not in vocabulary and start > 0:
                piece = word[start - 1] + piece
            if piece not in vocabulary:
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, piece]
    found = best[-1]
    return " ".join(found) if found is not None and len(found) > 1 else None


def test_glued_words_split_as_before(detector: Detector) -> None:
    rng = random.Random(8)
    split = 0
    for code in ("nl", "en"):
        vocabulary = detector.lexicons[code].vocabulary
        assert vocabulary
        known = sorted(vocabulary)
        for _ in range(4_000):
            glued = "".join(rng.choice(known) for _ in range(rng.randint(2, 8)))
            for word in (glued, normalize(glued), glued[1:], glued + "x", glued[: len(glued) // 2]):
                expected = _segment_as_before(word, vocabulary)
                assert _segment(word, vocabulary) == expected, word
                split += expected is not None
    assert split > 10_000


class _NoShortcuts(Detector):
    """Every text read as a long one: the language always guessed, every lexicon of it asked
    to blank and to match, no gate."""

    __slots__ = ()

    def _looked_up(self, normalized: str) -> None:
        return None


def test_the_gate_and_quiet_words_change_no_verdict(detector: Detector) -> None:
    texts = a_fixed_third(_texts(), part=1)
    assert len(texts) > 3_000
    fast_model, slow_model = RecordingModel(detector.model), RecordingModel(detector.model)
    fast = Detector(detector.lexicons, fast_model)  # type: ignore[arg-type]
    slow = _NoShortcuts(detector.lexicons, slow_model)  # type: ignore[arg-type]
    for index, text in enumerate(texts):
        languages = ((), ("nl",), ("en",), ("tr",), ("ar",), ("pl",))[index % 6]
        assert fast.detect(text, languages) == slow.detect(text, languages), (text, languages)
        normalized = normalize(text, clauses=True)
        looked = fast._looked_up(normalized)
        if looked is None:
            continue
        for code, lexicon in detector.lexicons.items():
            _, _, loud_blank, loud_match = fast._bits[code]
            quiet_blank = looked.quiet(loud_blank)
            quiet = looked.quiet(loud_blank | loud_match)
            assert lexicon.blank(normalized, quiet=quiet_blank) == lexicon.blank(normalized)
            assert lexicon.match(normalized, quiet) == lexicon.match(normalized), (code, text)
    assert fast_model.asked == slow_model.asked
