"""Whether a free-text answer may be shown as a quote, and whether a campaign label is clean.

Redaction is a safety net with holes; a quote is a verbatim sentence shown to a werkgroep that
may know the child. So a quote needs more than redaction: after redacting, it must carry no
marker at all (something was removed, so the rest may still point at someone) and nothing
name- or place-like:

* a capitalised word, not at the start of a sentence, that is in the name or place lists
  ("met Noor naar de Jumbo in Zwolle");
* any word in those lists, wherever and however written, that is not also a common Dutch word
  ("sanne zei dat", but "hoop" and "klaar" are fine).

Crisis-flagged answers are excluded by the caller (the summary's quote selection), not here.

A campaign label is chosen by the coordinator and names a coarse segment by design ("Ichthus
College 2b", "wijk Noord"): schools, streets-as-wijk and places are allowed, a person's name or
contact details are not. :func:`label_problem` returns a stable error code for the caller to
turn into a message.
"""

from __future__ import annotations

import re

from bot.privacy.names import lexicon
from bot.privacy.redact import MARKERS, redact

__all__ = ["LABEL_PROBLEMS", "label_problem", "quote_is_safe"]

_MARKER = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))
_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])\s*[\"'“‘(]*\s*$")

# Kinds a label may contain: a school is exactly the coarse group a label is for.
_ALLOWED_IN_LABEL = frozenset({"school"})
# Error codes per redaction kind; the caller owns the wording.
LABEL_PROBLEMS: dict[str, str] = {
    "name": "label_person_name",
    "phone": "label_phone",
    "email": "label_email",
    "handle": "label_handle",
    "url": "label_link",
    "bsn": "label_bsn",
    "iban": "label_iban",
    "postcode": "label_postcode",
    "address": "label_address",
    "street": "label_street",
    "date": "label_date",
    "plate": "label_plate",
}
# When a label has several problems, the code of the most personal one is returned.
_PRIORITY = tuple(LABEL_PROBLEMS)


def _name_or_place_like(text: str) -> bool:
    words = lexicon()
    for match in _WORD.finditer(text):
        word = match.group(0)
        listed_name = words.is_name(word)
        listed_place = words.is_place(word)
        if not (listed_name or listed_place):
            continue
        initial = bool(_SENTENCE_START.search(text, max(0, match.start() - 12), match.start()))
        if word[0].isupper() and not initial:
            return True
        if not words.is_common(word):
            return True
    return False


def quote_is_safe(text: str) -> bool:
    """True when ``text``, once redacted, has no marker and nothing name- or place-like."""
    redacted = redact(text)
    if redacted.kinds or _MARKER.search(redacted.text):
        return False
    return not _name_or_place_like(redacted.text)


def label_problem(label: str) -> str | None:
    """An error code when a campaign label carries a person's details, else None."""
    found = redact(label).kinds - _ALLOWED_IN_LABEL
    for kind in _PRIORITY:
        if kind in found:
            return LABEL_PROBLEMS[kind]
    if found:
        return "label_personal_detail"
    return None
