"""One language's crisis lexicon: data in ``data/crisis/<lang>.yaml``, compiled once.

File format (every word in it goes through :func:`~bot.privacy.safety.normalize.normalize`,
so write ordinary spelling: "dood" also matches "DOOOOD", "mn" is written "mn")::

    language: nl
    slang: {mn: mijn, gwn: gewoon}   # chat spellings, one word each, replaced before matching
    macros: {ME: [me, mij]}          # named lists of phrases, used as {ME} in a phrase
    keywords:                        # single words; a misspelling one edit away also matches
      suicide: [zelfmoord]
    categories:                      # phrases per category (see the pattern language below)
      suicide: ["ik wil dood"]
    exclude: ["dood van het lachen"] # jokes and topic words, blanked out before matching
    split_glued: true                # split unknown words made of known ones ("ikwilgewoondood")
    separable:                       # Dutch "op te hangen" -> "ophangen", "te leven" -> "leven"
      particles: [op, aan, uit]
      marker: te
    clitics: [و, ف]                  # glued conjunctions: "وبيلمسني" is also read "بيلمسني"
    inversion:                       # Dutch V2: "daarom doe ik" is also read as "daarom ik doe"
      subjects: [ik, hij, ze]
      conjunctions: [als, dat, en]   # words a subject follows in its own order: not swapped
      determiners: [mijn]            # with nouns: "slaat mijn vader" -> "mijn vader slaat"
      nouns: [vader, moeder]

Pattern language, one phrase per entry, matched on whole words of the normalised text and,
separately, of the same text with every word replaced by its lemma (``data/crisis_lemmas.yaml``,
so "sloeg" and "geslagen" match a phrase written with "slaan"):

* ``ik wil dood``: these words in this order, next to each other;
* ``slaat|sloeg``: either word; ``pijn_doe|snij``: "pijn doe" or "snij" (``_`` joins the
  words of one alternative, since a space separates the tokens of a phrase); ``zelfmoord*``: a word starting with "zelfmoord";
  ``*moord``: a word ending with "moord";
* ``er?``: an optional word; ``...``: zero to three other words (a clause end counts as
  one); ``~``: zero to six other words of the same clause; ``~~``: zero to twenty other
  words, clause ends included (a means in one clause, the intent in the next: "de pillen
  liggen in de kast en ik denk erover ze allemaal te nemen");
* ``$``: the end of a clause (punctuation, a line break or the end of the message), so
  "ik kan niet meer $" does not match "ik kan niet meer lopen";
* ``{ME}``: one of the phrases of the macro ``ME``.

Words of a phrase go through the lexicon's ``slang`` like the text does ("wilde" in a phrase
means what "wilde" in a message becomes). The text is matched in up to four forms: as
written, with lemmas, and (when the lexicon has ``separable``) with particle + marker + verb
joined into one word and the marker dropped, and that with lemmas. A word the lexicon does not
know that splits entirely into words it does know ("ikwilgewoondood") is split first. With
``separable``, a clause that ends in a particle whose verb is further back ("ik hang me op")
is also matched with the verb joined to the particle at the end ("ik me ophang").
With ``clitics`` (Arabic "و" and "ف", "and" and "so", written glued to the next word), the
text is also matched with each word of at least four letters that starts with one read
without it. With ``inversion`` (subject pronouns), the text is also matched with every word + subject
pair swapped ("daarom doe ik mezelf pijn" -> "daarom ik doe mezelf pijn", "anders slaat hij
me" -> "anders hij slaat me"): Dutch puts the verb before the subject after a fronted
adverb or clause, and the phrases are written in subject-verb order. A subject after a
conjunction ("als ik", "dat hij") is already in subject-verb order and stays.

All phrases of a category are one regular expression, so matching costs one search per
category and text, whatever the size of the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar, cast

from rapidfuzz import fuzz, process

from bot.privacy.safety.categories import CATEGORIES, CrisisCategory
from bot.privacy.safety.normalize import CLAUSE, normalize

__all__ = ["Lexicon", "LexiconError", "compile_lexicon"]

_GAP_WORDS = 3
_WIDE_GAP_WORDS = 6
_MESSAGE_GAP_WORDS = 20
# A word of the text, never the clause token.
_WORD = r"[^\s|]"
# Glued words ("ikwilgewoondood") are split only when this long, into at most this many words.
_GLUED_MIN_LENGTH = 8
_GLUED_MAX_WORDS = 6
# A misspelt keyword must keep about nine in ten of its letters ("zelfmrd", "verkragt");
# shorter words are too easily another word.
_FUZZY_CUTOFF = 85.0
_FUZZY_MIN_LENGTH = 6
# A glued conjunction is taken off only when this many letters remain ("وين" stays whole).
_CLITIC_MIN_REST = 3


_Tag = TypeVar("_Tag")
# The bounded tables of words: what a word becomes, can match, is a misspelling of.
_MEMO_SIZE = 50_000
_UNKNOWN: Any = object()


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the phrase."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    slang: Mapping[str, str]
    patterns: Mapping[CrisisCategory, re.Pattern[str]]
    exclude: re.Pattern[str] | None
    keywords: Mapping[str, CrisisCategory]
    lemmas: Mapping[str, str]
    vocabulary: frozenset[str] = frozenset()
    separable: re.Pattern[str] | None = None
    marker: str = ""
    particles: frozenset[str] = frozenset()
    # The exclusions with their words as written, for text in another lexicon's slang.
    exclude_unmapped: re.Pattern[str] | None = None
    subjects: frozenset[str] = frozenset()
    conjunctions: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    clitics: tuple[str, ...] = ()
    # The same phrases again, in groups that a text is searched with only when one of its
    # words can take part in a match (see PhraseGroups); None: search the whole expressions.
    groups: PhraseGroups[CrisisCategory] | None = field(default=None, compare=False, repr=False)
    exclude_groups: PhraseGroups[None] | None = field(default=None, compare=False, repr=False)
    exclude_unmapped_groups: PhraseGroups[None] | None = field(
        default=None, compare=False, repr=False
    )
    # Per word of a text: what it becomes and can take part in; per word: its fuzzy keyword.
    _reaches: dict[str, _Reach] = field(default_factory=dict, compare=False, repr=False)
    _fuzzy_word: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Per word: whether it can take part in blanking, in matching (stirs_blank, stirs_match).
    _blank_stirs: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _match_stirs: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    # Per long word: the known words it splits into (_split_glued), or None.
    _segments: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def blank(
        self, normalized: str, slang_applied: bool = False, quiet: Set[str] = frozenset()
    ) -> str:
        """``normalized`` with this language's jokes and topic words blanked out.

        The exclusions written for the text's own form go first: blanking a shorter match of
        the other form first ("learned about consent") would leave the rest of a longer one
        ("... and sending nudes") to fire. ``quiet``: words known to satisfy no anchor of the
        exclusions (the detector's gate), left out of the look-ups.
        """
        order = (
            (self.exclude, self.exclude_groups),
            (self.exclude_unmapped, self.exclude_unmapped_groups),
        )
        # Blanking only takes words away and adds "_", which satisfies no anchor: the words of
        # the text before the first expression do for the second one too.
        words: list[str] | None = None
        for exclude, groups in order if slang_applied else order[::-1]:
            if exclude is None:
                continue
            if groups is not None:
                if words is None:
                    words = [word for word in normalized.split() if word not in quiet]
                if not groups.search(normalized, words):
                    continue  # no match: sub would return the text as it is
            normalized = exclude.sub(" _ ", normalized)
        return normalized

    def match(self, normalized: str, quiet: Set[str] = frozenset()) -> set[CrisisCategory]:
        """The categories whose phrases or keywords occur in ``normalized`` text.

        ``quiet``: words known to satisfy no anchor of the phrases nor of the exclusions and
        to be no misspelt keyword here (the detector's gate): left out of the look-ups, they
        change no group searched and no keyword found.
        """
        texts, surface = self._forms(normalized, quiet)
        found: set[CrisisCategory] = set()
        if self.groups is None:
            for category, pattern in self.patterns.items():
                if any(pattern.search(text) for text in texts):
                    found.add(category)
        else:
            for text in texts:
                words = text.split()
                if quiet:
                    words = [word for word in words if word not in quiet]
                found |= self.groups.matching(text, words, found)
        found.update(self._fuzzy(surface, quiet))
        return found

    def forms(self, normalized: str) -> tuple[str, ...]:
        """The forms of ``normalized`` that :meth:`match` searches (for tests)."""
        return self._forms(normalized)[0]

    def forget_words(self) -> None:
        """Empty the tables of words (for measuring; nothing else needs it)."""
        self._reaches.clear()
        self._fuzzy_word.clear()
        self._blank_stirs.clear()
        self._match_stirs.clear()
        self._segments.clear()
        for groups in (self.groups, self.exclude_groups, self.exclude_unmapped_groups):
            if groups is not None:
                groups.forget_words()

    def may_blank(self, words: Iterable[str]) -> bool:
        """False when :meth:`blank` leaves every text of these words (or of fewer) as it is."""
        if self.exclude is None and self.exclude_unmapped is None:
            return False
        return any(
            groups is None or groups.candidates(words)
            for groups in (self.exclude_groups, self.exclude_unmapped_groups)
        )

    def may_match(self, words: Iterable[str]) -> bool:
        """False when :meth:`match` finds nothing in any text made of these words (or of fewer),
        blanked with any exclusions ("_" counts among the words)."""
        if self.groups is None:
            return True
        met: set[int] = set()
        for word in words:
            reach = self._reach(word)
            if reach.fuzzy or reach.joins:
                return True
            met |= reach.requirements
        return bool(self.groups.groups_for(met))

    def stirs_blank(self, words: Iterable[str]) -> bool:
        """False when no word of ``words`` can make :meth:`may_blank` true, which needs a word
        that meets a requirement that is the rarest of an exclusion group's phrase (unless a
        group is searched whole or needs nothing). Remembered per word (bounded)."""
        if self.exclude is None and self.exclude_unmapped is None:
            return False
        first, second = self.exclude_groups, self.exclude_unmapped_groups
        if first is None or second is None:
            return True
        return _any_remembered(
            self._blank_stirs, words, lambda word: first.stirred_by(word) or second.stirred_by(word)
        )

    def stirs_match(self, words: Iterable[str]) -> bool:
        """False when no word of ``words`` can make :meth:`may_match` true, which needs a word
        that is or holds a misspelt keyword or a joining particle, or whose forms (``_reach``)
        meet a requirement that is the rarest of a phrase (unless a group needs nothing).
        Remembered per word (bounded)."""
        groups = self.groups
        if groups is None:
            return True

        def stirs(word: str) -> bool:
            reach = self._reach(word)
            return reach.fuzzy or reach.joins or groups.stirred_by_met(reach.requirements)

        return _any_remembered(self._match_stirs, words, stirs)

    def _reach(self, word: str) -> _Reach:
        """What a word of the text becomes in :meth:`_forms` and what that can take part in;
        remembered per word (a bounded table of words, never of texts)."""
        reach = self._reaches.get(word)
        if reach is not None:
            return reach
        groups = self.groups
        if self.plain(word):  # most words: the forms hold it as it is, and only it
            spelled, tokens = word, [word]
            requirements = groups.satisfied(word) if groups is not None else frozenset()
        else:
            spelled = self.slang.get(word, word)
            if self.vocabulary:  # as _forms spells it
                pieces = self._split_glued(spelled).split()
                spelled = " ".join(self.slang.get(p, p) for p in pieces)
            tokens = spelled.split()
            # Every word the forms can hold for it: as spelled, without a clitic, and their
            # lemmas (inversion only reorders; joined separable verbs count as "joins").
            variants = set(tokens)
            if self.clitics:
                variants.update(self._unglue(token) for token in tokens)
            variants.update([self.lemmas.get(token, token) for token in variants])
            requirements = groups.met(variants) if groups is not None else frozenset()
        reach = _Reach(
            requirements=requirements,
            fuzzy=bool(self._fuzzy(spelled)),
            joins=(self.separable is not None and self.marker in tokens)
            or not self.particles.isdisjoint(tokens),
        )
        if len(self._reaches) >= _MEMO_SIZE:
            self._reaches.clear()
        self._reaches[word] = reach
        return reach

    def _forms(self, normalized: str, quiet: Set[str] = frozenset()) -> tuple[tuple[str, ...], str]:
        words = [self.slang.get(word, word) for word in normalized.split()]
        if self.vocabulary:
            # The pieces of a glued word get the slang too ("ikwilgwndood" -> "gwn" -> "gewoon").
            words = [
                " ".join(self.slang.get(piece, piece) for piece in self._split_glued(word).split())
                for word in words
            ]
        # A quiet word is plain: slang and splitting leave it as it is.
        surface = self.blank(" ".join(words), slang_applied=True, quiet=quiet)
        forms = [surface]
        if self.separable is not None and f" {self.marker} " in f" {surface} ":
            joined = self.separable.sub(r"\1\2", surface)
            forms.append(re.sub(rf"(?<!\S){re.escape(self.marker)} (?=[^\s|])", "", joined))
        if self.particles:
            moved = self._join_split_verbs(surface)
            if moved != surface:
                forms.append(moved)
        if self.clitics:
            unglued = " ".join(self._unglue(word) for word in surface.split())
            if unglued != surface:
                forms.append(unglued)
        if self.subjects:
            for form in list(forms):
                inverted = self._invert(form)
                if inverted != form:
                    forms.append(inverted)
        for form in list(forms):
            forms.append(" ".join(self.lemmas.get(word, word) for word in form.split()))
        return tuple(dict.fromkeys(forms)), surface

    def _unglue(self, word: str) -> str:
        for clitic in self.clitics:
            if word.startswith(clitic) and len(word) - len(clitic) >= _CLITIC_MIN_REST:
                return word[len(clitic) :]
        return word

    def _invert(self, text: str) -> str:
        """Verb-subject order after a fronted word or clause turned into subject-verb; a
        subject is a pronoun ("ik") or a determiner and a person ("mijn vader")."""
        words = text.split()
        index = 1
        while index < len(words):
            previous = words[index - 1]
            if previous == CLAUSE or previous in self.conjunctions or previous in self.subjects:
                index += 1
                continue
            if words[index] in self.subjects:
                size = 1
            elif (
                words[index] in self.determiners
                and index + 1 < len(words)
                and words[index + 1] in self.nouns
            ):
                size = 2
            else:
                index += 1
                continue
            words[index - 1 : index + size] = [*words[index : index + size], previous]
            index += size + 1
        return " ".join(words)

    def _join_split_verbs(self, text: str) -> str:
        """A separable verb split in a main clause ("ik hang me op") in the order of a
        subordinate one ("ik me ophang"), when particle + verb is a word the lexicon knows."""
        words = text.split()
        for end, particle in enumerate(words):
            if particle not in self.particles or end + 1 >= len(words) or words[end + 1] != CLAUSE:
                continue
            for start in range(end - 1, max(-1, end - 6), -1):
                if words[start] == CLAUSE:
                    break
                joined = particle + words[start]
                if joined in self.vocabulary or joined in self.lemmas:
                    words[start : end + 1] = [*words[start + 1 : end], joined]
                    break
        return " ".join(words)

    def plain(self, word: str) -> bool:
        """Whether the forms (:meth:`_forms`, ``_reach``) hold ``word`` only as itself: no
        slang, lemma, split into known words nor glued clitic makes it another word. What a
        plain word can take part in is then what it satisfies itself."""
        if word in self.slang or self.lemmas.get(word, word) != word:
            return False
        if self.clitics and self._unglue(word) != word:
            return False
        return not self.vocabulary or self._split_glued(word) == word

    def _split_glued(self, word: str) -> str:
        if len(word) < _GLUED_MIN_LENGTH or word in self.vocabulary or word in self.lemmas:
            return word
        segments = self._segments
        found = segments.get(word, _UNKNOWN)
        if found is _UNKNOWN:
            found = _segment(word, self.vocabulary)
            if len(segments) >= _MEMO_SIZE:
                segments.clear()
            segments[word] = found
        return found or word

    def _fuzzy(self, text: str, quiet: Set[str] = frozenset()) -> set[CrisisCategory]:
        found: set[CrisisCategory] = set()
        if not self.keywords:
            return found
        for word in set(text.split()):
            if len(word) < _FUZZY_MIN_LENGTH or word == CLAUSE or word in quiet:
                continue
            category = self._fuzzy_word.get(word, _UNKNOWN)
            if category is _UNKNOWN:
                best = process.extractOne(
                    word, self.keywords.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                )
                category = self.keywords[best[0]] if best is not None else None
                if len(self._fuzzy_word) >= _MEMO_SIZE:
                    self._fuzzy_word.clear()
                self._fuzzy_word[word] = category
            if category is not None:
                found.add(category)
        return found


@dataclass(frozen=True, slots=True)
class _Reach:
    requirements: frozenset[int]  # the requirements of the lexicon's groups its variants meet
    fuzzy: bool  # one of its pieces is a misspelt keyword
    joins: bool  # a separable particle or marker: the forms may join it to another word


def compile_lexicon(
    data: Any,
    lemmas: Mapping[str, str] | None = None,
    compile_pattern: Callable[[str], re.Pattern[str]] = re.compile,
) -> Lexicon:
    """Compile one language's lexicon data (the parsed YAML); ``compile_pattern`` compiles
    the phrase expressions (the detector's keeps them between starts, see ``patterns``)."""
    if not isinstance(data, dict) or not isinstance(data.get("language"), str):
        raise LexiconError("a crisis lexicon must be a mapping with a 'language'")
    language = data["language"]
    macros = {
        name: _as_phrases(phrases, f"{language}: macro {name}")
        for name, phrases in (data.get("macros") or {}).items()
    }
    categories = data.get("categories") or {}
    keywords = data.get("keywords") or {}
    unknown = sorted((set(categories) | set(keywords)) - set(CATEGORIES))
    if unknown:
        raise LexiconError(f"{language}: unknown crisis categories: {', '.join(unknown)}")
    slang = {}
    for key, value in (data.get("slang") or {}).items():
        if not isinstance(value, str) or not normalize(str(key)) or not normalize(value):
            raise LexiconError(f"{language}: slang {key!r} needs a replacement text")
        slang[normalize(str(key))] = normalize(value)
    # A macro is written out once per lexicon, not at every use (hundreds of phrases use {ME}).
    expanded: dict[str, str] = {}
    patterns = {}
    # The same phrases again in smaller expressions, grouped by their anchors: a text is
    # searched only with the groups one of its words can take part in a match of.
    tagged: list[tuple[CrisisCategory, str, str]] = []
    for category, phrases in categories.items():
        bodies = [
            _phrase(p, macros, slang, expanded=expanded)
            for p in _as_phrases(phrases, f"{language}: {category}")
        ]
        patterns[cast(CrisisCategory, category)] = _union(bodies, compile_pattern)
        tagged.extend(
            (cast(CrisisCategory, category), p, b) for p, b in zip(phrases, bodies, strict=True)
        )
    excludes = _as_phrases(data.get("exclude") or [], f"{language}: exclude", allow_empty=True)
    separable, marker, particles = _separable(data.get("separable"), language)
    subjects, conjunctions, determiners, nouns = _inversion(data.get("inversion"), language, slang)
    fuzzy: dict[str, CrisisCategory] = {}
    for category, words in keywords.items():
        for word in _as_phrases(words, f"{language}: keywords {category}"):
            fuzzy[normalize(word)] = cast(CrisisCategory, category)
    exclude = exclude_unmapped = exclude_groups = exclude_unmapped_groups = None
    if excludes:
        bodies = [_phrase(p, macros, slang, expanded=expanded) for p in excludes]
        exclude = _union(bodies, compile_pattern)
        exclude_groups = _phrase_groups(
            [(None, p, b) for p, b in zip(excludes, bodies, strict=True)],
            macros,
            slang,
            compile_pattern,
        )
        bodies = [_phrase(p, macros, {}, expanded={}) for p in excludes]
        exclude_unmapped = _union(bodies, compile_pattern)
        exclude_unmapped_groups = _phrase_groups(
            [(None, p, b) for p, b in zip(excludes, bodies, strict=True)],
            macros,
            {},
            compile_pattern,
        )
    return Lexicon(
        language=language,
        slang=slang,
        patterns=patterns,
        exclude=exclude,
        exclude_unmapped=exclude_unmapped,
        keywords=fuzzy,
        lemmas=dict(lemmas or {}),
        vocabulary=frozenset(
            word
            for word in literal_words(data) | set(slang) | set(slang.values())
            # One letter is a word of its own only as chat spelling ("k" for "ik"), else a
            # glued word would split at every "s" ("afscheidsbrief").
            if " " not in word and (len(word) > 1 or word in slang)
        )
        if data.get("split_glued")
        else frozenset(),
        separable=separable,
        marker=marker,
        particles=frozenset(particles),
        subjects=subjects,
        conjunctions=conjunctions,
        determiners=determiners,
        nouns=nouns,
        clitics=tuple(
            normalize(c) for c in _as_phrases(data.get("clitics") or [], "clitics", True)
        ),
        groups=_phrase_groups(tagged, macros, slang, compile_pattern),
        exclude_groups=exclude_groups,
        exclude_unmapped_groups=exclude_unmapped_groups,
    )


def _separable(value: Any, language: str) -> tuple[re.Pattern[str] | None, str, list[str]]:
    if value is None:
        return None, "", []
    if not isinstance(value, dict) or not isinstance(value.get("marker"), str):
        raise LexiconError(f"{language}: separable needs 'particles' and a 'marker'")
    particles = [normalize(p) for p in _as_phrases(value.get("particles"), f"{language}: sep")]
    marker = normalize(value["marker"])
    if not marker or " " in marker:
        raise LexiconError(f"{language}: separable marker must be one word")
    alternatives = "|".join(re.escape(p) for p in particles)
    pattern = re.compile(rf"(?<!\S)({alternatives}) {re.escape(marker)} ([^\s|]+)")
    return pattern, marker, particles


def _inversion(
    value: Any, language: str, slang: Mapping[str, str]
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    if value is None:
        return frozenset(), frozenset(), frozenset(), frozenset()
    if not isinstance(value, dict):
        raise LexiconError(f"{language}: inversion needs 'subjects' and 'conjunctions'")

    def words(key: str, optional: bool = False) -> frozenset[str]:
        found = set()
        listed = value.get(key, [] if optional else None)
        for word in _as_phrases(listed, f"{language}: inversion {key}", allow_empty=optional):
            text = normalize(word)
            if " " in text:
                raise LexiconError(f"{language}: inversion {key}: {word!r} is not one word")
            found.add(slang.get(text, text))
        return frozenset(found)

    determiners, nouns = words("determiners", True), words("nouns", True)
    if bool(determiners) != bool(nouns):
        raise LexiconError(f"{language}: inversion needs both 'determiners' and 'nouns' or neither")
    return words("subjects"), words("conjunctions"), determiners, nouns


def _segment(word: str, vocabulary: frozenset[str]) -> str | None:
    """``word`` as known words separated by spaces, or None if it does not split entirely."""
    # best[i]: the fewest known words that make up word[:i], as a list (None: impossible).
    # Filled forwards from each start that known words reach (most words: only the first),
    # in the order of starts, so that of equally few pieces the first start wins as before.
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for start in range(len(word)):
        head = best[start]
        if head is None or len(head) >= _GLUED_MAX_WORDS:
            continue
        # A piece may be one letter only when the lexicon knows it (chat "k" for "ik").
        for end in range(start + 1, min(len(word), start + 20) + 1):
            piece = word[start:end]
            if piece not in vocabulary and start > 0:
                # Squeezing may have eaten the first letter ("ik" + "kras" -> "ikras").
                piece = word[start - 1] + piece
            if piece not in vocabulary:
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, piece]
    found = best[-1]
    return " ".join(found) if found is not None and len(found) > 1 else None


GAPS = frozenset({"...", "~", "~~", "$"})

# Macros repeat the same words in hundreds of phrases; normalise each word once.
_normalize_word = cache(normalize)


def _union(
    bodies: Sequence[str], compile_pattern: Callable[[str], re.Pattern[str]] = re.compile
) -> re.Pattern[str]:
    return compile_pattern(r"(?<!\S)(?:" + "|".join(bodies) + r")(?!\S)")


def _as_phrases(value: Any, where: str, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty phrases")
    if not value and not allow_empty:
        raise LexiconError(f"{where}: expected at least one phrase")
    return value


def _phrase(
    phrase: str,
    macros: Mapping[str, Sequence[str]],
    slang: Mapping[str, str],
    depth: int = 0,
    expanded: dict[str, str] | None = None,
) -> str:
    tokens = phrase.split()
    if not tokens or tokens[0] in GAPS or tokens[-1] in GAPS - {"$"}:
        raise LexiconError(
            f"{phrase!r}: a phrase cannot start or end with a gap ('...', '~', '~~') nor start "
            "with '$'"
        )
    if tokens[0].endswith("?") or tokens[-1].endswith("?"):
        raise LexiconError(f"{phrase!r}: the first and last word cannot be optional")
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if token in GAPS - {"$"}:
            if token == "...":
                parts.append(rf"(?: \S+){{0,{_GAP_WORDS}}}")
            elif token == "~~":
                parts.append(rf"(?: \S+){{0,{_MESSAGE_GAP_WORDS}}}")
            else:
                parts.append(rf"(?: {_WORD}+){{0,{_WIDE_GAP_WORDS}}}")
            continue
        if token == "$":
            parts.append(" " + re.escape(CLAUSE))
            continue
        optional = token.endswith("?")
        word = _token(token.removesuffix("?"), phrase, macros, slang, depth, expanded)
        if index == 0:
            parts.append(word)
        elif optional:
            parts.append(f"(?: {word})?")
        else:
            parts.append(f" {word}")
    return "".join(parts)


def _token(
    token: str,
    phrase: str,
    macros: Mapping[str, Sequence[str]],
    slang: Mapping[str, str],
    depth: int,
    expanded: dict[str, str] | None = None,
) -> str:
    alternatives = []
    for alternative in token.split("|"):
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in macros or depth > 0:
                raise LexiconError(f"{phrase!r}: unknown or nested macro {alternative}")
            if expanded is None or name not in expanded:
                bodies = [_phrase(p, macros, slang, depth + 1) for p in macros[name]]
                body = "(?:" + "|".join(bodies) + ")"
                if expanded is None:
                    alternatives.append(body)
                    continue
                expanded[name] = body
            alternatives.append(expanded[name])
            continue
        if set(alternative) & set('"{}'):
            raise LexiconError(f"{phrase!r}: {alternative!r} has a stray quote or brace")
        prefix = alternative.startswith("*")
        suffix = alternative.endswith("*")
        literal = _normalize_word(alternative.strip("*"))
        if "_" in alternative and not prefix and not suffix and literal:
            alternatives.append(" ".join(re.escape(slang.get(w, w)) for w in literal.split()))
            continue
        if not literal or " " in literal:
            raise LexiconError(f"{phrase!r}: {alternative!r} is not a single word")
        if not prefix and not suffix:
            literal = slang.get(literal, literal)
        alternatives.append(
            (_WORD + "*" if prefix else "") + re.escape(literal) + (_WORD + "*" if suffix else "")
        )
    return "(?:" + "|".join(alternatives) + ")"


def phrase_requirements(
    phrase: str,
    macros: Mapping[str, Sequence[str]],
    slang: Mapping[str, str],
    expanded: dict[str, frozenset[str] | None] | None = None,
) -> list[frozenset[str]]:
    r"""What every match of ``phrase`` (as :func:`_phrase` writes it with ``macros`` and
    ``slang``) holds: for each of its required tokens a set of anchors, one of which a whole
    word of the text satisfies. Empty when the phrase has no required token.

    An anchor is ``=word`` (the word itself), ``^start`` (a word starting with it, written
    ``start*``), ``$end`` (``*end``) or ``~part`` (``*part*``). Why it holds: a required token
    (not optional, not a gap or ``$``) is preceded in the expression by a space or
    ``(?<!\S)`` and followed by a space, or by what may be empty and then ``(?!\S)``; a
    wildcard is ``[^\s|]*``, which crosses neither a space nor the clause mark: the token
    matches one whole whitespace-separated word of the text. Of a token's alternatives
    (``a|b``, a macro's phrases) one matches, so its anchors are their union.

    ``expanded`` keeps each macro's anchors between calls with the same macros and slang.
    """
    found = []
    for token in phrase.split():
        if token in GAPS or token.endswith("?"):
            continue
        anchors = _token_anchors(token, macros, slang, {} if expanded is None else expanded)
        if anchors is not None:
            found.append(anchors)
    return found


def _primary(requirements: Sequence[frozenset[str]]) -> frozenset[str] | None:
    """Of a phrase's requirements the one likely rarest in text (long words and parts are
    rarer than short ones), or None if there is none."""
    if not requirements:
        return None
    return min(requirements, key=_rarity)


@cache
def _rarity(anchors: frozenset[str]) -> float:
    return sum(1 / (len(anchor) - 1) ** 2 for anchor in anchors)


def _token_anchors(
    token: str,
    macros: Mapping[str, Sequence[str]],
    slang: Mapping[str, str],
    expanded: dict[str, frozenset[str] | None],
) -> frozenset[str] | None:
    """Mirrors :func:`_token` (which has already checked the token); None: no anchors."""
    found: set[str] = set()
    for alternative in token.split("|"):
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in expanded:
                union: set[str] | None = set()
                for phrase in macros[name]:  # macros do not nest
                    primary = _primary(phrase_requirements(phrase, {}, slang))
                    if primary is None or union is None:
                        union = None
                    else:
                        union |= primary
                expanded[name] = frozenset(union) if union is not None else None
            anchors = expanded[name]
            if anchors is None:
                return None
            found |= anchors
            continue
        prefix = alternative.startswith("*")
        suffix = alternative.endswith("*")
        literal = _normalize_word(alternative.strip("*"))
        if prefix and suffix:
            found.add("~" + literal)
        elif prefix:
            found.add("$" + literal)
        elif suffix:
            found.add("^" + literal)
        else:
            # "pijn_doe" is the words "pijn doe"; slang applies per word and may give several
            # ("kms" -> "kill myself"): the first word of what the expression spells out.
            first = literal.split()[0]
            found.add("=" + slang.get(first, first).split()[0])
    return frozenset(found)


class PhraseGroups(Generic[_Tag]):
    """An expression's phrases in groups (by their rarest requirement), each group compiled
    on its own, and which groups a text can match at all.

    Searching a text only with the groups it can match gives the same answer as searching it
    with the whole expression (the same phrases, with the same lookarounds): an alternation
    matches exactly where one of its alternatives does, and a phrase cannot match a text
    unless, for each of its requirements (:func:`phrase_requirements`), a word of the text
    satisfies one of the anchors. What a word satisfies is remembered (a bounded table of
    words, never of texts).
    """

    def __init__(
        self,
        groups: Sequence[tuple[_Tag, re.Pattern[str]]],
        phrases: Sequence[tuple[int, Sequence[frozenset[str]]]],
    ) -> None:
        """``groups``: tag and expression; ``phrases``: group number and requirements."""
        self.tags = tuple(tag for tag, _ in groups)
        self.patterns = tuple(pattern for _, pattern in groups)
        # Kept as given, so the compiled lexicon can be written out and read back (compiled.py).
        self.phrases = tuple((number, tuple(requirements)) for number, requirements in phrases)
        phrases = self.phrases
        requirement_ids: dict[frozenset[str], int] = {}
        always: set[int] = set()
        # Per requirement, the phrases it is the rarest requirement of: (all requirements, group).
        self._by_primary: dict[int, list[tuple[frozenset[int], int]]] = {}
        for number, requirements in phrases:
            primary = _primary(requirements)
            if primary is None:
                always.add(number)
                continue
            ids = frozenset(
                requirement_ids.setdefault(r, len(requirement_ids)) for r in requirements
            )
            self._by_primary.setdefault(requirement_ids[primary], []).append((ids, number))
        self._always = frozenset(always)
        self._primaries = frozenset(self._by_primary)
        # The anchors of those rarest requirements: a word stirs these groups (stirred_by) when
        # it satisfies one of them, or always when a group needs nothing.
        self.primary_anchors = frozenset(
            anchor
            for requirement, number in requirement_ids.items()
            if number in self._primaries
            for anchor in requirement
        )
        self.needs_nothing = bool(always)
        # Every anchor: a word that satisfies none of them meets no requirement (satisfied).
        self.anchors = frozenset(
            anchor for requirement in requirement_ids for anchor in requirement
        )
        self._exact: dict[str, set[int]] = {}
        self._starts: dict[str, set[int]] = {}
        self._ends: dict[str, set[int]] = {}
        self._parts: dict[str, set[int]] = {}
        tables = {"=": self._exact, "^": self._starts, "$": self._ends, "~": self._parts}
        for requirement, number in requirement_ids.items():
            for anchor in requirement:
                tables[anchor[0]].setdefault(anchor[1:], set()).add(number)
        # The starts by their first two letters (one-letter starts apart), the ends by their
        # last two: a word looks up only those that begin or end as it does.
        self._starts_by_head: dict[str, list[tuple[str, set[int]]]] = {}
        for start, found in self._starts.items():
            self._starts_by_head.setdefault(start[:2], []).append((start, found))
        self._ends_by_tail: dict[str, list[tuple[str, set[int]]]] = {}
        for end, found in self._ends.items():
            self._ends_by_tail.setdefault(end[-2:], []).append((end, found))
        self._any_part = (
            re.compile("|".join(map(re.escape, sorted(self._parts)))) if self._parts else None
        )
        self._memo: dict[str, frozenset[int]] = {}

    def forget_words(self) -> None:
        self._memo.clear()

    def satisfied(self, word: str) -> frozenset[int]:
        """The requirements (by number) one of whose anchors ``word`` satisfies."""
        known = self._memo.get(word)
        if known is not None:
            return known
        numbers: set[int] = set(self._exact.get(word, ()))
        if self._starts:
            for head in (word[:1], word[:2]) if len(word) > 1 else (word,):
                for start, found in self._starts_by_head.get(head, ()):
                    if word.startswith(start):
                        numbers |= found
        if self._ends:
            for tail in (word[-1:], word[-2:]) if len(word) > 1 else (word,):
                for end, found in self._ends_by_tail.get(tail, ()):
                    if word.endswith(end):
                        numbers |= found
        if self._any_part is not None and self._any_part.search(word):
            for part, found in self._parts.items():
                if part in word:
                    numbers |= found
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        known = self._memo[word] = frozenset(numbers)
        return known

    def stirred_by(self, word: str) -> bool:
        """False when ``word`` meets no requirement that is the rarest of a phrase, and every
        group needs some requirement: then no text of such words has a :meth:`candidates`."""
        return self.stirred_by_met(self.satisfied(word))

    def stirred_by_met(self, met: frozenset[int]) -> bool:
        return bool(self._always) or not self._primaries.isdisjoint(met)

    def met(self, words: Iterable[str]) -> frozenset[int]:
        """The requirements a text of these words meets."""
        unique = set(words)
        known = list(map(self._memo.get, unique))
        if None in known:
            satisfied = self.satisfied
            known = [satisfied(w) if f is None else f for f, w in zip(known, unique, strict=True)]
        # Most words meet nothing: only the others are joined.
        meeting = [found for found in cast(list[frozenset[int]], known) if found]
        if len(meeting) == 1:
            return meeting[0]
        return frozenset().union(*meeting)

    def groups_for(self, met: Set[int]) -> list[int]:
        """The groups (by number, in order) a text that meets ``met`` can match."""
        found = set(self._always)
        by_primary = self._by_primary
        for requirement in met & self._primaries:
            for ids, number in by_primary[requirement]:
                if number not in found and ids <= met:
                    found.add(number)
        return sorted(found)

    def candidates(self, words: Iterable[str]) -> list[int]:
        """The groups (by number, in order) that can match a text of these words."""
        return self.groups_for(self.met(words))

    def search(self, text: str, words: Iterable[str]) -> bool:
        """Whether the whole expression matches ``text``, whose words are among ``words``."""
        patterns = self.patterns
        return any(patterns[number].search(text) for number in self.candidates(words))

    def matching(self, text: str, words: Iterable[str], known: Iterable[_Tag] = ()) -> set[_Tag]:
        """The tags of the groups that match ``text`` (not searched: those of ``known``)."""
        found = set(known)
        tags, patterns = self.tags, self.patterns
        for number in self.candidates(words):
            if tags[number] not in found and patterns[number].search(text):
                found.add(tags[number])
        return found


def _phrase_groups(
    tagged: Sequence[tuple[_Tag, str, str]],
    macros: Mapping[str, Sequence[str]],
    slang: Mapping[str, str],
    compile_pattern: Callable[[str], re.Pattern[str]],
) -> PhraseGroups[_Tag]:
    """``tagged``: (tag, phrase, its expression body) for each phrase."""
    grouped: dict[tuple[_Tag, frozenset[str] | None], list[tuple[str, list[frozenset[str]]]]]
    grouped = {}
    expanded: dict[str, frozenset[str] | None] = {}
    for tag, phrase, body in tagged:
        requirements = phrase_requirements(phrase, macros, slang, expanded)
        grouped.setdefault((tag, _primary(requirements)), []).append((body, requirements))
    groups = []
    phrases: list[tuple[int, Sequence[frozenset[str]]]] = []
    for number, ((tag, _), members) in enumerate(grouped.items()):
        groups.append((tag, _union([body for body, _ in members], compile_pattern)))
        phrases.extend((number, requirements) for _, requirements in members)
    return PhraseGroups(groups, phrases)


def literal_words(data: Any) -> set[str]:
    """Every whole word (no ``*``) the lexicon's phrases and macros use, normalised."""
    phrases: list[str] = []
    for group in ("macros", "categories"):
        for value in (data.get(group) or {}).values():
            phrases.extend(v for v in value if isinstance(v, str))
    found = set()
    for phrase in phrases:
        for token in phrase.split():
            for alternative in token.removesuffix("?").split("|"):
                if "*" in alternative or alternative.startswith("{") or alternative in GAPS:
                    continue
                found.update(_normalize_word(alternative).split())  # the same, cached
    return found


def _any_remembered(
    memo: dict[str, bool], words: Iterable[str], compute: Callable[[str], bool]
) -> bool:
    """Whether ``compute`` is true for a word of ``words``, each word's answer remembered in
    ``memo`` (emptied when it reaches _MEMO_SIZE, so it stays bounded)."""
    for word in words:
        known = memo.get(word)
        if known is None:
            known = compute(word)
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[word] = known
        if known:
            return True
    return False
