"""Locales the bot ships. Catalog loading and translation live in ``bot.translate``."""

from __future__ import annotations

SUPPORTED_LOCALES: tuple[str, ...] = ("nl", "en", "tr", "ar", "pl")
SOURCE_LOCALE = "nl"
