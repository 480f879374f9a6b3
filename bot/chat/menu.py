"""Telegram's "/" menu per role: the commands a participant, a member and a coordinator see.

The default menu (every chat, per language; set at start-up) holds only the participant
commands. A werkgroep member's or coordinator's private chat gets its own menu, in the user's
language, when the role is granted (the invite link, a werkgroep chosen with /werkgroep); a
language chosen with /taal sets the chat's menu of its role in that language, a participant's
too. When the last role is removed the chat's own menu is deleted, so the default applies again.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.chat.events import SetMenu
from bot.i18n import N_
from bot.translate import Translator, translator
from storage import Session, repo

Commands = tuple[tuple[str, str], ...]

# (command, description) in Dutch; descriptions are translated where the menu is set.
PARTICIPANT: Commands = (
    ("start", N_("Beginnen of verder gaan")),
    ("help", N_("Wat kan ik hier doen?")),
    ("terug", N_("Terug naar de vorige vraag")),
    ("overslaan", N_("Deze vraag overslaan")),
    ("stop", N_("Stoppen (later verder)")),
    ("taal", N_("Taal kiezen")),
    ("hulp", N_("Hulplijnen")),
    ("vergeet", N_("Mijn antwoorden wissen")),
)
MEMBER: Commands = (
    ("start", N_("Beginnen of verder gaan")),
    ("stap", N_("Een stap van het plan kiezen")),
    ("werkgroep", N_("Een andere werkgroep kiezen")),
    *PARTICIPANT[1:],
)
COORDINATOR: Commands = (
    *MEMBER[:3],
    ("samenvatting", N_("Wat jongeren en ouders zeiden")),
    ("vastleggen", N_("Het gezamenlijke antwoord vastleggen")),
    ("plan", N_("Het plan als document")),
    ("campagne", N_("Een nieuwe link voor jongeren of ouders")),
    ("campagnes", N_("Links en aantallen; een ronde sluiten")),
    ("leden", N_("De leden van de werkgroep")),
    ("uitnodigen", N_("Een nieuwe uitnodiging voor leden")),
    ("herinnering", N_("Een herinnering instellen")),
    *MEMBER[3:],
)


def commands_for(role: str | None) -> Commands:
    """The Dutch menu of a role: ``coordinator``, any other member role, or ``None``."""
    if role is None:
        return PARTICIPANT
    return COORDINATOR if role == "coordinator" else MEMBER


def translated(commands: Commands, t: Translator) -> Commands:
    return tuple((name, t.gettext(description)) for name, description in commands)


def menu(chat_id: int, role: str | None, t: Translator) -> SetMenu:
    """The chat's own menu for ``role`` (``None``: a participant) in ``t``'s language."""
    return SetMenu(chat_id, translated(commands_for(role), t))


def highest(roles: Iterable[str]) -> str | None:
    found = set(roles)
    if "coordinator" in found:
        return "coordinator"
    return next(iter(found), None)


async def menu_after_removal(session: Session, telegram_user_id: int) -> SetMenu:
    """The menu of someone who lost a membership: their highest remaining role, if any."""
    remaining = list(await repo.memberships(session, telegram_user_id))
    role = highest(member.role for member in remaining)
    if role is None:
        return SetMenu(telegram_user_id)  # no own menu: the default applies again
    locale = next((member.locale for member in remaining if member.locale), None)
    return menu(telegram_user_id, role, translator(locale or "nl"))
