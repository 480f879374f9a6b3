"""The one place where UI text becomes HTML: translate, fill named placeholders, escape.

Everything the chat sends is Telegram HTML. A message is written as a Dutch msgid with
``%(name)s`` placeholders; :func:`html` translates it, fills in the parameters and escapes the
whole result, so neither a translation nor a user-given parameter can inject markup.
"""

from __future__ import annotations

from html import escape

from bot.translate import Translator


def fill(text: str, params: dict[str, object]) -> str:
    # Only with parameters: a msgid without placeholders may contain a literal "%".
    return text % params if params else text


def html(t: Translator, msgid: str, params: dict[str, object]) -> str:
    return escape(fill(t.gettext(msgid), params))


def flow_html(t: Translator, flow_id: str, text: str) -> str:
    """A flow's text (looked up with the flow id as context), as escaped HTML."""
    return escape(t.pgettext(flow_id, text))


class Say:
    """``say(msgid, **params)``: the msgid translated and filled in, as escaped HTML."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    def __call__(self, msgid: str, **params: object) -> str:
        return html(self.t, msgid, params)


class Voice:
    """Translated UI strings in the right register: *je* for jongeren and werkgroep, *u* for
    ouders (B1 guidance for parents). Called as ``voice(je, u, **params)``; the result is HTML
    unless the voice was made with ``html=False`` (toasts are plain text)."""

    def __init__(self, t: Translator, formal: bool, *, html: bool = True) -> None:
        self.t = t
        self.formal = formal
        self.html = html

    def __call__(self, je: str, u: str, **params: object) -> str:
        text = fill(self.t.gettext(u if self.formal else je), params)
        return escape(text) if self.html else text
