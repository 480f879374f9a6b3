"""Which free-text answers may be shown as a quote: the one decision every channel uses.

A quote reaches the werkgroep through the summary only (chat ``/samenvatting``, the discussion
input before a werkgroep question, ``samenspraak samenvatting``, the plan and its exports), and
all of those read the quotes of a release through :mod:`bot.summary.build`. So the rule lives
here, once, and is applied twice: when a release picks its quotes
(:mod:`bot.summary.figures`) and when a stored release is shown again (releases made under
older rules stay in the database; what is shown follows the current rule).

A text may be shown when

* its answer carried no crisis flag, and the text (redacted again) gives no crisis signal now;
* after redaction it carries no marker and nothing name- or place-like
  (:func:`bot.privacy.quotes.quote_is_safe`);
* something is left to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.privacy.crisis import detect_crisis
from bot.privacy.quotes import quote_is_safe
from bot.privacy.redact import redact

__all__ = ["quote_may_be_shown", "showable_quotes"]


def quote_may_be_shown(text: str, *, crisis: bool) -> bool:
    """True when ``text`` (an answer, crisis-flagged or not) may be quoted to the werkgroep."""
    if crisis:
        return False
    redacted = redact(text).text.strip()
    if not redacted or detect_crisis(redacted) is not None:
        return False
    return quote_is_safe(redacted)


def showable_quotes(quotes: Iterable[str]) -> tuple[str, ...]:
    """The quotes of a release that may still be shown, in their released order.

    Quotes in a release never come from crisis-flagged answers (the sample leaves them out in
    SQL), so only the text is checked again.
    """
    return tuple(quote for quote in quotes if quote_may_be_shown(quote, crisis=False))
