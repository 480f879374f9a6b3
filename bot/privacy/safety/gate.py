"""What a word can take part in, in every lexicon at once: the detector's first look at a word.

Before the detector asks a lexicon anything about a short text, it asks whether a word of the
text can *stir* the lexicon's exclusions or phrases (:meth:`Lexicon.stirs_blank`,
:meth:`Lexicon.stirs_match`): most words stir no lexicon, and a lexicon no word stirs is
skipped. Asked lexicon by lexicon, a new word was looked up in fifteen tables (three per
lexicon) and through its slang, lemma, glued and clitic forms, and again in the tables of every
lexicon that was then searched; that was most of the time of a text of new words.
:class:`WordGate` answers for the five lexicons at once, with one look-up per word in one table
of all their anchors and one fuzzy search over all their keywords. Per word and lexicon:

* ``stirs_blank``: the word satisfies an anchor of the rarest requirement of an exclusion
  phrase (:attr:`PhraseGroups.primary_anchors`), or always when a group needs nothing or an
  exclusion has no groups;
* ``stirs_match``: of a word that is *plain* in the lexicon (:meth:`Lexicon.plain`: no slang,
  lemma, split or clitic makes it another word), whether it satisfies such an anchor of the
  phrases, is a misspelt keyword (the lexicon's own keyword search, over the keywords of every
  lexicon at once) or a joining particle or marker; a word that is not plain is asked of the
  lexicon itself;
* *loud for blanking*: it satisfies some anchor of the exclusions; a word that is not (most
  words) adds nothing to what :meth:`Lexicon.may_blank` and :meth:`Lexicon.blank` look up;
* *loud for matching*: it is not plain, or it satisfies some anchor of the phrases, or is a
  misspelt keyword or a joining word; a word that is not adds nothing to what
  :meth:`Lexicon.may_match` reads (its reach is empty), and a word loud for neither is
  *quiet* for :meth:`Lexicon.match`.

The answer per word is four sets of lexicons as bits of one integer, remembered (a bounded table
of words, never of texts); ``tests/privacy/test_crisis_gate.py`` checks it against the
lexicons' own answers word by word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.privacy.safety.lexicon import (
    _FUZZY_CUTOFF,
    _FUZZY_MIN_LENGTH,
    _GLUED_MIN_LENGTH,
    _MEMO_SIZE,
    Lexicon,
)
from bot.privacy.safety.normalize import CLAUSE

__all__ = ["WordGate"]


class WordGate:
    """For lexicon ``i`` of ``n`` lexicons, bit ``i`` of a word's answer (:meth:`look_up`) is
    its ``stirs_blank``, bit ``n + i`` its ``stirs_match``, bit ``2n + i`` loud for blanking,
    bit ``3n + i`` loud for matching; :meth:`bits` gives the four bits of one lexicon."""

    def __init__(self, lexicons: Sequence[Lexicon]) -> None:
        self.lexicons = tuple(lexicons)
        size = len(self.lexicons)
        self._size = size
        every = (1 << size) - 1
        constant = 0  # bits every word has
        anchors: dict[str, int] = {}

        def add(found: frozenset[str], bit: int) -> None:
            for anchor in found:
                anchors[anchor] = anchors.get(anchor, 0) | bit

        # Bits of the words the lexicon changes (slang, lemma), may split or may unglue: for
        # these the gate asks Lexicon.plain; every other word is plain in every lexicon.
        self._changed: dict[str, int] = {}
        self._glued = self._clitics = 0
        self._clitic_starts: tuple[str, ...] = ()
        joins: dict[str, int] = {}
        keywords: dict[str, int] = {}
        for index, lexicon in enumerate(self.lexicons):
            stir_blank, stir_match, blank, match = (1 << (index + size * k) for k in range(4))
            first, second = lexicon.exclude_groups, lexicon.exclude_unmapped_groups
            if lexicon.exclude is None and lexicon.exclude_unmapped is None:
                pass  # nothing to blank: never stirred, no word loud
            elif first is None or second is None:
                constant |= stir_blank | blank  # an exclusion searched whole
            else:
                if first.needs_nothing or second.needs_nothing:
                    constant |= stir_blank
                for exclusions in (first, second):
                    add(exclusions.primary_anchors, stir_blank)
                    add(exclusions.anchors, blank)
            phrases = lexicon.groups
            if phrases is None:
                constant |= stir_match | match
            else:
                if phrases.needs_nothing:
                    constant |= stir_match
                add(phrases.primary_anchors, stir_match)
                add(phrases.anchors, match)
            changed = set(lexicon.slang)
            changed.update(form for form, lemma in lexicon.lemmas.items() if form != lemma)
            for word in changed:
                self._changed[word] = self._changed.get(word, 0) | (1 << index)
            if lexicon.vocabulary:
                self._glued |= 1 << index
            if lexicon.clitics:
                self._clitics |= 1 << index
                self._clitic_starts += lexicon.clitics
            joining = set(lexicon.particles)
            if lexicon.separable is not None:
                joining.add(lexicon.marker)
            for word in joining:
                joins[word] = joins.get(word, 0) | stir_match | match
            for keyword in lexicon.keywords:
                keywords[keyword] = keywords.get(keyword, 0) | stir_match | match
        self._constant = constant
        # A plain word's stirs_match and loudness for matching come from these look-ups.
        self._of_plain = every << size | every << (3 * size)
        self._joins = joins
        self._keywords = list(keywords)
        self._keyword_bits = list(keywords.values())
        # Anchors as PhraseGroups.satisfied reads them: "=word", "^start", "$end", "~part".
        self._exact: dict[str, int] = {}
        self._starts_by_head: dict[str, list[tuple[str, int]]] = {}
        self._ends_by_tail: dict[str, list[tuple[str, int]]] = {}
        self._parts: dict[str, int] = {}
        for anchor, bits in anchors.items():
            kind, text = anchor[0], anchor[1:]
            if kind == "=":
                self._exact[text] = bits
            elif kind == "^":
                self._starts_by_head.setdefault(text[:2], []).append((text, bits))
            elif kind == "$":
                self._ends_by_tail.setdefault(text[-2:], []).append((text, bits))
            else:
                self._parts[text] = bits
        self._any_part = (
            re.compile("|".join(map(re.escape, sorted(self._parts)))) if self._parts else None
        )
        self._memo: dict[str, int] = {}

    def bits(self, index: int) -> tuple[int, int, int, int]:
        """Lexicon ``index``'s bits: stirs_blank, stirs_match, loud for blanking, for matching."""
        return tuple(1 << (index + self._size * k) for k in range(4))  # type: ignore[return-value]

    def forget_words(self) -> None:
        self._memo.clear()

    def look_up(self, words: Sequence[str]) -> list[int]:
        """Each word's answer (see the class), remembered per word (bounded)."""
        memo = self._memo
        found = list(map(memo.get, words))
        if None in found:
            for position, word in enumerate(words):
                if found[position] is None:
                    known = self._answer(word)
                    if len(memo) >= _MEMO_SIZE:
                        memo.clear()
                    memo[word] = found[position] = known
        return found  # type: ignore[return-value]

    def _answer(self, word: str) -> int:
        size = self._size
        plain = self._of_plain
        asked = 0
        maybe_changed = self._changed.get(word, 0)
        if len(word) >= _GLUED_MIN_LENGTH:
            maybe_changed |= self._glued
        if self._clitics and word.startswith(self._clitic_starts):
            maybe_changed |= self._clitics
        if maybe_changed:
            for index, lexicon in enumerate(self.lexicons):
                if maybe_changed >> index & 1 and not lexicon.plain(word):
                    # Not plain: the lexicon's own answer, and loud for matching.
                    stir_match, match = 1 << (size + index), 1 << (3 * size + index)
                    plain &= ~(stir_match | match)
                    asked |= match | (stir_match if lexicon.stirs_match((word,)) else 0)
        found = self._anchored(word) | self._joins.get(word, 0)
        if len(word) >= _FUZZY_MIN_LENGTH and word != CLAUSE and self._keywords:
            for _, _, index in process.extract(
                word, self._keywords, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=None
            ):
                found |= self._keyword_bits[index]
        blanking = ~self._of_plain  # stirs_blank and loud for blanking: the word as it is
        return self._constant | asked | (found & (blanking | plain))

    def _anchored(self, word: str) -> int:
        """The bits of the anchors ``word`` satisfies (as ``PhraseGroups.satisfied``)."""
        bits = self._exact.get(word, 0)
        for head in (word[:1], word[:2]) if len(word) > 1 else (word,):
            for start, found in self._starts_by_head.get(head, ()):
                if word.startswith(start):
                    bits |= found
        for tail in (word[-1:], word[-2:]) if len(word) > 1 else (word,):
            for end, found in self._ends_by_tail.get(tail, ()):
                if word.endswith(end):
                    bits |= found
        if self._any_part is not None and self._any_part.search(word):
            for part, found in self._parts.items():
                if part in word:
                    bits |= found
        return bits
