"""Sealed chat ids for the outbox: the sender must know where to deliver, a database reader
must not learn who the reply was for, nor join two pending replies of one person.

Each value is AES-256-GCM with a fresh random 96-bit nonce, under a key derived from the pepper
in its own domain (HKDF-SHA256), so the same chat id seals to a different value every time and
no sealed value equals or reveals a pseudonym, a chat key or a Telegram id. Rows are deleted
once delivered, so a sealed value lives only as long as a reply is pending.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["ChatSeal", "SealError"]

SEAL_DOMAIN = b"samenspraak/outbox-chat/v1"
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that was not made with this pepper (or was altered)."""


class ChatSeal:
    def __init__(self, pepper: bytes) -> None:
        if not pepper:
            raise ValueError("the pepper is empty")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_DOMAIN).derive(pepper)
        self._aead = AESGCM(key)

    def seal(self, chat_id: int) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plain = chat_id.to_bytes(8, "big", signed=True)
        return nonce + self._aead.encrypt(nonce, plain, SEAL_DOMAIN)

    def open(self, sealed: bytes) -> int:
        try:
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], SEAL_DOMAIN)
        except InvalidTag as error:
            raise SealError("not sealed with this pepper") from error
        return int.from_bytes(plain, "big", signed=True)
