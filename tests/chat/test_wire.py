"""The outbox's JSON form of replies: what is stored is what is delivered."""

from __future__ import annotations

import json

from bot.chat.events import Button, EditButtons, Send, SendDocument, SendPhoto, Toast
from bot.chat.wire import dump_outs, load_outs


def test_replies_survive_the_outbox_unchanged_and_toasts_stay_out() -> None:
    """Texts, keyboards, flags, images and files come back equal after a JSON round trip;
    a toast (only answerable at once) is not stored."""
    keyboard = ((Button("Ja", "j:ja"), Button("Nee", "j:nee")), (Button("مرحبا", "x:1"),))
    outs = [
        Send("<b>Vraag 1 van 12</b>", keyboard, question=True, rtl=True),
        EditButtons(41, ()),
        SendPhoto(b"\x89PNG\x00\xff", "grafiek"),
        SendDocument(b"PK\x03\x04", "plan.docx", "het plan"),
        Toast("Opgeslagen"),
    ]
    stored = json.loads(json.dumps(dump_outs(outs)))
    assert load_outs(stored) == outs[:4]
