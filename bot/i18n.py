"""Locales the bot ships. Catalog loading and translation live in ``bot.translate``."""

from __future__ import annotations

SUPPORTED_LOCALES: tuple[str, ...] = ("nl", "en", "tr", "ar", "pl")
SOURCE_LOCALE = "nl"


def N_(message: str) -> str:
    """Marks a constant for the catalog extractor; it is translated where it is shown."""
    return message
