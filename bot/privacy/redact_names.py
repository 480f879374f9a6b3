"""The redaction passes that need word lists: person names, schools, streets without a number.

They run after the pattern passes of :mod:`bot.privacy.redact`, on text whose numbers, e-mail
addresses and handles are already markers. A name is recognised in one of three ways:

* **after a cue** that announces one ("ik heet", "mijn naam is", "juf", "meneer", "mijn zoon",
  "groetjes"): a capitalised word, or a listed name in any case ("ik heet daan");
* **after "ik ben"**: only a listed first name that is no common word ("ik ben sanne", not
  "ik ben klaar");
* **on its own**: a capitalised listed name that is no common Dutch word and no place
  ("met Noor en Sem"); at the start of a sentence only first names count.

A recognised name then takes in what follows it: tussenvoegsels and a capitalised surname
("Sanne de Vries", "Luuk van der Linden"), or a listed surname after a lower-case first name
("daan bosman"). Places (Zwolle, Utrecht) are coarse and stay; quotes are stricter about them
(:mod:`bot.privacy.quotes`).
"""

from __future__ import annotations

import re

from bot.privacy.names import Lexicon, lexicon

__all__ = ["replace_names", "replace_schools", "replace_street_names", "replace_streets"]

NAME = "[naam]"
SCHOOL = "[school]"
STREET = "[straat]"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_LETTER = r"[^\W\d_]"
_WORD = re.compile(rf"{_LETTER}[\w'’]*(?:-{_LETTER}[\w'’]*)*")

# Words that announce a name: titles and relations. Lower case; "mevr." loses its dot.
_TITLES = _set(
    "juf juffrouw meester meneer mijnheer mevrouw mevr mw dhr mr dokter trainer trainster coach "
    "docent docente mentor mentrix"
)
_RELATIONS = _set(
    "zoon zoontje dochter dochtertje broer broertje zus zusje zussen broers vriend vriendje "
    "vriendin vriendinnetje neef nicht jongen meisje kind kindje man vrouw ex buurjongen "
    "buurmeisje klasgenoot klasgenote"
)
_SIGN_OFFS = _set("groetjes groeten groet gegroet gr grtjs grtz groetjs mvg liefs xoxo doei")
# "ik heet X", "naam is X", "naam: X", "ik ben X" / "ik bn X" (the weak cue).
_NAMING = re.compile(
    r"\b(?:heet|heten|noem|noemen)\s+(?:me\s+|mij\s+|daar\s+|hier\s+|eigenlijk\s+)?$"
    r"|\bna(?:a)?m\s*(?:is|=|:)\s*$",
    re.IGNORECASE,
)
_GAP = re.compile(r"[ \t]*")
_WITH = re.compile(r"\b(?:met|samen\s+met|en\s+ik|ik\s+en)\s+$", re.IGNORECASE)
# Directly after a recognised name: "Jasmijn en Wessel", "Noor, Sem".
_AND = re.compile(r"\s*(?:,|en|&|\+)\s*$")
_PERSON_VERB = re.compile(
    r"\s+(?:zegt|zei|vindt|vond|heeft|had|wil|wilde|woont|woonde|zit|zat|gaat|ging|mag|mocht|"
    r"moet|moest|doet|deed|kan|kon|speelt|speelde|krijgt|kreeg|pest|pestte|helpt|hielp|"
    r"uit\s+mijn|van\s+mijn|en\s+ik)\b"
)
# Shops named after a person: "de Albert Heijn", "de Zeeman".
_BRAND = re.compile(
    r"(?:Albert\s+Heijn|Zeeman|Hema|Blokker|Kruidvat|Etos|Wibra|Intertoys|Bart\s+Smit|"
    r"Jan\s+Linders|Dirk\s+van\s+den\s+Broek|Coop|Plus|Vomar|Hoogvliet|Aldi|Lidl)\b"
)
_I_AM = re.compile(
    r"\b(?:ik|k)\s+(?:ben|bn)\s+(?:gwn\s+|gewoon\s+|dus\s+|trouwens\s+|btw\s+)?$", re.IGNORECASE
)

_INTERFIX_WORDS = _set(
    "van de den der het 't t te ten ter la le el al da di du dos del von vd v/d in op aan bij uit "
    "d'"
)
# An interfix run never starts with these alone: "Marieke van groep 5", "Daan en ik".
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]|\s-)\s*[\"'“‘(]*\s*$")


def _place_not_name(word: str, lexicon: Lexicon) -> bool:
    """A town, or a hamlet that is no first name: "Zwolle" stays, "Wessel" is a boy."""
    return lexicon.is_town(word) or (lexicon.is_place(word) and not lexicon.is_first_name(word))


def _is_capitalised(word: str) -> bool:
    # str.isupper, not a character class: "Şahin" and "Özdemir" are capitalised too.
    return word[:1].isupper()


def _previous_words(text: str, start: int, count: int) -> list[str]:
    words = re.findall(r"[\w'’]+", text[max(0, start - 60) : start])
    return [w.lower() for w in words[-count:]]


def _sentence_initial(text: str, start: int) -> bool:
    # A bounded look-back keeps long messages linear; "^" still means the real start.
    return bool(_SENTENCE_END.search(text, max(0, start - 12), start))


def _surname_after(text: str, position: int, lexicon: Lexicon, lower_ok: bool) -> int | None:
    """End of "(interfix)* Surname" starting at ``position``, or None."""
    cursor = position
    saw_interfix = False
    # "Aad Bij": a capitalised listed surname that is also an interfix word ("bij", "Aan") is
    # the surname itself when no surname follows it.
    fallback: int | None = None
    while True:
        gap = _GAP.match(text, cursor)
        if gap is None:
            return fallback
        word_match = _WORD.match(text, gap.end())
        if word_match is None:
            return fallback
        word = word_match.group(0)
        lower = word.lower()
        if saw_interfix and _is_capitalised(word) and lower in lexicon.surnames:
            return word_match.end()  # "van Bij": a surname that is also an interfix word
        if lower in _INTERFIX_WORDS or lower in lexicon.interfixes:
            if not saw_interfix and _is_capitalised(word) and lower in lexicon.surnames:
                fallback = word_match.end()
            cursor = word_match.end()
            saw_interfix = True
            continue
        # A capitalised listed surname counts even when it is a word too: "Aad Baan".
        if _is_capitalised(word) and (
            saw_interfix or not lexicon.is_common(word) or lower in lexicon.surnames
        ):
            if (
                not saw_interfix
                and _place_not_name(word, lexicon)
                and lower not in lexicon.surnames
            ):
                return fallback
            return word_match.end()
        # "anna van dijk": after a tussenvoegsel a listed surname counts even when it is a word.
        if lower_ok and lower in lexicon.surnames and (saw_interfix or not lexicon.is_common(word)):
            return word_match.end()
        return fallback


def _extend(text: str, end: int, lexicon: Lexicon, lower_ok: bool) -> int:
    """Take in surnames and further capitalised name parts after a recognised name."""
    while True:
        more = _surname_after(text, end, lexicon, lower_ok)
        if more is None:
            return end
        end = more


def _name_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    skip_until = 0
    for match in _WORD.finditer(text):
        if spans and match.start() < spans[-1][1]:
            continue
        word = match.group(0)
        lower = word.lower()
        before = text[max(0, match.start() - 40) : match.start()]
        previous = _previous_words(text, match.start(), 2)
        capitalised = _is_capitalised(word)
        listed = lexicon.is_name(word)
        common = lexicon.is_common(word)
        cued = bool(previous) and (
            previous[-1] in _TITLES
            or previous[-1] in _RELATIONS
            or previous[-1] in _SIGN_OFFS
            or bool(_NAMING.search(before))
        )
        is_name = False
        lower_ok = not capitalised
        place = _place_not_name(word, lexicon)
        if match.start() < skip_until:
            continue
        brand = _BRAND.match(text, match.start())
        if brand is not None:
            skip_until = brand.end()
            continue
        if cued and lower not in _INTERFIX_WORDS:
            is_name = (capitalised and not common and not place) or (listed and not common)
            if previous[-1] in _TITLES and capitalised and not place:
                is_name = is_name or listed or not common
            if previous[-1] in _SIGN_OFFS and capitalised and lexicon.is_first_name(word):
                # "Met vriendelijke groet, Piet": who signs is named, even by a word-like name.
                is_name = True
            if previous[-1] in _RELATIONS and capitalised and not place:
                # "mijn dochter Nova": a capital after a relation is a name, even a word-like one.
                is_name = is_name or lexicon.is_first_name(word)
            if _NAMING.search(before) and not common and not place:
                # "ik heet daar xbrittx": whatever one says one is called.
                is_name = True
        elif _I_AM.search(before):
            # "ik ben sanne"; with a capital even a word-like name: "Ik ben Hoop".
            is_name = (lexicon.is_first_name(word) and not common) or (
                listed and capitalised and not place and not _sentence_initial(text, match.start())
            )
        elif _WITH.search(before) or (spans and _AND.search(text, spans[-1][1], match.start())):
            # "met bilal en yasmine": a lower-case first name needs a companion cue.
            is_name = lexicon.is_first_name(word) and not common and not place
        elif capitalised and listed and not common and not place:
            is_name = not _sentence_initial(text, match.start()) or lexicon.is_first_name(word)
        elif lexicon.is_first_name(word) and not common and not place:
            # "emma en ik", "sanne zei": a lower-case first name before what a person does.
            is_name = bool(_PERSON_VERB.match(text, match.end()))
        elif capitalised and not listed and not common and not lexicon.is_place(word):
            # "Oliwia zegt dat": an unknown capitalised word that opens a sentence and is
            # followed by what a person does. Names missing from the lists are mostly these.
            is_name = _sentence_initial(text, match.start()) and bool(
                _PERSON_VERB.match(text, match.end())
            )
        if is_name:
            spans.append((match.start(), _extend(text, match.end(), lexicon, lower_ok)))
        elif cued and previous[-1] in _TITLES:
            # "Meester van den Berg", "mevr. de Jong": the title, then tussenvoegsels.
            interfix_end = _title_interfix_name(text, match, lexicon)
            if interfix_end is not None:
                spans.append((match.start(), interfix_end))
    return spans


def _title_interfix_name(text: str, match: re.Match[str], lexicon: Lexicon) -> int | None:
    if match.group(0).lower() not in _INTERFIX_WORDS:
        return None
    return _surname_after(text, match.start(), lexicon, False)


def replace_names(text: str) -> tuple[str, bool]:
    spans = _name_spans(text, lexicon())
    if not spans:
        return text, False
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(NAME)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), True


# --- schools ----------------------------------------------------------------------------------

_CAP_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]*)"
_SCHOOL_TYPES = (
    r"College|Lyceum|Gymnasium|Atheneum|Scholengemeenschap|Scholengroep|Mavo|Havo|Vwo|Vmbo|"
    r"Academie|Campus|School|Basisschool|Montessorischool|Daltonschool|Vakcollege|Collegium"
)
# "het Ichthus College", "Stedelijk Gymnasium", "Christelijk Lyceum Zeist", "Da Vinci College"
_NOT_A_SCHOOL_NAME = r"(?!(?:De|Het|Een|Onze|Ons|Mijn|Mn|Die|Deze|Dat|Jullie|Hun|Zijn|Haar|Ik|Wij|We|Elke|Iedere|Welke|Andere|Nieuwe|Oude|Middelbare|Openbare)\b)"
# A compound school name, often after a person: "Jan Ligthartschool", "Prins Clauscollege".
_COMPOUND_SCHOOL = r"[A-ZÀ-ÖØ-Þ][\w'’-]{2,}(?:school|college|lyceum|gymnasium)"
_NAMED_SCHOOL = re.compile(
    rf"\b(?:{_NOT_A_SCHOOL_NAME}{_CAP_WORD}\s+){{1,3}}(?:{_SCHOOL_TYPES})\b"
    rf"(?:\s+{_NOT_A_SCHOOL_NAME}{_CAP_WORD})?"
    rf"|\b(?:{_NOT_A_SCHOOL_NAME}{_CAP_WORD}\s+){{0,2}}{_COMPOUND_SCHOOL}\b"
)
# Kinds of school, not names of one.
_GENERIC_SCHOOLS = _set(
    "basisschool hogeschool dansschool muziekschool zwemschool rijschool montessorischool "
    "daltonschool vrijeschool jenaplanschool brugklasschool taalschool zomerschool "
    "weekendschool praktijkschool vakschool kunstschool middelbareschool internationale"
)
# "basisschool De Fontein", "obs De Klimop", "cbs 't Kompas"
_TYPED_SCHOOL = re.compile(
    r"(?P<context>\b(?i:basisschool|school|obs|cbs|rkbs|pcbs|kbs|ikc|sbo|so|vso|bs|o\.b\.s\.|"
    r"c\.b\.s\.)\s+)"
    rf"(?P<name>(?:(?:[Dd]e|[Hh]et|'[Tt]|[Tt])\s+)?{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
)
# "groep 7 van de Regenboog", "klas 2 op het Baken", "ik zit op de Regenboog"
_CLASS_OF = re.compile(
    r"(?P<context>\b(?:(?:groep|klas|leerjaar)\s+[\w]{1,4}\s+(?:van|op)|"
    r"(?:zit|zitten|zat|zaten|ga|gaat|gaan|ging|gingen)\s+(?:nu\s+|al\s+|ook\s+)?op)"
    r"\s+(?:(?:de|het|'t)\s+|(?=(?:De|Het|'T)\s)))"
    rf"(?P<name>(?:(?:De|Het|'T)\s+)?{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
)


def replace_schools(text: str) -> tuple[str, bool]:
    found = False

    def named(match: re.Match[str]) -> str:
        nonlocal found
        if match.group(0).split()[-1].lower() in _GENERIC_SCHOOLS:
            return match.group(0)
        found = True
        return SCHOOL

    def keep_context(match: re.Match[str]) -> str:
        nonlocal found
        name = match.group("name")
        if name.startswith("[") or name.split()[-1].lower() in _GENERIC_SCHOOLS:
            return match.group(0)
        found = True
        return match.group("context") + SCHOOL

    text = _NAMED_SCHOOL.sub(named, text)
    text = _TYPED_SCHOOL.sub(keep_context, text)
    text = _CLASS_OF.sub(keep_context, text)
    return text, found


# --- streets without a house number -----------------------------------------------------------

_STRONG_SUFFIX = re.compile(
    rf"(?<![\w-]){_LETTER}[\w'’-]+(?:straat|laan|gracht|kade|singel|steeg|dreef|plantsoen|"
    r"boulevard|straatweg|dwarsstraat)(?![\w-])",
    re.IGNORECASE,
)
# Ordinary words with a street suffix: these are kinds of street, not street names.
_GENERIC_STREETS = _set(
    "zijstraat winkelstraat woonstraat hoofdstraat achterstraat dreef fietsstraat "
    "winkelstraatje zijstraatje woonstraatje rondweg snelweg dwarsstraat buitenlaan "
    "oprijlaan bomenlaan blokkade barricade cavalkade slotgracht opsteeg insteeg afsteeg "
    "uitsteeg oversteeg besteeg aandreef voortdreef wegdreef"
)
_WEAK_SUFFIX = re.compile(
    r"(?<![\w-])[A-ZÀ-ÖØ-Þ][\w'’-]{2,}(?:weg|pad|plein|dijk|park|hof|markt|wal|kade|haven|"
    r"erf|dreef|baan|brink|veld|akker|hout|oord|tuin|singel|ring)(?![\w-])"
)
# "ik woon op de Zonnebloem", "wij wonen aan het Marktplein"
_LIVES_AT = re.compile(
    r"(?P<context>\b(?:woon|woont|wonen|woonde|woonden)\s+(?:nu\s+|al\s+|ook\s+)?"
    r"(?:in|op|aan)\s+(?:de|het|'t)\s+)"
    rf"(?P<name>{_LETTER}[\w'’-]+)"
)


# "de Hoge Weg", "aan de Oude Gracht", "Lange Nieuwstraat" without a number.
_MULTIWORD_STREET = re.compile(
    r"(?<![\w-])(?!(?:De|Het|In|Op|Aan|Bij|Naar|Ik|We|Wij|Mijn|Onze|Een|Die|Deze)\b)"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]+\s+){1,2}"
    r"(?:Weg|Straat|Laan|Gracht|Kade|Singel|Dijk|Markt|Plein|Dreef|Steeg|Haven|Wal)\b"
)


_STREET_LEAD = re.compile(
    r"\b(?:de|het|'t|op|aan|in|via|naar|langs|bij|over|richting)\s+$", re.IGNORECASE
)


def _street_context(text: str, start: int) -> bool:
    """An article or preposition before ``start``, not itself after a first name ("Ineke de")."""
    lead = _STREET_LEAD.search(text, max(0, start - 40), start)
    if lead is None:
        return False
    before = re.findall(r"[\w'’]+", text[max(0, lead.start() - 30) : lead.start()])
    return not (before and _is_capitalised(before[-1]) and lexicon().is_first_name(before[-1]))


def replace_streets(text: str) -> tuple[str, bool]:
    """Streets recognisable by their shape: "Kerkstraat", "de Hoge Weg"."""
    found = False
    words = lexicon()

    def strong(match: re.Match[str]) -> str:
        nonlocal found
        word = match.group(0)
        # "overslaan", "blokkade": an ordinary word that no street is named after.
        if word.lower() in _GENERIC_STREETS or (
            words.is_common(word) and not words.is_street(word)
        ):
            return word
        # "Aad Batelaan": a surname with a street suffix, left to the name pass.
        if words.is_name(word) and not _street_context(match.string, match.start()):
            return word
        found = True
        return STREET

    def multiword(match: re.Match[str]) -> str:
        nonlocal found
        # "Roanne Gracht" is a girl: a first name then a surname is no street.
        parts = match.group(0).split()
        if (
            len(parts) == 2
            and words.is_first_name(parts[0])
            and not words.is_common(parts[0])
            and words.is_name(parts[1])
        ):
            return match.group(0)
        # "Anna Van Dijk": a first name, a tussenvoegsel and a surname is a person too.
        if (
            len(parts) == 3
            and words.is_first_name(parts[0])
            and parts[1].lower() in _INTERFIX_WORDS
            and words.is_name(parts[2])
        ):
            return match.group(0)
        found = True
        return STREET

    text = _STRONG_SUFFIX.sub(strong, text)
    text = _MULTIWORD_STREET.sub(multiword, text)
    return text, found


def replace_street_names(text: str) -> tuple[str, bool]:
    """Streets known only from the street list; after names, so "Aad de Boerdijk" is a person."""
    found = False
    words = lexicon()

    def weak(match: re.Match[str]) -> str:
        nonlocal found
        word = match.group(0)
        if (
            not words.is_street(word)
            or words.is_place(word)
            or _sentence_initial(match.string, match.start())
        ):
            return word
        # "Sanne Boerdijk": a surname that is also a street needs an article or preposition.
        if words.is_name(word) and not _street_context(match.string, match.start()):
            return word
        found = True
        return STREET

    def lives_at(match: re.Match[str]) -> str:
        nonlocal found
        name = match.group("name")
        if not words.is_street(name) or words.is_place(name):
            return match.group(0)
        if not _is_capitalised(name) and words.is_common(name):
            return match.group(0)
        found = True
        return match.group("context") + STREET

    text = _WEAK_SUFFIX.sub(weak, text)
    text = _LIVES_AT.sub(lives_at, text)
    return text, found
