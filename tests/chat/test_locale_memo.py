"""The dialog remembers each user's language in memory (first aid needs it without the
database), for the most recently seen users only."""

from __future__ import annotations

import pytest

import bot.chat.dialog
from bot.chat.dialog import Dialog
from bot.chat.events import Incoming
from tests.chat.conftest import Talk


def asking(principal: str) -> Incoming:
    """An incoming event that does not itself show a Telegram language."""
    return Incoming(update_id=0, user_id=1, principal=principal, language_code=None)


async def test_the_language_seen_is_remembered_for_first_aid(dialog: Dialog) -> None:
    await Talk(dialog, principal="p-en", first_id=10)(text="hello", language_code="en")
    assert dialog.locale_of(asking("p-en")) == "en"
    assert dialog.locale_of(asking("p-unseen")) == "nl"


async def test_only_the_most_recently_seen_users_are_remembered(
    dialog: Dialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.chat.dialog, "REMEMBERED_LOCALES", 3)
    order = ["p1", "p2", "p3", "p1", "p4"]  # p1 is seen again before p4 arrives
    for n, principal in enumerate(order):
        await Talk(dialog, principal=principal, first_id=100 + n)(text="hi", language_code="en")
    remembered = {p: dialog.locale_of(asking(p)) for p in ["p1", "p2", "p3", "p4"]}
    assert remembered == {"p1": "en", "p2": "nl", "p3": "en", "p4": "en"}
