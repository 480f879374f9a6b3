"""Exceptions of :mod:`bot.admin`; the tree is drawn in the package docstring."""

from __future__ import annotations

from bot.errors import SamenspraakError


class AdminError(SamenspraakError):
    """A refused request; ``str(error)`` is one Dutch sentence that is safe to show."""


class NotFound(AdminError):
    """No werkgroep, campaign or member with that id (within the werkgroep asked about)."""


class InvalidRequest(AdminError):
    """The request names something that does not exist in the plan, or a value is not allowed."""


class PermissionDenied(AdminError):
    """Only a coordinator of the werkgroep may do this; the message never says more."""
