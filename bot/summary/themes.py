"""Tag free-text answers with the themes of a taxonomy (``flows/_themes/*.yaml``).

A Dutch taxonomy word matches its inflected forms (lemma and stem: "schuld" finds "schulden",
"schamen" finds "ik schaam me"), the head or first part of a compound ("toeslag" finds
"huurtoeslag", "kosten" finds "schoolkosten"), a separable verb split over the sentence
("rondkomen" finds "ik kom niet rond") and, for words of six letters or more, a small
misspelling ("wachtlijts"). A phrase of several words matches those words next to each other.
``school*`` matches every word starting with "school", ``*school`` every word ending with it.
Words in other languages (``words_by_language``) match as written, with ``*`` for inflections.
A word written ``~moeder`` is *weak*: it tags the answer but weighs half when the main theme is
chosen (family words are the subject of answers about anything). A short compound head ("baan"
in "skatebaan", "club" in "sportclub") also weighs half: after a modifier of its own it is
often another thing (a track, not a job). A word written ``@school`` is a *setting*: where
something happens weighs fully but gives way in a tie to what happens there ("op school vapen
ze" is gezondheid). A prefix word (``toets*``) is also a compound head ("wiskundetoets").
A word written ``-geen mening`` is a *blocker*: a non-answer whose words match no theme.

Guard: a Dutch function word ("dat", "als", "maar") only matches a taxonomy word that is
literally that word, never through a stem, lemma, compound or misspelling ("date" stems to
"dat"). An answer that matches nothing is tagged :data:`OVERIG`.

A shipped taxonomy also has a learned model (:mod:`bot.summary.theme_model`): it settles which
of several matched themes is the main one and reads answers no word matches (see
:meth:`ThemeMatcher.ranked`). The words stay what a gemeente edits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.schema import Taxonomy
from bot.summary.lemmas import (
    PARTICLES,
    arabic_variants,
    fold,
    is_known,
    lemma,
    split_compound,
    stem,
    tokens,
)
from bot.summary.theme_model import ThemeModel, load_model

__all__ = [
    "HEDGES",
    "LEARNED",
    "OVERIG",
    "ThemeMatcher",
    "content_words",
    "keywords_by_theme",
    "stop_words",
    "tokens",
    "top_unmatched_words",
]

OVERIG = "overig"
"""The theme of an answer that matches no theme of the taxonomy."""

LEARNED = True
"""Whether a matcher uses its taxonomy's learned model by default (``learned=`` overrides)."""

# Misspellings are tried only on longer words: short words are one letter apart from too many.
_FUZZY_MIN = 6
# How far a separable verb's particle may stand from the verb ("ik kom al maanden niet rond").
_SEPARABLE_WINDOW = 6
# A compound head or modifier must be this long to count: "les" in "ongeluksles" would not.
_COMPOUND_MIN = 4
_MIN_STEM = 4
# A compound head this short is often a different thing after its modifier ("skatebaan").
_SHORT_HEAD = 4
_WEAK = 0.5
# Contrast words: what follows is the point ("...maar er is geen geld").
_CONTRAST = frozenset({"maar", "toch", "but", "yet", "ama", "fakat", "ale", "lecz", "لكن", "بس"})
_AFTER_CONTRAST = 1.5
# A frame theme's words (schaamte, wachtlijsten, ...: ``frame: true``) weigh this much more:
# an answer about shame or waiting also names what it is ashamed of or waiting for.
_FRAME = 1.5
# A phrase is one thing said in several words ("food bank", "geen geld"): its first word counts
# fully, each further word half, so an English phrase for a Dutch compound does not count double.
_PHRASE_REST = 0.5
_CLAUSE = re.compile(r"[.,;:!?()\n]+")


# Round 9: words that say when, how sure or how much, but not about what. An answer no taxonomy
# word matches is left to the model only when it has at least ``min_words`` words that are
# neither Dutch stop words nor these ("misschien later", "maybe later", "belki sonra", "może
# później", "ربما بعدين" are non-answers, whatever the model makes of "later"). Folded.
HEDGES = frozenset(
    {
        "misschien", "later", "straks", "ooit", "soms", "eigenlijk", "wellicht", "hoor",
        "maybe", "perhaps", "sometimes", "really", "idk", "dunno", "probably",
        "belki", "sonra", "bazen", "galiba", "herhalde", "sanirim",
        "moze", "pozniej", "czasem", "chyba", "raczej", "kiedys",
        "ربما", "يمكن", "بعدين", "لاحقا", "ممكن", "بلكي",
    }
)  # fmt: skip


def content_words(text: str) -> int:
    """How many words of ``text`` could say what it is about: two letters or more, no Dutch
    stop word and no hedge (:data:`HEDGES`)."""
    skip = stop_words()
    return sum(
        1 for word in tokens(text) if len(word) >= 2 and word not in skip and word not in HEDGES
    )


@cache
def stop_words() -> frozenset[str]:
    """The Dutch stop words in ``data/stopwords-nl.txt`` (folded)."""
    text = resources.files("bot.summary").joinpath("data/stopwords-nl.txt").read_text("utf-8")
    return frozenset(
        fold(line.strip()) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@dataclass(frozen=True)
class _Part:
    """One word of a keyword: a set of forms, or a prefix (``x*``) or suffix (``*x``)."""

    forms: frozenset[str] = frozenset()
    prefix: str = ""
    suffix: str = ""
    # Dutch forms are compared with a text word's lemma and stem too; other languages' words
    # only with the word as written (a Dutch stem of "helpen" is not the English "help").
    dutch: bool = True

    def matches(self, word: str, keys: frozenset[str]) -> bool:
        if self.prefix:
            return any(key.startswith(self.prefix) for key in (word, *arabic_variants(word)))
        if self.suffix:
            return word.endswith(self.suffix)
        if self.dutch:
            return not self.forms.isdisjoint(keys)
        return word in self.forms or not self.forms.isdisjoint(arabic_variants(word))


@dataclass(frozen=True)
class _Keyword:
    theme: str
    shown: str  # the taxonomy entry as coordinators see it, without wildcards
    parts: tuple[_Part, ...]
    weight: float = 1.0  # _WEAK for "~word"
    # "@school": a setting (where something happens, "op school") loses a tie to a theme
    # about what happens there ("op school vapen ze": gezondheid).
    setting: bool = False
    # "-geen mening": a non-answer; the words it covers match no theme ("geen mening" is not
    # meepraten, "ما عندي رأي" not an opinion).
    blocker: bool = False


@dataclass(frozen=True)
class _Hit:
    keyword: _Keyword
    at: tuple[int, ...]  # positions of the matched words in the text
    # How much the hit says about the main theme: a compound's first part ("school" in
    # "schoolkosten") says less than its head.
    weight: float = 1.0


def _stems(word: str) -> tuple[str, ...]:
    """The stem as a look-up key, unless it is too short to say much: "lezen" and "lessen"
    both stem to "les"."""
    found = stem(word)
    return (found,) if len(found) >= _MIN_STEM else ()


def _is_head(rest: str) -> bool:
    """Whether what follows a matched prefix is a word of its own (school|kosten), not an
    ending (discrimin|atie)."""
    return len(rest) >= _COMPOUND_MIN and is_known(rest)


@lru_cache(maxsize=65536)
def _keys(word: str) -> frozenset[str]:
    """The forms a text word is looked up by: itself, and unless it is a function word its
    lemma, stem and (Arabic) forms without attached prefixes or suffixes."""
    if word in stop_words():
        return frozenset({word})
    found = {word, *_stems(word), *arabic_variants(word)}
    base = lemma(word)
    if base:
        found.add(base)
    return frozenset(found)


def _dutch_forms(word: str) -> frozenset[str]:
    """A Dutch taxonomy word's forms, minus any that is a function word it is not itself."""
    found = {word, *_stems(word)}
    base = lemma(word)
    if base:
        found.update({base, *_stems(base)})
    skip = stop_words()
    return frozenset(form for form in found if form == word or form not in skip)


class ThemeMatcher:
    """Tags text with the theme keys of one taxonomy; built once, used for many answers."""

    def __init__(self, taxonomy: Taxonomy, *, learned: bool = LEARNED) -> None:
        self.taxonomy = taxonomy
        # The taxonomy's learned model, if one ships for its id (see ranked()).
        self.model: ThemeModel | None = load_model(taxonomy.id) if learned else None
        self.labels: dict[str, str] = {theme.key: theme.label for theme in taxonomy.themes}
        if OVERIG in self.labels:
            raise ValueError(f"taxonomy {taxonomy.id}: '{OVERIG}' is reserved for unmatched text")
        self._order = {theme.key: index for index, theme in enumerate(taxonomy.themes)}
        self._frames = frozenset(theme.key for theme in taxonomy.themes if theme.frame)
        # Keywords by a form of their first word, so a text is scanned once, not per keyword.
        self._first: dict[str, list[_Keyword]] = defaultdict(list)
        self._first_foreign: dict[str, list[_Keyword]] = defaultdict(list)
        self._prefixes: dict[int, dict[str, list[_Keyword]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._suffixes: dict[int, dict[str, list[_Keyword]]] = defaultdict(
            lambda: defaultdict(list)
        )
        # Single Dutch words that may stand inside a compound, and separable verbs by verb.
        self._compound: dict[str, list[_Keyword]] = defaultdict(list)
        self._modifiers: dict[str, list[_Keyword]] = defaultdict(list)
        self._head_prefixes: dict[int, dict[str, list[_Keyword]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._separable: dict[str, list[tuple[str, _Keyword]]] = defaultdict(list)
        self._fuzzy: dict[str, list[_Keyword]] = defaultdict(list)
        for theme in taxonomy.themes:
            for entry in theme.words:
                self._add(entry, theme.key, dutch=True)
            for words in theme.words_by_language.values():
                for entry in words:
                    self._add(entry, theme.key, dutch=False)
        self._fuzzy_words = list(self._fuzzy)

    def _add(self, entry: str, theme: str, *, dutch: bool) -> None:
        folded = fold(entry.strip())
        weight = 1.0
        if folded.startswith("~"):
            folded, weight = folded[1:], _WEAK
        setting = folded.startswith("@")
        blocker = folded.startswith("-")
        folded = folded.lstrip("@-")
        shown = folded.strip("*")
        raw = folded.split()
        if not raw:
            return
        parts: list[_Part] = []
        for word in raw:
            if word.endswith("*") and not word.startswith("*"):
                parts.append(_Part(prefix=word.rstrip("*")))
            elif word.startswith("*") and not word.endswith("*"):
                parts.append(_Part(suffix=word.lstrip("*")))
            else:
                for token in tokens(word):
                    forms = _dutch_forms(token) if dutch else frozenset({token})
                    parts.append(_Part(forms=forms, dutch=dutch))
        if not parts:
            return
        keyword = _Keyword(
            theme=theme,
            shown=shown,
            parts=tuple(parts),
            weight=weight,
            setting=setting,
            blocker=blocker,
        )
        first = parts[0]
        if first.prefix:
            self._prefixes[len(first.prefix)][first.prefix].append(keyword)
            if dutch and len(parts) == 1 and len(first.prefix) >= _COMPOUND_MIN:
                self._modifiers[first.prefix].append(keyword)
                # "toets*" is also the head of "wiskundetoets", "paniek*" of "faalpaniek".
                self._head_prefixes[len(first.prefix)][first.prefix].append(keyword)
        elif first.suffix:
            self._suffixes[len(first.suffix)][first.suffix].append(keyword)
        else:
            for form in first.forms:
                (self._first if dutch else self._first_foreign)[form].append(keyword)
        if not dutch or len(parts) != 1:
            return
        if not first.forms:
            if len(shown) >= _FUZZY_MIN:  # "wachtlijst*" also catches "wachtlijts"
                self._fuzzy[shown].append(keyword)
            return
        word = shown
        if len(word) >= _COMPOUND_MIN and word not in stop_words():
            self._modifiers[word].append(keyword)
            # "dansen" is also the modifier "dans" of "dansles".
            for form in first.forms - {word}:
                if len(form) >= _COMPOUND_MIN and form not in stop_words():
                    self._modifiers[form].append(keyword)
            for form in first.forms:
                if len(form) >= _COMPOUND_MIN:
                    self._compound[form].append(keyword)
        if len(word) >= _FUZZY_MIN:
            self._fuzzy[word].append(keyword)
        for particle in PARTICLES:
            verb = word[len(particle) :]
            if word.startswith(particle) and len(verb) >= 4 and verb.endswith("en"):
                for form in {verb, lemma(verb) or verb}:
                    self._separable[form].append((particle, keyword))
                break

    # -- matching -------------------------------------------------------------------------

    def _hits(self, text: str) -> tuple[list[str], list[_Hit]]:
        words: list[str] = []
        clause: list[int] = []
        for number, part in enumerate(_CLAUSE.split(text)):
            found = tokens(part)
            words.extend(found)
            clause.extend([number] * len(found))
        keys = [_keys(word) for word in words]
        hits: list[_Hit] = []
        for index, word in enumerate(words):
            for keyword in self._starting(word, keys[index]):
                end = index + len(keyword.parts)
                if end <= len(words) and all(
                    part.matches(words[at], keys[at])
                    for at, part in zip(range(index + 1, end), keyword.parts[1:], strict=True)
                ):
                    first = keyword.parts[0]
                    # "school*" on "schoolkosten": the compound's first part, not its head.
                    modifier = (
                        len(keyword.parts) == 1
                        and bool(first.prefix)
                        and _is_head(word[len(first.prefix) :])
                    )
                    weight = keyword.weight * (0.5 if modifier else 1)
                    hits.append(_Hit(keyword, tuple(range(index, end)), weight))
            for form in keys[index]:
                for particle, keyword in self._separable.get(form, ()):
                    low = max(0, index - _SEPARABLE_WINDOW)
                    high = min(len(words), index + _SEPARABLE_WINDOW + 1)
                    hits.extend(
                        _Hit(keyword, (index, at), keyword.weight)
                        for at in range(low, high)
                        if words[at] == particle and clause[at] == clause[index]
                    )
        covered = {at for hit in hits if hit.weight == 1 for at in hit.at}
        for index, word in enumerate(words):
            if index in covered or word in stop_words():
                continue
            inside = self._inside_compound(word)
            if not inside and not any(index in hit.at for hit in hits):
                inside = [(keyword, 1.0) for keyword in self._misspelled(word)]
            hits.extend(
                _Hit(keyword, (index,), weight * keyword.weight) for keyword, weight in inside
            )
        blocked = {at for hit in hits if hit.keyword.blocker for at in hit.at}
        if blocked:
            hits = [hit for hit in hits if blocked.isdisjoint(hit.at)]
        return words, hits

    def _starting(self, word: str, keys: frozenset[str]) -> list[_Keyword]:
        found = [keyword for key in keys for keyword in self._first.get(key, ())]
        variants = (word, *arabic_variants(word))
        found.extend(kw for variant in variants for kw in self._first_foreign.get(variant, ()))
        for length, prefixes in self._prefixes.items():
            for variant in variants:
                if len(variant) >= length:
                    found.extend(prefixes.get(variant[:length], ()))
        for length, suffixes in self._suffixes.items():
            if len(word) >= length:
                found.extend(suffixes.get(word[-length:], ()))
        return list(dict.fromkeys(found))

    def _inside_compound(self, word: str) -> list[tuple[_Keyword, float]]:
        """Keywords that are the head of ``word`` (longest head first), else the keyword that
        is literally its first part (weighing half: "geldzorgen" is about geld, but
        "schoolreis" less about school than "school")."""
        splits = split_compound(word)
        for _, head in splits:
            if len(head) >= _COMPOUND_MIN:
                # Word and stem only: a lemma would read the verb "hing" in "nothing" as
                # "hangen"; compound heads are nouns.
                found = [kw for key in {head, stem(head)} for kw in self._compound.get(key, ())]
                found.extend(
                    keyword
                    for length, prefixes in self._head_prefixes.items()
                    if len(head) >= length
                    for keyword in prefixes.get(head[:length], ())
                )
                if found:
                    weight = _WEAK if len(head) <= _SHORT_HEAD else 1.0
                    return [(keyword, weight) for keyword in dict.fromkeys(found)]
        for modifier, head in reversed(splits):
            if len(head) >= _COMPOUND_MIN and is_known(head):
                found = self._modifiers.get(modifier, [])
                if found:
                    return [(keyword, 0.5) for keyword in found]
        return []

    def _misspelled(self, word: str) -> list[_Keyword]:
        if len(word) < _FUZZY_MIN or not self._fuzzy_words or is_known(word):
            return []
        limit = 1 if len(word) < 10 else 2
        best = process.extractOne(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=limit)
        return list(self._fuzzy[best[0]]) if best else []

    # -- public ---------------------------------------------------------------------------

    def tag(self, text: str) -> frozenset[str]:
        """The theme keys ``text`` matches, or ``{"overig"}`` when it matches none. With a
        learned model an answer no word matches can still get the model's theme, and a theme
        the model is sure of is added to the words' (see :meth:`ranked`): the main theme is
        always among the tags."""
        if self.model is None:
            _, hits = self._hits(text)
            return frozenset({hit.keyword.theme for hit in hits} or {OVERIG})
        # The model may make a theme the words did not match the main one (see ranked()).
        ranked = self.ranked(text)
        return frozenset(ranked) if ranked != [OVERIG] else frozenset({OVERIG})

    def _scored(self, text: str) -> list[tuple[str, float]]:
        """The themes the words matched with their weights, in the word lists' order: most
        weight first, then fewer setting words, then mentioned first, then taxonomy order."""
        words, hits = self._hits(text)
        # After "maar", "toch" or "but" comes what the answer is about ("mijn moeder werkt twee
        # banen en toch is er geen geld"): those words weigh more.
        turn = next((at for at, word in enumerate(words) if word in _CONTRAST), len(words))
        # Per theme and word the best weight, so a word counts once per theme; a setting word
        # ("@school") weighs as much but gives way in a tie.
        weights: dict[str, dict[int, tuple[float, bool]]] = defaultdict(dict)
        for hit in hits:
            found = weights[hit.keyword.theme]
            for number, at in enumerate(hit.at):
                weight = hit.weight * (_AFTER_CONTRAST if at > turn else 1.0)
                if number and len(hit.keyword.parts) > 1:
                    weight *= _PHRASE_REST
                if hit.keyword.theme in self._frames:
                    weight *= _FRAME
                best = found.get(at)
                if best is None or (weight, not hit.keyword.setting) > (best[0], not best[1]):
                    found[at] = (weight, hit.keyword.setting)
        totals = {
            theme: sum(weight for weight, _ in found.values()) for theme, found in weights.items()
        }
        order = sorted(
            weights,
            key=lambda theme: (
                -totals[theme],
                sum(weight for weight, setting in weights[theme].values() if setting),
                min(weights[theme]),
                self._order[theme],
            ),
        )
        return [(theme, totals[theme]) for theme in order]

    def ranked(self, text: str) -> list[str]:
        """The matched theme keys, main theme first. ``["overig"]`` when nothing matches.

        Word lists: most words matched (weak words and short compound heads half, words after
        the first contrast word half as much again), then the theme with fewer setting words
        ("@school"), then the theme mentioned first, then taxonomy order. A frame theme's words
        (``frame: true``: shame, waiting) weigh 1.5 times; a phrase's words after its first
        weigh half.

        With the taxonomy's learned model (:mod:`bot.summary.theme_model`, unless the matcher
        was built with ``learned=False``): among the matched themes, the model's probability
        times its ``blend`` is added to each theme's word weight, so the model settles close
        calls and ties but a theme it was never trained on still wins by its words. Round 7:
        when the model gives a theme the words did not match at least its ``override``
        probability, that theme comes first (with ``single``, also when the words matched one
        theme): answers naming two things are often about the one no taxonomy word names, and
        the model, trained on such answers labelled with their main point, reads that better
        (chosen by leave-one-corpus-out cross-validation, scripts/train_theme_model.py
        --select). An answer no word matches gets the model's most likely theme when that is at least its ``floor``
        and the answer has at least ``min_words`` words besides Dutch stop words (non-answers
        such as "weet ik niet" are ``overig`` in its training data, and a short answer no word
        matches is nearly always one: "misschien later")."""
        scored = self._scored(text)
        model = self.model
        if model is None or (len(scored) == 1 and not model.single):
            return [theme for theme, _ in scored] or [OVERIG]
        if not scored:
            if content_words(text) < model.min_words:
                return [OVERIG]
            probabilities = model.probabilities(text)
            best = max(
                (key for key in probabilities if key == OVERIG or key in self._order),
                key=probabilities.__getitem__,
                default=OVERIG,
            )
            return [best] if probabilities.get(best, 0.0) >= model.floor else [OVERIG]
        probabilities = model.probabilities(text)
        matched = [theme for theme, _ in scored]
        # Round 7: a theme the model is sure of comes first, even if no word named it (an
        # answer about stress that mentions school: the words find school, not mentaal).
        best = max(
            (key for key in probabilities if key != OVERIG and key in self._order),
            key=probabilities.__getitem__,
            default=OVERIG,
        )
        if best not in matched and probabilities.get(best, 0.0) >= model.override:
            return [best, *matched]
        if len(scored) == 1:
            return matched
        # Several themes matched: the model settles which one the answer is about.
        total = sum(weight for _, weight in scored) if model.share else 1.0
        position = {theme: at for at, theme in enumerate(matched)}
        blended = {
            theme: weight / total + model.blend * probabilities.get(theme, 0.0)
            for theme, weight in scored
        }
        return sorted(position, key=lambda theme: (-blended[theme], position[theme]))

    def main(self, text: str) -> str:
        """The main theme of ``text`` (see :meth:`ranked`)."""
        return self.ranked(text)[0]

    def explain(self, text: str) -> dict[str, tuple[str, ...]]:
        """Theme -> the words of ``text`` (folded) that made it match, in text order. For one
        answer at a time (testing a taxonomy); coordinators get :func:`keywords_by_theme`."""
        words, hits = self._hits(text)
        found: dict[str, set[int]] = defaultdict(set)
        for hit in hits:
            found[hit.keyword.theme].update(hit.at)
        return {
            theme: tuple(dict.fromkeys(words[at] for at in sorted(found[theme])))
            for theme in sorted(found, key=lambda theme: self._order[theme])
        }

    def keywords(self, text: str) -> dict[str, frozenset[str]]:
        """Theme -> the taxonomy keywords (not the participant's words) ``text`` matched."""
        _, hits = self._hits(text)
        found: dict[str, set[str]] = defaultdict(set)
        for hit in hits:
            found[hit.keyword.theme].add(hit.keyword.shown)
        return {theme: frozenset(shown) for theme, shown in found.items()}

    def label(self, key: str, overig_label: str = "Overig") -> str:
        return overig_label if key == OVERIG else self.labels.get(key, key)


def keywords_by_theme(
    matches: Iterable[tuple[Hashable, Mapping[str, Iterable[str]]]], k: int
) -> dict[str, list[tuple[str, int]]]:
    """Per theme, the taxonomy keywords that matched the answers of at least ``k`` distinct
    respondents, as (keyword, respondents), most first, then alphabetical.

    ``matches`` holds (respondent, :meth:`ThemeMatcher.keywords` of one answer) pairs; a
    respondent with several answers counts once per keyword. Keywords matched by fewer than
    ``k`` respondents are left out, so the list never points at a small group. Themes with no
    keyword left are left out too.
    """
    who: dict[tuple[str, str], set[Hashable]] = defaultdict(set)
    for respondent, found in matches:
        for theme, shown in found.items():
            for keyword in shown:
                who[theme, keyword].add(respondent)
    result: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (theme, keyword), respondents in who.items():
        if len(respondents) >= k:
            result[theme].append((keyword, len(respondents)))
    return {
        theme: sorted(found, key=lambda item: (-item[1], item[0]))
        for theme, found in sorted(result.items())
    }


def top_unmatched_words(
    texts: Iterable[str], matcher: ThemeMatcher | None, n: int = 10, min_count: int = 1
) -> list[tuple[str, int]]:
    """The words that occur in most answers no theme word matched, as (word, answers) pairs.

    ``matcher`` None: the texts are known to be unmatched (a summary samples only the answers
    stored without a theme, the ones its "overig" count counts), so they are not tagged again.

    Counts answers, not occurrences, and groups words by stem (shown in their most common
    form). ``min_count`` keeps out words that few answers share: in a summary it is k, so a
    rare word that could point at one person is never listed. Ties are sorted by the word.
    """
    skip = stop_words()
    answers: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        # Words no taxonomy word matched, whatever the learned model makes of the answer: the
        # list is for finding words worth adding.
        if matcher is not None and matcher.keywords(text):
            continue
        seen: set[str] = set()
        for word in tokens(text):
            if len(word) < 3 or word in skip:
                continue
            root = stem(word)
            forms[root][word] += 1
            seen.add(root)
        answers.update(seen)
    ranked = [
        (min(forms[root].items(), key=lambda item: (-item[1], item[0]))[0], count)
        for root, count in answers.items()
        if count >= min_count
    ]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked[:n]
