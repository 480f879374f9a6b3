"""Feedback opt-ins (#17.5): the chat id is readable only with the pepper and only for its
campaign; the look-up lives in its own keyed domain; the message frame follows the register."""

from __future__ import annotations

from bot.chat.optin import feedback_message
from bot.privacy.optin import decrypt_chat, encrypt_chat, optin_lookup
from bot.privacy.pseudonym import chat_key, participant_pseudonym
from bot.translate import translator

PEPPER = b"optin-test-pepper-" + b"x" * 32
CHAT_ID = 5550123
CAMPAIGN = "c" * 32


def test_the_chat_id_decrypts_with_the_pepper_for_its_campaign_only() -> None:
    """Round trip; another campaign or another pepper reads nothing; the value has no digits
    of the id in clear and differs on every encryption (random nonce)."""
    sealed = encrypt_chat(PEPPER, CAMPAIGN, CHAT_ID)
    assert decrypt_chat(PEPPER, CAMPAIGN, sealed) == CHAT_ID
    assert decrypt_chat(PEPPER, "d" * 32, sealed) is None
    assert decrypt_chat(b"another-pepper-" + b"y" * 32, CAMPAIGN, sealed) is None
    assert decrypt_chat(PEPPER, CAMPAIGN, "not base64 at all!") is None
    assert str(CHAT_ID) not in sealed
    assert encrypt_chat(PEPPER, CAMPAIGN, CHAT_ID) != sealed
    assert len(sealed) <= 120  # the column's width


def test_the_lookup_equals_no_other_keyed_value() -> None:
    """The look-up differs per campaign and from the chat key and every participant pseudonym
    of the same person (separate domains)."""
    lookup = optin_lookup(PEPPER, CAMPAIGN, str(CHAT_ID))
    assert len(lookup) == 64
    assert lookup != optin_lookup(PEPPER, "d" * 32, str(CHAT_ID))
    assert lookup != chat_key(PEPPER, str(CHAT_ID))
    assert lookup != participant_pseudonym(PEPPER, str(CHAT_ID), "w" * 32, "stap-3", 1)


def test_the_feedback_frame_uses_je_for_jongeren_and_u_for_ouders() -> None:
    """The coordinator's text is escaped inside a frame in the participant's register."""
    t = translator("nl")
    jongeren = feedback_message(t, False, "Velsen", "Sport <gratis> & open")
    ouders = feedback_message(t, True, "Velsen", "Sport <gratis> & open")
    assert jongeren.startswith("Je deed mee aan de vragen van werkgroep Velsen")
    assert ouders.startswith("U deed mee aan de vragen van werkgroep Velsen")
    assert "Sport &lt;gratis&gt; &amp; open" in jongeren
    assert ouders.endswith("U staat nu niet meer op de lijst.")
