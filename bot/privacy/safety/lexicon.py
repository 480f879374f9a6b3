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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

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

    def blank(self, normalized: str, slang_applied: bool = False) -> str:
        """``normalized`` with this language's jokes and topic words blanked out.

        The exclusions written for the text's own form go first: blanking a shorter match of
        the other form first ("learned about consent") would leave the rest of a longer one
        ("... and sending nudes") to fire.
        """
        order = (self.exclude, self.exclude_unmapped)
        for exclude in order if slang_applied else order[::-1]:
            if exclude is not None:
                normalized = exclude.sub(" _ ", normalized)
        return normalized

    def match(self, normalized: str) -> set[CrisisCategory]:
        """The categories whose phrases or keywords occur in ``normalized`` text."""
        words = [self.slang.get(word, word) for word in normalized.split()]
        if self.vocabulary:
            # The pieces of a glued word get the slang too ("ikwilgwndood" -> "gwn" -> "gewoon").
            words = [
                " ".join(self.slang.get(piece, piece) for piece in self._split_glued(word).split())
                for word in words
            ]
        surface = self.blank(" ".join(words), slang_applied=True)
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
        texts = tuple(dict.fromkeys(forms))
        found = {
            category
            for category, pattern in self.patterns.items()
            if any(pattern.search(text) for text in texts)
        }
        found.update(self._fuzzy(surface))
        return found

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

    def _split_glued(self, word: str) -> str:
        if len(word) < _GLUED_MIN_LENGTH or word in self.vocabulary or word in self.lemmas:
            return word
        return _segment(word, self.vocabulary) or word

    def _fuzzy(self, text: str) -> set[CrisisCategory]:
        found: set[CrisisCategory] = set()
        if not self.keywords:
            return found
        for word in set(text.split()):
            if len(word) < _FUZZY_MIN_LENGTH or word == CLAUSE:
                continue
            best = process.extractOne(
                word, self.keywords.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            if best is not None:
                found.add(self.keywords[best[0]])
        return found


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
    patterns = {
        cast(CrisisCategory, category): _union(
            [
                _phrase(p, macros, slang, expanded=expanded)
                for p in _as_phrases(phrases, f"{language}: {category}")
            ],
            compile_pattern,
        )
        for category, phrases in categories.items()
    }
    excludes = _as_phrases(data.get("exclude") or [], f"{language}: exclude", allow_empty=True)
    separable, marker, particles = _separable(data.get("separable"), language)
    subjects, conjunctions, determiners, nouns = _inversion(data.get("inversion"), language, slang)
    fuzzy: dict[str, CrisisCategory] = {}
    for category, words in keywords.items():
        for word in _as_phrases(words, f"{language}: keywords {category}"):
            fuzzy[normalize(word)] = cast(CrisisCategory, category)
    return Lexicon(
        language=language,
        slang=slang,
        patterns=patterns,
        exclude=(
            _union(
                [_phrase(p, macros, slang, expanded=expanded) for p in excludes], compile_pattern
            )
            if excludes
            else None
        ),
        exclude_unmapped=(
            _union([_phrase(p, macros, {}, expanded={}) for p in excludes], compile_pattern)
            if excludes
            else None
        ),
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


@cache
def _segment_cached(word: str, vocabulary: frozenset[str]) -> str | None:
    # best[i]: the fewest known words that make up word[:i], as a list (None: impossible).
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        # A piece may be one letter only when the lexicon knows it (chat "k" for "ik").
        for start in range(max(0, end - 20), end):
            head = best[start]
            piece = word[start:end]
            if head is None or len(head) >= _GLUED_MAX_WORDS:
                continue
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


def _segment(word: str, vocabulary: frozenset[str]) -> str | None:
    """``word`` as known words separated by spaces, or None if it does not split entirely."""
    return _segment_cached(word, vocabulary)


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
                found.update(normalize(alternative).split())
    return found
