"""Keyed pseudonyms: HMAC-SHA256 under a secret pepper, in separate domains per use.

Two kinds of key are derived from a *principal* (an opaque, channel-qualified identity: the
decimal Telegram user id, or ``web:<session id>``):

* :func:`chat_key` keys the chat session (language, current mode, werkgroep membership);
* :func:`participant_pseudonym` keys a participant row, scoped to one (werkgroep, step, round).

Each is an HMAC over a JSON array that starts with its own domain separator, so no value of one
kind equals a value of the other, and a participant's pseudonyms in two scopes share nothing: a
database reader cannot join one person's answers across steps, nor a member's chat session to
their answers as a parent. The JSON array makes the encoding unambiguous (``["a","bc"]`` and
``["ab","c"]`` differ), which plain concatenation would not.

A plain hash would not do: Telegram ids have at most 52 bits, so anyone holding the database
could hash every id and reverse it. The pepper lives outside the database (environment variable
``SAMENSPRAAK_PEPPER`` or the file ``<data_dir>/pepper`` with mode 0600), and without it the bot
refuses to start. Losing the pepper cuts every pseudonym link, which is the same as the link
being cut when a campaign closes: no data leaks, participants just cannot resume or erase.
"""

from __future__ import annotations

import hashlib
import hmac
import json
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
    "chat_key",
    "load_pepper",
    "member_ref",
    "participant_pseudonym",
    "pseudonymize",
]

ENV_NAME = "SAMENSPRAAK_PEPPER"
PEPPER_FILE_NAME = "pepper"
MIN_PEPPER_CHARS = 32
# 32 random bytes, stored as 64 hex characters so the file is plain text an operator can copy.
_GENERATED_BYTES = 32


# Versioned, so that a future change of derivation cannot collide with today's values.
CHAT_DOMAIN = "samenspraak/chat-session/v1"
PARTICIPANT_DOMAIN = "samenspraak/participant/v1"
MEMBER_REF_DOMAIN = "samenspraak/member-ref/v1"
CAMPAIGN_TOKEN_DOMAIN = "samenspraak/campaign-token/v1"


def pseudonymize(pepper: bytes, user_id: int) -> str:
    """Return the hex HMAC-SHA256 of ``str(user_id)`` keyed with ``pepper``.

    The unscoped pseudonym of releases before migration 0003; kept only so that tests can show
    that no stored value equals it any more. New code uses :func:`chat_key` and
    :func:`participant_pseudonym`.
    """
    _require(pepper)
    return hmac.new(pepper, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()


def chat_key(pepper: bytes, principal: str) -> str:
    """The key of a principal's chat session (never equal to any participant pseudonym)."""
    return _keyed(pepper, CHAT_DOMAIN, principal)


def participant_pseudonym(
    pepper: bytes, principal: str, werkgroep_id: str, step_key: str, round: int
) -> str:
    """The principal's pseudonym as a participant of one (werkgroep, step, round).

    Every campaign of that scope (several schools, a second link) maps the same person to the
    same value, so one person counts once per scope; another scope gives an unrelated value.
    """
    return _keyed(pepper, PARTICIPANT_DOMAIN, werkgroep_id, step_key, str(round), principal)


def member_ref(pepper: bytes, member_id: str) -> str:
    """What a chat session stores to remember the membership it works for.

    Not the member id itself: a chat session also points at the participant conversation of
    someone answering as a parent, and a plain member id there would name that parent.
    """
    return _keyed(pepper, MEMBER_REF_DOMAIN, member_id)


def campaign_token(pepper: bytes, campaign_id: str) -> str:
    """A campaign's link token, derived from the pepper and the campaign id.

    The database keeps only its hash, as for random tokens, yet a coordinator can be shown the
    link and QR code again later: whoever has the pepper can derive it, no one else.
    """
    return _keyed(pepper, CAMPAIGN_TOKEN_DOMAIN, campaign_id)[:40]


def _keyed(pepper: bytes, domain: str, *parts: str) -> str:
    _require(pepper)
    message = json.dumps([domain, *parts], separators=(",", ":"), ensure_ascii=True)
    return hmac.new(pepper, message.encode("ascii"), hashlib.sha256).hexdigest()


def _require(pepper: bytes) -> None:
    if not pepper:
        raise PepperError(f"{ENV_NAME}: the pepper is empty; the bot cannot make pseudonyms")


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
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # the data directory holds the pepper and the database
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
