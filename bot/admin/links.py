"""``t.me`` deep links for invites and campaigns, and where the bot's username comes from.

The username is taken from ``SAMENSPRAAK_BOT_USERNAME``; without it, and with a token set, the
bot is asked once with ``getMe``. When neither works the link is ``None``: the CLI prints the
token with the hint :data:`NO_USERNAME` instead of a link that would look right and lead nowhere,
and refuses to draw a QR code.
"""

from __future__ import annotations

import logging
import re

from bot.config import Settings

log = logging.getLogger(__name__)

NO_USERNAME = "(zet SAMENSPRAAK_BOT_USERNAME)"

# Telegram's rule for the start parameter: at most 64 characters of A–Z a–z 0–9 _ -.
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Bot usernames: 5–32 characters, letters, digits and underscores.
_USERNAME = re.compile(r"^[A-Za-z0-9_]{5,32}$")


def normalise_username(value: str) -> str:
    """Accept ``name``, ``@name`` or ``https://t.me/name``; return ``name`` or raise ValueError."""
    name = value.strip().removeprefix("https://").removeprefix("http://")
    name = name.removeprefix("t.me/").removeprefix("telegram.me/").lstrip("@").strip("/")
    if not _USERNAME.fullmatch(name):
        raise ValueError(f"not a Telegram bot username: {value!r}")
    return name


def deep_link(username: str, token: str) -> str:
    """The link that opens the bot with ``/start <token>``."""
    if not _START_PARAMETER.fullmatch(token):
        raise ValueError("a start parameter is 1–64 characters of A-Z a-z 0-9 _ -")
    return f"https://t.me/{normalise_username(username)}?start={token}"


def link_or_none(username: str | None, token: str) -> str | None:
    return deep_link(username, token) if username else None


def shown(link: str | None) -> str:
    """A link as printed for people: the link itself, or the hint how to get one."""
    return link if link is not None else NO_USERNAME


async def resolve_bot_username(settings: Settings) -> str | None:
    """The bot's username from the settings, else from ``getMe``; None when neither works."""
    if settings.bot_username:
        return normalise_username(settings.bot_username)
    if settings.telegram_token is None:
        return None
    return await fetch_bot_username(
        settings.telegram_token.get_secret_value(), settings.telegram_api_url
    )


async def fetch_bot_username(token: str, base_url: str) -> str | None:
    """Ask Telegram (or a local Bot API server) for the bot's username.

    Telegram is imported here, not at the top, so the service and the CLI load without it.
    A failure is logged without the token and gives None: a werkgroep can still be created and
    its tokens turned into links later.
    """
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(token, base_url=base_url) as bot:  # initialize() calls getMe
            return bot.username
    except (TelegramError, OSError) as exc:
        log.warning("getMe failed (%s); set SAMENSPRAAK_BOT_USERNAME", type(exc).__name__)
        return None
