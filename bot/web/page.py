"""HTML for the browser channel: the dialog's ``Out`` values as a page of plain forms.

The only module of :mod:`bot.web` that writes markup. A ``Send``'s text is the renderer's
Telegram HTML (``<b>``, ``<i>``, ``<a>``, everything from users and flows already escaped); its
buttons become submit buttons whose value is the same opaque button data Telegram gets, so the
dialog cannot tell the channels apart. Every form carries the session-bound CSRF token and the
page's nonce (one page answers once: a second post of any form on it is a replay).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape

from babel.dates import format_date

from bot.chat.events import Keyboard, Out, Send, SendDocument, SendPhoto, Toast
from bot.translate import RTL, Translator, language_names

MAX_LABEL = 200
# The web's own commands: only these buttons turn into dialog commands, never typed text.
COMMAND_STOP = "stop"
COMMAND_RESUME = "verder"
COMMAND_ERASE = "vergeet"
COMMAND_HELPLINES = "hulp"
COMMANDS = frozenset({COMMAND_STOP, COMMAND_RESUME, COMMAND_ERASE, COMMAND_HELPLINES})
LABEL_SEPARATOR = "|"
CHECKED = "☑ "
UNCHECKED = "☐ "


@dataclass(frozen=True)
class Chrome:
    """What the page around the messages needs: language, tokens and which buttons to show."""

    t: Translator
    csrf: str
    nonce: str
    question_token: str = ""
    active: bool = False  # a question is open: show Stoppen
    paused: bool = False  # stopped earlier: show Verder
    # The campaign token while the privacy notice waits for "Ik doe mee": it lets the page
    # show the notice again after a language change or a stray post.
    link_token: str = ""

    @property
    def locale(self) -> str:
        return self.t.locale


def document(chrome: Chrome, main: str, *, title: str = "Samenspraak") -> str:
    t = chrome.t
    direction = "rtl" if chrome.locale in RTL else "ltr"
    # Translated outside the f-strings: the catalog extractor does not look inside them.
    skip = escape(t.gettext("Naar de vraag"))
    return (
        "<!doctype html>\n"
        f'<html lang="{escape(chrome.locale)}" dir="{direction}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/static/app.css">\n'
        '<script src="/static/app.js" defer></script>\n'
        "</head>\n"
        "<body>\n"
        f'<a class="skip" href="#main">{skip}</a>\n'
        "<header>\n"
        '<p class="brand">Samenspraak</p>\n'
        f"{_language_menu(chrome)}"
        "</header>\n"
        f'<main id="main" tabindex="-1">\n{main}</main>\n'
        f"{_footer(chrome)}"
        "</body>\n"
        "</html>\n"
    )


def _hidden(chrome: Chrome) -> str:
    link = (
        f'<input type="hidden" name="j" value="{escape(chrome.link_token)}">'
        if chrome.link_token
        else ""
    )
    return (
        f'<input type="hidden" name="csrf" value="{escape(chrome.csrf)}">'
        f'<input type="hidden" name="n" value="{escape(chrome.nonce)}">{link}'
    )


@cache
def _languages() -> tuple[tuple[str, str], ...]:
    # Babel builds the names from its locale data: about a millisecond, on every page otherwise.
    return tuple(language_names().items())


def _language_menu(chrome: Chrome) -> str:
    if not chrome.csrf:
        return ""
    label = escape(chrome.t.gettext("Taal"))
    buttons = "".join(
        f'<button type="submit" name="b" value="l:{code}" lang="{code}"'
        f"{' aria-current=' + chr(34) + 'true' + chr(34) if code == chrome.locale else ''}>"
        f"{escape(name)}</button>"
        for code, name in _languages()
    )
    return (
        f'<nav aria-label="{label}"><form method="post" action="/s" class="languages">'
        f"{_hidden(chrome)}{buttons}</form></nav>\n"
    )


def _footer(chrome: Chrome) -> str:
    if not chrome.csrf:
        return ""
    t = chrome.t
    buttons = []
    if chrome.paused and not chrome.active:
        buttons.append(_command(COMMAND_RESUME, t.gettext("Verder")))
    if chrome.active:
        buttons.append(_command(COMMAND_STOP, t.gettext("Stoppen")))
    buttons.append(_command(COMMAND_HELPLINES, t.gettext("Hulplijnen")))
    buttons.append(_command(COMMAND_ERASE, t.gettext("Wis mijn antwoorden")))
    return (
        '<footer><form method="post" action="/s" class="commands">'
        f"{_hidden(chrome)}{''.join(buttons)}</form></footer>\n"
    )


def _command(name: str, label: str) -> str:
    return f'<button type="submit" name="c" value="{name}">{escape(label)}</button>'


def conversation(
    chrome: Chrome, outs: Sequence[Out], *, echo: str | None = None, echo_at: int = 0
) -> str:
    """The main part of a dialog page: notices, messages, and the open question's forms.

    ``echo`` is the participant's own answer, shown back so the chosen answer stays visible,
    before the message at ``echo_at`` (1 after a crisis reply: help lines come first)."""
    parts: list[str] = []
    toasts = [out.text for out in outs if isinstance(out, Toast) and out.text]
    for text in toasts:
        parts.append(f'<p class="notice" role="status">{escape(text)}</p>\n')
    sends = [out for out in outs if isinstance(out, Send | SendPhoto | SendDocument)]
    last_question = max(
        (i for i, out in enumerate(sends) if isinstance(out, Send) and out.question), default=-1
    )
    for index, out in enumerate(sends):
        if echo is not None and index == echo_at:
            parts.append(_echo(chrome.t, echo))
            echo = None
        if isinstance(out, Send):
            parts.append(_message(chrome, out, current=index == last_question))
        else:
            # Photos and documents are coordinator material; the web has no coordinators.
            parts.append(f'<div class="msg">{out.caption}</div>\n')
    if echo is not None:
        parts.append(_echo(chrome.t, echo))
    return "".join(parts)


def _echo(t: Translator, answer: str) -> str:
    text = t.gettext("Jouw antwoord: %(answer)s") % {"answer": answer[:MAX_LABEL]}
    return f'<p class="msg mine" dir="auto">{escape(text)}</p>\n'


def _lines(text_html: str) -> str:
    """One block per line, each with its own direction: a Dutch flow text on an Arabic page
    (or an Arabic answer on a Dutch one) is laid out in its own direction, not mirrored."""
    return "".join(
        f'<span class="line" dir="auto">{line}</span>\n' for line in text_html.split("\n")
    )


def _message(chrome: Chrome, out: Send, *, current: bool) -> str:
    body = _lines(out.text)
    if not current:
        return f'<div class="msg">{body}{_buttons(chrome, out.buttons)}</div>\n'
    label = escape(chrome.t.gettext("Huidige vraag"))
    text_box = "" if _has_options(out.buttons) else _text_form(chrome)
    return (
        f'<section class="msg question" id="vraag" aria-label="{label}">'
        f"<div>{body}</div>{_buttons(chrome, out.buttons)}{text_box}</section>\n"
    )


def _has_options(buttons: Keyboard) -> bool:
    return any(button.data.startswith("o:") for row in buttons for button in row)


def _buttons(chrome: Chrome, keyboard: Keyboard) -> str:
    if not keyboard:
        return ""
    rows = []
    for row in keyboard:
        items = []
        for button in row:
            label = button.text
            pressed = ""
            if label.startswith(CHECKED):
                pressed, label = ' aria-pressed="true"', label[len(CHECKED) :]
            elif label.startswith(UNCHECKED):
                pressed, label = ' aria-pressed="false"', label[len(UNCHECKED) :]
            # The label travels along (after a bar, which button data never holds) so the
            # chosen answer can be shown back. Not a newline: browsers send those as CR LF.
            value = f"{button.data}{LABEL_SEPARATOR}{button.text}"
            items.append(
                f'<button type="submit" name="b" value="{escape(value)}" dir="auto"{pressed}>'
                f"{escape(label)}</button>"
            )
        rows.append(f'<div class="row">{"".join(items)}</div>')
    return (
        f'<form method="post" action="/s" class="buttons">{_hidden(chrome)}{"".join(rows)}</form>'
    )


def _text_form(chrome: Chrome) -> str:
    t = chrome.t
    label = escape(t.gettext("Typ hier je antwoord"))
    send = escape(t.gettext("Versturen"))
    return (
        '<form method="post" action="/s" class="answer">'
        f"{_hidden(chrome)}"
        f'<input type="hidden" name="q" value="{escape(chrome.question_token)}">'
        f'<label for="antwoord">{label}</label>'
        '<textarea id="antwoord" name="t" rows="4" maxlength="4000" required autofocus>'
        "</textarea>"
        f'<button type="submit" class="primary">{send}</button>'
        "</form>"
    )


def notice(text: str, *, heading: str | None = None) -> str:
    """A plain page body: an optional heading and one paragraph (already-translated text)."""
    head = f"<h1>{escape(heading)}</h1>\n" if heading else ""
    return f'{head}<p class="msg">{escape(text)}</p>\n'


def help_lines(text_html: str) -> str:
    return f'<div class="msg crisis" role="alert">{_lines(text_html)}</div>\n'


def landing(
    chrome: Chrome, token: str, werkgroep: str, telegram_link: str | None, formal: bool
) -> str:
    """The campaign link's page: the browser first, Telegram (16+) second, always this order.

    Telegram's terms ask EU users to be 16 or older; most jongeren who get the link are younger,
    so the browser is the first and the largest choice.
    """
    t = chrome.t
    heading = t.gettext("Praat mee met je gemeente")
    intro = (
        t.gettext(
            "De werkgroep %(werkgroep)s wil weten wat u denkt. U doet anoniem mee: we vragen "
            "niet uw naam."
        )
        if formal
        else t.gettext(
            "De werkgroep %(werkgroep)s wil weten wat jij denkt. Je doet anoniem mee: we vragen "
            "niet je naam."
        )
    ) % {"werkgroep": werkgroep}
    answer_here = escape(t.gettext("Beantwoord hier in je browser"))
    open_telegram = escape(t.gettext("Open in Telegram (16 jaar of ouder)"))
    telegram = ""
    if telegram_link:
        telegram = (
            f'<p><a class="button secondary" href="{escape(telegram_link, quote=True)}" '
            f'rel="noopener noreferrer">{open_telegram}'
            "</a></p>\n"
        )
    return (
        f"<h1>{escape(heading)}</h1>\n"
        f'<p class="msg">{escape(intro)}</p>\n'
        f'<form method="post" action="/j/{escape(token, quote=True)}" class="start">'
        f"{_hidden(chrome)}"
        f'<button type="submit" class="primary">{answer_here}'
        "</button></form>\n"
        f"{telegram}"
    )


def feedback(t: Translator, items: list[tuple[str, date]]) -> str:
    """What the werkgroep wrote back about the campaign's answers (#17.5), newest first."""
    if not items:
        return ""
    heading = escape(t.gettext("Wat de werkgroep met de antwoorden doet"))
    blocks = "".join(
        f'<article class="msg feedback"><p><time datetime="{sent.isoformat()}">'
        f"{escape(format_date(sent, format='long', locale=t.locale))}</time></p>"
        f"{_lines(escape(text))}</article>\n"
        for text, sent in items
    )
    return f'<section aria-labelledby="feedback"><h2 id="feedback">{heading}</h2>\n{blocks}</section>\n'
