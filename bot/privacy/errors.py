"""Exceptions of :mod:`bot.privacy` (the tree is drawn in the package docstring)."""

from __future__ import annotations

from bot.errors import ConfigError, SamenspraakError


class PrivacyError(SamenspraakError):
    """A privacy rule was about to be broken; the caller must not show or store the result."""


class DisclosureError(PrivacyError):
    """A breakdown or export would reveal too much (for example more than two dimensions)."""


class PepperError(ConfigError):
    """The pseudonym pepper is missing, too short or readable by others; start-up stops."""
