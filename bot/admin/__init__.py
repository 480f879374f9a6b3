"""Werkgroepen, roles, invites and campaigns: one service for the CLI and coordinator commands.

:mod:`bot.admin.service` holds the actions (each takes an ``AsyncSession`` and returns plain
dataclasses), :mod:`bot.admin.links` the ``t.me`` deep links, :mod:`bot.admin.qr` the QR codes.
Nothing here imports Telegram at module level, so the CLI works without a bot token.

Errors, all in :mod:`bot.admin.errors`. The message of each is safe to show to whoever asked,
and the service raises before it changes anything, so the caller's transaction rolls back clean::

    bot.errors.SamenspraakError
    └── AdminError              the request is refused
        ├── NotFound            no werkgroep, campaign or member with that id (in that werkgroep)
        ├── InvalidRequest      unknown plan or step, a step without questions for that doelgroep,
        │                       a bad name or label, a closing date in the past, …
        └── PermissionDenied    not a coordinator of that werkgroep; one neutral message whether
                                the werkgroep exists, belongs to someone else or the user was
                                removed, so it reveals nothing about other werkgroepen

Refusals are exceptions rather than returned values (unlike the engine's user mistakes) because
two edges call the same functions several calls deep, and an exception rolls the transaction
back on its way out.
"""

from bot.admin.errors import AdminError, InvalidRequest, NotFound, PermissionDenied

__all__ = ["AdminError", "InvalidRequest", "NotFound", "PermissionDenied"]
