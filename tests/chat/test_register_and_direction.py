"""Issue 18 items 3, 4, 5 and 12 in the pure parts: the u form of the help lines, isolated
numbers in right-to-left text, admin refusals as codes, the menu per role."""

from __future__ import annotations

import re

import pytest

from bot.admin.errors import MESSAGES, AdminError, NotFound
from bot.chat.menu import commands_for, highest
from bot.chat.render import counter
from bot.engine import NextQuestion
from bot.engine.schema import TextStep
from bot.privacy.helplines import render_help
from bot.translate import translator

LRI, PDI = "\u2066", "\u2069"
QUESTION = TextStep(kind="text", id="q", text="Wat merk je?")


def test_counter_isolates_numbers_only_in_arabic() -> None:
    """'Vraag n van m' is plain in Dutch; in Arabic both numbers are left-to-right isolates."""
    asked = NextQuestion(QUESTION, 2, 12)
    assert counter(asked, translator("nl")) == "Vraag 2 van 12"
    assert counter(asked, translator("ar")) == f"السؤال {LRI}2{PDI} من {LRI}12{PDI}"


def test_help_lines_for_ouders_say_u() -> None:
    """The formal help reply has no je/jij/jou, and keeps every number of the je reply."""
    formal = render_help(translator("nl"), formal=True)
    informal = render_help(translator("nl"))
    assert not re.search(r"\b(je|jij|jou|jouw)\b", formal, flags=re.IGNORECASE)
    assert re.findall(r"\u2066([0-9-]+)\u2069", formal) == re.findall(
        r"\u2066([0-9-]+)\u2069", informal
    )


def test_admin_error_is_a_code_with_parameters() -> None:
    """str() is the Dutch sentence; message(gettext) translates first, then fills in."""
    error = NotFound("campaign_not_found", campaign_id="c1")
    assert str(error) == "Geen campagne met id c1."
    english = {MESSAGES["campaign_not_found"]: "No campaign with id %(campaign_id)s."}
    assert error.message(lambda msgid: english.get(msgid, msgid)) == "No campaign with id c1."
    with pytest.raises(ValueError, match="unknown admin error code"):
        AdminError("geen-code")


def test_menus_per_role() -> None:
    """Participants see no werkgroep commands; members add /stap and /werkgroep; coordinators
    add their own; the highest remaining role decides after a removal."""
    names = {role: [name for name, _ in commands_for(role)] for role in (None, "member")}
    coordinator = [name for name, _ in commands_for("coordinator")]
    assert "stap" not in names[None] and "samenvatting" not in names["member"]
    assert set(names["member"]) - set(names[None]) == {"stap", "werkgroep"}
    assert set(coordinator) - set(names["member"]) == {
        "samenvatting",
        "vastleggen",
        "plan",
        "campagne",
        "campagnes",
        "leden",
        "uitnodigen",
        "herinnering",
    }
    assert highest(["member", "coordinator"]) == "coordinator"
    assert highest([]) is None
