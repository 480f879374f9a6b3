"""The anonymous web session: a random id in a signed cookie, and its CSRF token.

The cookie holds ``<id>.<signature>``; the signature (HMAC with a key derived from the pepper)
lets the server refuse a made-up or altered cookie without a database look-up. The CSRF token is
bound to the session id in the same way, so a form post from another site, which cannot read the
cookie-bound token, is refused. Nothing about the session is stored server-side: the dialog keys
the participant's state on ``runtime.subject("web:<id>")``, the same keyed pseudonym as for
Telegram users.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

COOKIE_NAME = "samenspraak"
_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
_ID_BYTES = 24  # 192 random bits, 32 URL-safe characters


class SessionKeys:
    def __init__(self, pepper: bytes) -> None:
        # Derived, not the pepper itself: the cookie signature never reveals pseudonym keys.
        self._key = hmac.new(pepper, b"samenspraak-web-session", hashlib.sha256).digest()

    def _mac(self, purpose: str, session_id: str) -> str:
        message = f"{purpose}:{session_id}".encode("ascii")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def new_cookie(self) -> tuple[str, str]:
        """(session id, cookie value) for a new visitor."""
        session_id = secrets.token_urlsafe(_ID_BYTES)
        return session_id, f"{session_id}.{self._mac('cookie', session_id)}"

    def session_id(self, cookie: str | None) -> str | None:
        """The session id of a genuine cookie; None for a missing, malformed or forged one."""
        if not cookie:
            return None
        session_id, _, signature = cookie.partition(".")
        if not _ID.fullmatch(session_id):
            return None
        if not hmac.compare_digest(signature, self._mac("cookie", session_id)):
            return None
        return session_id

    def csrf_token(self, session_id: str) -> str:
        return self._mac("csrf", session_id)

    def csrf_ok(self, session_id: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf_token(session_id))


def principal(session_id: str) -> str:
    return f"web:{session_id}"
