"""First aid: the help lines, before the database and independent of it.

Every edge calls :func:`first_aid` on an incoming event *before* the dialog's transaction and
sends what it returns first, so a crisis message gets the help lines even when the database is
down or the flood throttle drops the message. It checks everything a user typed: the text, a
photo, video or document caption, and a command's arguments (the ``/start`` payload), against
the lexicons of the message's own language, the user's language and Dutch.

``/hulp`` is answered here alone: the dialog does not touch the database for it
(:func:`answered_here`). Pure: no database, no Telegram.
"""

from __future__ import annotations

import re
from html import escape

from bot.chat.events import Incoming, Out, Send
from bot.i18n import SUPPORTED_LOCALES
from bot.privacy.crisis import CrisisSignal, detect_crisis
from bot.privacy.helplines import help_reply

HELP_COMMAND = "hulp"


# A campaign's join token as ``storage.repo.new_token`` makes it (``secrets.token_urlsafe`` of 24
# bytes): 32 characters of the URL-safe alphabet. It comes from a link, nobody typed it, and
# random letters cut at "-" and "_" are chat words now and then (1 in about 7,000 tokens held
# "zm", chat for "zelfmoord", and got the suicide help lines instead of the privacy notice).
_JOIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def typed_text(incoming: Incoming) -> str:
    """Everything the user typed in this event (text, caption, the command word and its
    arguments; not the join token of a /start link). The command word counts too: "/ikwildood"
    is a disclosure typed after a slash, not a command."""
    args = [arg for arg in incoming.args if not _is_join_token(incoming, arg)]
    command_line = " ".join(part for part in (incoming.command, *args) if part)
    parts = (incoming.text, incoming.caption, command_line)
    return "\n".join(part for part in parts if part)


def _is_join_token(incoming: Incoming, arg: str) -> bool:
    return (
        incoming.command is not None
        and incoming.command.lower() == "start"
        and len(incoming.args) == 1
        and _JOIN_TOKEN.fullmatch(arg) is not None
    )


def crisis_signal(incoming: Incoming, *locales: str) -> CrisisSignal | None:
    """The crisis signal in what the user typed, checked in the message's own language,
    ``locales`` (the user's languages: stored choice, Telegram's) and Dutch; None when there
    is none."""
    text = typed_text(incoming)
    return detect_crisis(text, crisis_languages(*locales)) if text else None


def crisis_languages(*locales: str) -> tuple[str, ...]:
    """The languages to check a text in besides its own, each once, in order."""
    return tuple(dict.fromkeys(locales))


def answered_here(incoming: Incoming) -> bool:
    """Whether :func:`first_aid` is the whole answer (``/hulp``): the dialog then does nothing."""
    return incoming.command is not None and incoming.command.lower() == HELP_COMMAND


def first_aid(incoming: Incoming, locale: str, *also: str, formal: bool = False) -> list[Out]:
    """The help lines to send before anything else, in ``locale``: for ``/hulp`` the general
    reply, for a crisis signal the reply with the most fitting line first; else nothing.
    ``also``: more languages to check the text in (the reply stays in ``locale``); ``formal``:
    *u* (ouders)."""
    if not incoming.private:
        return []
    signal = crisis_signal(incoming, locale, *also)
    if signal is None and not answered_here(incoming):
        return []
    # /hulp always answers; "/hulp mijn vader slaat me" leads with the line that fits.
    return [help_message(locale, signal, formal=formal)]


def help_message(locale: str, signal: CrisisSignal | None = None, *, formal: bool = False) -> Send:
    """The help-line reply as a message (escaped HTML)."""
    locale = locale if locale in SUPPORTED_LOCALES else "nl"
    return Send(escape(help_reply(locale, signal, formal=formal), quote=False))
