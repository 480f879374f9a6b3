"""The privacy and safety core: pseudonyms, redaction, crisis detection, disclosure control.

Pure: no Telegram and no database. Every summary, export and stored free text goes through
this package (see the privacy guide for the rules and why).

* :mod:`bot.privacy.pseudonym`: keyed pseudonyms and the pepper they need.
* :mod:`bot.privacy.redact`: personal details out of free text, before it is stored.
* :mod:`bot.privacy.crisis`: recognise a disclosure of danger; :mod:`bot.privacy.helplines`
  holds the help lines and the message that lists them.
* :mod:`bot.privacy.disclosure`: minimum group size, cell suppression, releases, quotes.

Exceptions::

    SamenspraakError (bot.errors)
    ├── ConfigError
    │   └── PepperError        the pepper is missing, too short or readable by others
    └── PrivacyError           a privacy rule was about to be broken
        └── DisclosureError    a breakdown would reveal too much (e.g. three dimensions)

A k below 5 or a negative count is a programming or configuration mistake and raises
``ValueError``; a malformed crisis lexicon raises ``LexiconError`` (a ``ValueError``).
"""

from __future__ import annotations

from bot.privacy.crisis import CrisisSignal, detect_crisis
from bot.privacy.disclosure import (
    Cell,
    Table2D,
    check_dimensions,
    select_quotes,
    should_release,
    suppress_1d,
    suppress_2d,
    total_cell,
    validate_k,
)
from bot.privacy.errors import DisclosureError, PepperError, PrivacyError
from bot.privacy.helplines import Helpline, helpline_message, load_helplines
from bot.privacy.pseudonym import load_pepper, pseudonymize
from bot.privacy.redact import Redaction, redact

__all__ = [
    "Cell",
    "CrisisSignal",
    "DisclosureError",
    "Helpline",
    "PepperError",
    "PrivacyError",
    "Redaction",
    "Table2D",
    "check_dimensions",
    "detect_crisis",
    "helpline_message",
    "load_helplines",
    "load_pepper",
    "pseudonymize",
    "redact",
    "select_quotes",
    "should_release",
    "suppress_1d",
    "suppress_2d",
    "total_cell",
    "validate_k",
]
