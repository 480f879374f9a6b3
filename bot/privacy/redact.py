"""Remove personal details from free text before it is stored.

Every match is replaced with a visible Dutch marker such as ``[telefoonnummer]``, so a reader of
a summary sees that something was there. The passes run in a fixed order because patterns
overlap: an e-mail address contains something that looks like an @handle and a domain, an IBAN
contains digits that look like a phone number, a date looks like a short number sequence.

Help-line numbers (112, 113, 0800-… and 0900-… numbers) stay: a young person who writes
"ik heb 113 gebeld" should be quoted as such. Ordinary numbers ("ik ben 14", "groep 8", "2024",
"3 keer") stay too: numbers are only removed when they have the shape *and* the checksum or the
context of a personal detail.

``kinds`` in the result names what was removed (``email``, ``url``, ``handle``, ``phone``,
``bsn``, ``iban``, ``postcode``, ``address``, ``date``), so callers can count redactions
without keeping the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.privacy.names import lexicon
from bot.privacy.redact_names import (
    replace_names,
    replace_schools,
    replace_street_names,
    replace_streets,
)

__all__ = ["MARKERS", "Redaction", "redact"]

MARKERS: dict[str, str] = {
    "email": "[e-mail]",
    "url": "[link]",
    "handle": "[gebruikersnaam]",
    "phone": "[telefoonnummer]",
    "bsn": "[bsn]",
    "iban": "[iban]",
    "postcode": "[postcode]",
    "address": "[adres]",
    "date": "[datum]",
    "plate": "[kenteken]",
    "school": "[school]",
    "street": "[straat]",
    "name": "[naam]",
}


@dataclass(frozen=True, slots=True)
class Redaction:
    """The cleaned text and the kinds of detail that were removed from it."""

    text: str
    kinds: frozenset[str]


# --- e-mail and links ---------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)

# A link runs until whitespace; trailing punctuation belongs to the sentence, not the link.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'’]", re.IGNORECASE)

# Bare domains need a known top-level domain, otherwise "enz.ik" or "o.a." would be links.
# .de, .me and .nu are left out: "moe.De les" is a missing space, not a link.
_TLDS = (
    "nl|be|com|org|net|eu|info|io|tv|app|dev|co|uk|fr|edu|gov|online|site|"
    "shop|frl|amsterdam|live|tk|ly|gg|xyz|biz"
)
_BARE_DOMAIN = re.compile(
    rf"(?<![\w@./-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{_TLDS})\b"
    r"(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]'’])?",
    re.IGNORECASE,
)

# Telegram, Instagram and TikTok handles; "@ school" (with a space) is not a handle.
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?")

# "sanne(at)hotmail.nl", "sanne.devries at gmail.com", "sanne [at] gmail [dot] com",
# "ria punt jansen apenstaartje kpnmail punt nl". The domain must end in a known top-level domain
# or be a known mail provider, so "kijk at home" is no address.
_AT = r"(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*|\s+(?:at|apenstaartje|apestaart(?:je)?)\s+|\s+@\s*|\s*@\s+)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punt)\s*[)\]}>]\s*|\s+(?:dot|punt)\s+|\.)"
_PROVIDERS = (
    "gmail|hotmail|outlook|live|icloud|yahoo|ziggo|kpnmail|kpnplanet|planet|home|xs4all|"
    "hetnet|casema|upcmail|quicknet|telfort|me|msn|protonmail|proton"
)
_LOCAL = rf"[\w+-]+(?:{_DOT}[\w+-]+)*"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-]){_LOCAL}{_AT}"
    rf"(?:(?:{_PROVIDERS})(?:{_DOT}(?:{_TLDS}|de|me|nu))?|[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?:{_TLDS}))"
    r"(?![\w])",
    re.IGNORECASE,
)

# "mijn snap is sanne_2009", "ig: noah.vd.berg", "discord milan#4412": after a platform name a
# handle needs no @. Without a colon or "is", the word must look like a handle (digit, _ or .).
_PLATFORMS = (
    r"snap(?:chat|pie|py)?|sc|insta(?:gram)?|ig|tiktok|tik\s?tok|tt|discord|dc|twitter|fb|facebook|"
    r"telegram|twitch|youtube|yt|roblox|fortnite|psn|xbox|steam|threads|bereal|pinterest"
)
_PLATFORM_HANDLE = re.compile(
    rf"(?P<context>\b(?:{_PLATFORMS})\b(?:\s*(?:naam|name|account|acc|handle|id|username))?"
    r"(?P<sep>\s*(?:is|=|:|-|=>)\s*|\s+))"
    r"@?(?P<handle>[A-Za-z0-9_.#]*[A-Za-z0-9_](?:#[0-9]{4})?)(?![\w@])",
    re.IGNORECASE,
)

# --- licence plates ---------------------------------------------------------------------------

# Dutch sidecodes 1-14 (L letter, D digit); with dashes in any case, without dashes only in
# capitals or after "kenteken": "1abc23" is a plate only when someone says so.
_SIDECODES = (
    "LL-DD-DD",
    "DD-DD-LL",
    "DD-LL-DD",
    "LL-DD-LL",
    "LL-LL-DD",
    "DD-LL-LL",
    "DD-LLL-D",
    "D-LLL-DD",
    "LL-DDD-L",
    "L-DDD-LL",
    "LLL-DD-L",
    "L-DD-LLL",
    "D-LL-DDD",
    "DDD-LL-D",
)


def _sidecode(code: str, dash: str) -> str:
    return dash.join(
        "".join("[A-Za-z]" if c == "L" else "[0-9]" for c in part) for part in code.split("-")
    )


_PLATE_DASHED = re.compile(
    r"(?<![\w-])(?:" + "|".join(_sidecode(code, r"\s?-\s?") for code in _SIDECODES) + r")(?![\w-])"
)
# Compact capitals; four digits then two letters is a postcode and left to that pass.
_PLATE_COMPACT = re.compile(
    r"(?<![\w-])(?!\d{4}[A-Z]{2}\b)(?:"
    + "|".join(_sidecode(code, "").replace("[A-Za-z]", "[A-Z]") for code in _SIDECODES)
    + r")(?![\w-])"
)
_PLATE_CONTEXT = re.compile(
    r"(?P<context>\bkenteken(?:plaat|nummer)?\s*(?:is|was|=|:)?\s*)"
    r"(?P<plate>[A-Za-z0-9]{1,3}[\s-]?[A-Za-z0-9]{1,3}[\s-]?[A-Za-z0-9]{1,3})(?![\w-])",
    re.IGNORECASE,
)


def _has_letter_and_digit(text: str) -> bool:
    return any(c.isalpha() for c in text) and any(c.isdigit() for c in text)


def _plates(text: str) -> tuple[str, bool]:
    def in_context(match: re.Match[str]) -> str:
        plate = match.group("plate")
        compact = re.sub(r"[\s-]", "", plate)
        if len(compact) != 6 or not _has_letter_and_digit(compact):
            return match.group(0)
        return match.group("context") + MARKERS["plate"]

    new = _PLATE_CONTEXT.sub(in_context, text)
    new = _PLATE_DASHED.sub(
        lambda m: MARKERS["plate"] if _has_letter_and_digit(m.group(0)) else m.group(0), new
    )
    new = _PLATE_COMPACT.sub(MARKERS["plate"], new)
    return new, new != text


# --- IBAN ---------------------------------------------------------------------------------------

# Lengths from the SWIFT IBAN registry: knowing the length lets us stop at the right character
# instead of swallowing the next word ("NL91ABNA0417164300 is mijn rekening").
_IBAN_REGISTRY = (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 "
    "DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 "
    "IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 "
    "MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 "
    "ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
)
_IBAN_LENGTHS = {entry[:2]: int(entry[2:]) for entry in _IBAN_REGISTRY.split()}
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})([0-9]{2})")


def _iban_valid(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def _replace_ibans(text: str) -> tuple[str, bool]:
    pieces: list[str] = []
    found = False
    position = 0
    for match in _IBAN_START.finditer(text):
        if match.start() < position:
            continue
        length = _IBAN_LENGTHS.get(match.group(1).upper())
        if length is None:
            continue
        end, compact = _scan_alnum(text, match.start(), length)
        if end is None or not _iban_valid(compact.upper()):
            continue
        pieces.append(text[position : match.start()])
        pieces.append(MARKERS["iban"])
        position = end
        found = True
    pieces.append(text[position:])
    return "".join(pieces), found


def _scan_alnum(text: str, start: int, length: int) -> tuple[int | None, str]:
    """Collect ``length`` letters/digits from ``start``, allowing single spaces between them."""
    collected: list[str] = []
    index = start
    while len(collected) < length and index < len(text):
        char = text[index]
        if char.isascii() and char.isalnum():
            collected.append(char)
            index += 1
        elif char == " " and collected and index + 1 < len(text) and text[index + 1] != " ":
            index += 1
        else:
            break
    if len(collected) < length:
        return None, ""
    # The account number must end here, not run on into a longer token.
    if index < len(text) and text[index].isalnum():
        return None, ""
    return index, "".join(collected)


# --- dates ----------------------------------------------------------------------------------

_MONTHS = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
    r"december|jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?"
)
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_YEAR4 = r"(?:19|20)[0-9]{2}"
# Two-digit years only with - or /, so "versie 1.2.30" stays; no digit may touch either end, so
# "06-12-34-56-78" is left for the phone pass.
_NUMERIC_DATE = (
    rf"{_DAY}(?P<sep>[-/.]){_MONTH_NUMBER}(?P=sep){_YEAR4}"
    rf"|{_DAY}(?P<sep2>[-/]){_MONTH_NUMBER}(?P=sep2)[0-9]{{2}}"
    rf"|{_YEAR4}-{_MONTH_NUMBER}-{_DAY}"
)
_TEXT_DATE = rf"{_DAY}\s+{_MONTHS}\s+(?:{_YEAR4}|'[0-9]{{2}})"
_FULL_DATE = re.compile(
    rf"(?<![0-9])(?<![0-9][-/.])(?:{_NUMERIC_DATE})(?![0-9]|[-/.][0-9])"
    rf"|(?<![0-9])(?:{_TEXT_DATE})(?![0-9\w])",
    re.IGNORECASE,
)

# After "geboren", "jarig" or "verjaardag" even a partial date identifies someone.
_PARTIAL_DATE = (
    rf"{_DAY}[-/.]{_MONTH_NUMBER}(?:[-/.](?:{_YEAR4}|[0-9]{{2}}))?"
    rf"|{_DAY}\s+{_MONTHS}(?:\s+(?:{_YEAR4}|'[0-9]{{2}}))?"
    rf"|{_MONTHS}\s+{_YEAR4}"
    rf"|{_YEAR4}"
)
_BIRTH_DATE = re.compile(
    r"\b(?P<context>geboren|jarig|verjaardag|geboortedatum|geb\.)"
    r"(?P<gap>(?:\s+(?:op|in|is|ben|was|de|den|sinds|rond|ergens))*\s*:?\s*)"
    rf"(?<![0-9])(?P<date>{_PARTIAL_DATE})(?![0-9\w])",
    re.IGNORECASE,
)
# "ik ben in 2010 geboren", "op 3 mei geboren", "ik ben 12 maart jarig"
_BORN_AFTER = re.compile(
    rf"\b(?P<context>in|op|rond|ben|is|was)\s+(?P<date>{_PARTIAL_DATE})"
    r"(?P<after>\s+(?:geboren|jarig)\b)",
    re.IGNORECASE,
)

# --- BSN ----------------------------------------------------------------------------------

# No digit may touch the nine, also not across a separator: "06 1234 5678" holds no BSN.
_BSN = re.compile(r"(?<![0-9.,/-])(?<![0-9][ .-])[0-9](?:[ .]?[0-9]){8}(?![0-9]|[ .,/-][0-9])")


def _bsn_valid(digits: str) -> bool:
    """The elfproef: weights 9..2 and -1, the sum must be a multiple of 11."""
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


# --- phone numbers ---------------------------------------------------------------------------

# Dashes of any length, dots, slashes and spaces: "06/12345678", "06–12345678", "06.12.34.56.78".
_SEP = r"(?:\s?[-./–—_]\s?|\s)?"
_NINE_DIGITS = rf"[0-9](?:{_SEP}[0-9]){{8}}"
# +31 6 12345678, 0031 20 1234567, +31 (0)6 ..., +316-12345678
_PHONE_NL_INTL = rf"(?:\+|00)\s?31\s?(?:\(0\)\s?)?-?\s?{_NINE_DIGITS}"
# 06-12345678, 020-1234567, 010 123 4567, 0111-123456, 0 6 1 2 3 4 5 6 7 8
_PHONE_NL = rf"0{_SEP}{_NINE_DIGITS}"
# (020) 123 4567, (0111) 123456
_PHONE_NL_PARENS = rf"\(0[0-9]{{1,3}}\){_SEP}[0-9](?:{_SEP}[0-9]){{5,7}}"
# Other countries: +32 470 12 34 56, 0049 30 1234567
_PHONE_OTHER = rf"(?:\+|00)\s?[1-9][0-9]{{0,2}}{_SEP}[0-9](?:{_SEP}[0-9]){{6,11}}"
_PHONE = re.compile(
    rf"(?<![\w+])(?:{_PHONE_NL_INTL}|{_PHONE_NL_PARENS}|{_PHONE_NL}|{_PHONE_OTHER})(?![0-9])"
)
# Free, shared-cost and premium numbers are services (help lines among them), never persons.
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def _is_personal_phone(number: str) -> bool:
    digits = re.sub(r"[^0-9]", "", number)
    if number.startswith("("):
        return len(digits) == 10 and not digits.startswith(_SERVICE_PREFIXES)
    if digits.startswith("0031") or (number.startswith("+") and digits.startswith("31")):
        national = "0" + digits.removeprefix("00").removeprefix("31").removeprefix("0")
        return len(national) == 10 and not national.startswith(_SERVICE_PREFIXES)
    if number.startswith(("+", "00")):
        return 9 <= len(digits.removeprefix("00")) <= 15
    return len(digits) == 10 and not digits.startswith(("00", *_SERVICE_PREFIXES))


# --- postcodes and addresses ------------------------------------------------------------------

# SA, SD and SS are not used in Dutch postcodes. Lower-case letters only count when attached
# ("1234ab") and not a unit, or after the word "postcode": "in 2024 is" is no postcode.
# "1971-AB" and "1971 ab" too; with a space, a lower-case pair must be no Dutch word ("in 2024 is").
_UNITS = "km|kg|mg|ml|cm|mm|gb|mb|kb|pk|ct|st|eu"
_TWO_LETTER_WORDS = (
    "is|en|de|op|in|om|te|al|er|ik|je|ze|we|na|of|zo|nu|ja|af|uw|bv|ca|eh|oh|ok|uh|tv|pc|nl|vs|"
    "xd|hè|hé|ff|kg|mn|zn|dr|jr|sr|hr|ct|pp|ex|by|to|on|at|it|my|me|no|so|up|ho"
)
_POSTCODE = re.compile(
    r"(?<![0-9\w])[1-9][0-9]{3}"
    r"(?:(?:\s?-\s?|\s)?(?!SA|SD|SS)[A-Z]{2}"
    rf"|-?(?!{_UNITS})[a-z]{{2}}"
    rf"|\s(?!(?:{_TWO_LETTER_WORDS}|{_UNITS})\b)[a-z]{{2}})(?!\w)"
)
_POSTCODE_CONTEXT = re.compile(
    r"(?P<context>\bpostcode\s*(?:is\s*)?:?\s*)[1-9][0-9]{3}(?:\s?-?\s?)[A-Za-z]{2}(?!\w)",
    re.IGNORECASE,
)

# Suffixes that almost only end street names, in any case ("ik woon op de kerkstraat 12").
_STREET_STRONG = (
    "straat|laan|gracht|kade|singel|steeg|dreef|plantsoen|boulevard|straatweg|dwarsstraat"
)
# Suffixes that also end ordinary words ("onderweg", "pretpark", "kerkhof"): only in a
# capitalised word. "-ring" only after a consonant, so "vergadering 2" is no address.
_STREET_WEAK = (
    "weg|pad|park|markt|baan|wal|dam|haven|vaart|veld|erf|hoek|burg|berg|kamp|akker|hout|"
    "zoom|weide|horst|oord|poort|tuin|dal|gaarde|lei|zijde|kant|brink|hof|plein|dijk|"
    "[bcdfghklmnpstvwz]ring"
)
# Street words that stand alone after a capitalised word: "Grote Markt 3", "Oude Gracht 12".
_STREET_WORDS = "Markt|Plein|Dam|Brink|Hof|Kade|Singel|Gracht|Ring|Dijk|Laan|Haven|Wal|Weg"
_PARTICLES = r"(?:van|de|der|den|het|ten|ter|te|'t|la|le)"
# Sentence starters and prepositions are not part of a street name: "In de Kerkstraat 12" keeps
# "In de".
_NOT_IN_NAME = (
    r"(?!(?:In|Op|Aan|Bij|Naar|Ik|Wij|We|Mijn|Mn|De|Het|Een|Ze|Zij|Hij|Om|Via|Vanaf|Tot|Langs|"
    r"Achter|Voor|Naast|Tegenover|Onze|Ons|Jullie|Daar|Hier|Wonen|Woon|Woont|Adres|En|Of|Maar|"
    r"Dus|Als|Toen|Nu|Soms|Vaak|Ook|Dan)\b)"
)
_NAME_WORD = rf"{_NOT_IN_NAME}[A-ZÀ-Þ][\w'’.-]*\s+(?:{_PARTICLES}\s+)*"
# A count after a street-like word is not a house number: "Kerkstraat 12 jaar", "park 2 keer".
_NOT_A_COUNT = (
    r"(?!\s+(?:jaar|jaren|keer|maand|maanden|week|weken|dag|dagen|uur|minuten|kinderen|mensen|"
    r"euro|procent|kilometer|km|meter)\b)"
)
_HOUSE_NUMBER = (
    r"[1-9][0-9]{0,4}(?:[a-zA-Z](?![a-zA-Z])|\s?-\s?(?:[0-9]{1,4}|[a-zA-Z]{1,3}\b)"
    rf"|\s(?:bis|hs|huis|boven|bg|[IVX]{{1,3}})\b)?(?![0-9]){_NOT_A_COUNT}"
)
_STREET = re.compile(
    r"(?<![\w-])"
    rf"(?:(?:{_NAME_WORD})*"
    rf"(?:[A-Za-zÀ-ÿ'’-]{{2,}}(?i:{_STREET_STRONG})"
    rf"|{_NOT_IN_NAME}[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]*(?:{_STREET_WEAK}))"
    rf"|(?:{_NAME_WORD})+(?:{_STREET_WORDS}))"
    rf"\s+{_HOUSE_NUMBER}"
)
# "ik woon op Zonnebloem 12": after "woon op/aan" or "adres is", any name with a number.
_ADDRESS_CONTEXT = re.compile(
    r"(?P<context>\b(?:woon|woont|wonen|woonde|woonden)\s+(?:op|aan)\s+(?:de\s+|het\s+|'t\s+)?"
    r"|\badres\s*(?:is\s*)?:?\s+)"
    r"(?P<name>(?:[A-Za-zÀ-ÿ'’.-]+\s+){0,3}?[A-Za-zÀ-ÿ'’.-]{3,}\s+)"
    rf"(?P<number>{_HOUSE_NUMBER})",
    re.IGNORECASE,
)


# --- the passes -------------------------------------------------------------------------------

_Pass = Callable[[str], tuple[str, bool]]


def _simple(pattern: re.Pattern[str], kind: str) -> _Pass:
    def run(text: str) -> tuple[str, bool]:
        new, count = pattern.subn(MARKERS[kind], text)
        return new, count > 0

    return run


def _checked(pattern: re.Pattern[str], kind: str, check: Callable[[str], bool]) -> _Pass:
    def run(text: str) -> tuple[str, bool]:
        found = False

        def replace(match: re.Match[str]) -> str:
            nonlocal found
            if not check(match.group(0)):
                return match.group(0)
            found = True
            return MARKERS[kind]

        return pattern.sub(replace, text), found

    return run


def _keep_context(pattern: re.Pattern[str], kind: str) -> _Pass:
    """Replace everything after the named group ``context`` and keep the context words."""

    def run(text: str) -> tuple[str, bool]:
        new, count = pattern.subn(lambda m: m.group("context") + MARKERS[kind], text)
        return new, count > 0

    return run


def _birth_dates(text: str) -> tuple[str, bool]:
    new, count = _BIRTH_DATE.subn(
        lambda m: m.group("context") + m.group("gap") + MARKERS["date"], text
    )
    new, more = _BORN_AFTER.subn(
        lambda m: m.group("context") + " " + MARKERS["date"] + m.group("after"), new
    )
    return new, count + more > 0


def _platform_handles(text: str) -> tuple[str, bool]:
    found = False

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        handle = match.group("handle")
        explicit = match.group("sep").strip() != ""
        looks_like_handle = any(c.isdigit() or c in "_.#" for c in handle)
        if handle.startswith(".") or len(handle) < 3:
            return match.group(0)
        if not looks_like_handle and not (explicit and not lexicon().is_common(handle)):
            return match.group(0)
        found = True
        return match.group("context") + MARKERS["handle"]

    return _PLATFORM_HANDLE.sub(replace, text), found


def _addresses(text: str) -> tuple[str, bool]:
    new, count = _ADDRESS_CONTEXT.subn(lambda m: m.group("context") + MARKERS["address"], text)
    new, more = _STREET.subn(MARKERS["address"], new)
    return new, count + more > 0


_PASSES: tuple[tuple[str, _Pass], ...] = (
    ("email", _simple(_EMAIL, "email")),
    ("email", _simple(_OBFUSCATED_EMAIL, "email")),
    ("url", _simple(_URL, "url")),
    ("iban", _replace_ibans),
    ("url", _simple(_BARE_DOMAIN, "url")),
    ("handle", _simple(_HANDLE, "handle")),
    # Plates first: "TT-000-B" starts with "tt" (TikTok) but is a plate.
    ("plate", _plates),
    ("handle", _platform_handles),
    ("date", _birth_dates),
    ("date", _simple(_FULL_DATE, "date")),
    ("phone", _checked(_PHONE, "phone", _is_personal_phone)),
    ("bsn", _checked(_BSN, "bsn", lambda s: _bsn_valid(re.sub(r"[^0-9]", "", s)))),
    ("postcode", _keep_context(_POSTCODE_CONTEXT, "postcode")),
    ("postcode", _simple(_POSTCODE, "postcode")),
    ("address", _addresses),
    ("street", replace_streets),
    ("school", replace_schools),
    ("name", replace_names),
    ("street", replace_street_names),
)


def redact(text: str) -> Redaction:
    """Replace personal details in ``text`` with markers; see the module docstring."""
    kinds: set[str] = set()
    for kind, run in _PASSES:
        text, found = run(text)
        if found:
            kinds.add(kind)
    return Redaction(text=text, kinds=frozenset(kinds))
