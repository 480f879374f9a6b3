"""Keyed pseudonyms for participants: HMAC-SHA256 of the Telegram user id under a secret pepper.

A plain hash would not do: Telegram ids have at most 52 bits, so anyone holding the database
could hash every id and reverse it. The pepper lives outside the database (environment variable
``SAMENSPRAAK_PEPPER`` or the file ``<data_dir>/pepper`` with mode 0600), and without it the bot
refuses to start. Losing the pepper cuts every pseudonym link, which is the same as the link
being cut when a campaign closes: no data leaks, participants just cannot resume or erase.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from bot.privacy.errors import PepperError

__all__ = [
    "ENV_NAME",
    "MIN_PEPPER_CHARS",
    "PEPPER_FILE_NAME",
    "PepperError",
    "load_pepper",
    "pseudonymize",
]

ENV_NAME = "SAMENSPRAAK_PEPPER"
PEPPER_FILE_NAME = "pepper"
MIN_PEPPER_CHARS = 32
# 32 random bytes, stored as 64 hex characters so the file is plain text an operator can copy.
_GENERATED_BYTES = 32


def pseudonymize(pepper: bytes, user_id: int | str) -> str:
    """Return the hex HMAC-SHA256 of ``str(user_id)`` keyed with ``pepper``."""
    if not pepper:
        raise PepperError(f"{ENV_NAME}: the pepper is empty; the bot cannot make pseudonyms")
    return hmac.new(pepper, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()


def load_pepper(env_pepper: str | None, data_dir: Path, create: bool) -> bytes:
    """Find the pepper: the environment value if set, else ``data_dir/pepper``.

    ``create`` allows writing a new random pepper file when none exists (first start of a
    single-machine deployment). Replicas that share a database must share the pepper through
    the environment instead, so they should call this with ``create=False``.
    """
    if env_pepper is not None:
        if len(env_pepper) < MIN_PEPPER_CHARS:
            raise PepperError(
                f"{ENV_NAME} is too short ({len(env_pepper)} characters); use at least "
                f"{MIN_PEPPER_CHARS}, for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return env_pepper.encode("utf-8")

    path = data_dir / PEPPER_FILE_NAME
    if not path.exists():
        if not create:
            raise PepperError(
                f"no pepper: set {ENV_NAME} (at least {MIN_PEPPER_CHARS} characters) or create "
                f"the file {path} with mode 0600"
            )
        _create_pepper_file(path)
    return _read_pepper_file(path)


def _read_pepper_file(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    # Group or other bits mean another account on the machine could read the pepper.
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PepperError(
            f"the pepper file {path} can be read by others (mode {mode:o}); run `chmod 600 "
            f"{path}` or set {ENV_NAME} instead"
        )
    value = path.read_text(encoding="utf-8").strip()
    if len(value) < MIN_PEPPER_CHARS:
        raise PepperError(
            f"the pepper file {path} holds {len(value)} characters; it needs at least "
            f"{MIN_PEPPER_CHARS} (or set {ENV_NAME})"
        )
    return value.encode("utf-8")


def _create_pepper_file(path: Path) -> None:
    """Write a new pepper so that no reader ever sees a partly written or too open file.

    The value goes into a private temporary file first (O_EXCL, 0600, flushed to disk), which
    is then hard-linked to its final name: the link fails instead of overwriting when another
    process won the race, and then that process's pepper is the one everybody reads.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        # The umask can only remove bits, but make the mode explicit anyway.
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(_GENERATED_BYTES) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
