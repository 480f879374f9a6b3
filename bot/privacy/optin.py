"""Feedback opt-ins (#17.5): what is stored so the werkgroep can later tell a participant what it
did with the answers, and nothing that joins it to those answers.

An opt-in holds, besides its own random id and the campaign:

* ``chat``: the Telegram chat id, encrypted with AES-GCM under a key derived from the pepper
  (HKDF-SHA256 with its own label), bound to the campaign id as associated data. A database
  reader without the pepper cannot read it; a value copied to another campaign does not decrypt;
  the random nonce makes two opt-ins of one person in two campaigns look unrelated.
* ``lookup``: HMAC-SHA256 under the pepper over its own domain, the campaign and the principal.
  It lets ``/vergeet`` find (and a second tap not duplicate) the opt-in without any column that
  joins it to an answer, a participant, a pseudonym or a chat session: no other keyed value uses
  this domain.

No pseudonym, no date. Without the pepper the row says only "someone in this campaign wants
feedback"; with it, the chat id, but still not which answers were theirs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.privacy.errors import PepperError

__all__ = ["decrypt_chat", "encrypt_chat", "optin_lookup"]

LOOKUP_DOMAIN = "samenspraak/feedback-optin/v1"
KEY_LABEL = b"samenspraak/feedback-chat-key/v1"
_NONCE_BYTES = 12


def optin_lookup(pepper: bytes, campaign_id: str, principal: str) -> str:
    """The keyed look-up of ``principal``'s opt-in in one campaign (64 hex characters)."""
    _require(pepper)
    message = json.dumps([LOOKUP_DOMAIN, campaign_id, principal], separators=(",", ":"))
    return hmac.new(pepper, message.encode("ascii"), hashlib.sha256).hexdigest()


def _key(pepper: bytes) -> AESGCM:
    _require(pepper)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(pepper)
    return AESGCM(key)


def encrypt_chat(pepper: bytes, campaign_id: str, chat_id: int) -> str:
    """The chat id, encrypted for one campaign: URL-safe base64 of nonce and ciphertext."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _key(pepper).encrypt(nonce, str(chat_id).encode("ascii"), campaign_id.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt_chat(pepper: bytes, campaign_id: str, stored: str) -> int | None:
    """The chat id, or ``None`` when the value was not made with this pepper for this campaign
    (another pepper after a rotation, a tampered or copied value)."""
    try:
        raw = base64.urlsafe_b64decode(stored.encode("ascii"))
        plain = _key(pepper).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], campaign_id.encode())
        return int(plain.decode("ascii"))
    except (InvalidTag, ValueError, binascii.Error, UnicodeError):
        return None


def _require(pepper: bytes) -> None:
    if not pepper:
        raise PepperError("the pepper is empty; feedback opt-ins cannot be stored")
