"""Who may do what in chat: the coordinator check shared by the werkgroep's commands.

Every coordinator command checks the role first, for the werkgroep the user is working on; a
refusal is the same neutral sentence whatever the reason, so it reveals nothing about other
werkgroepen.
"""

from __future__ import annotations

from bot.admin import service
from bot.admin.errors import PermissionDenied
from bot.chat.turn import Turn
from bot.chat.view import fill
from storage.models import Member, Werkgroep

MAX_STEP_TITLE = 40


async def coordinator_of(turn: Turn) -> Member | None:
    """The user's coordinator membership of the werkgroep they work on, or a refusal sent."""
    member = await turn.member()
    try:
        if member is None or turn.incoming.user_id is None:
            raise PermissionDenied("denied")
        return await service.require_coordinator(
            turn.session, turn.incoming.user_id, member.werkgroep_id
        )
    except PermissionDenied:
        # Same literal as service.DENIED, written out so the catalog extractor sees it.
        turn.replies.send(turn.say("Dit kan alleen een coördinator van deze werkgroep."))
        return None


def audience_name(turn: Turn, audience: str) -> str:
    return turn.t.gettext("Jongeren") if audience == "jongeren" else turn.t.gettext("Ouders")


def actor(member: Member) -> str:
    return f"member:{member.id}"


async def step_names(turn: Turn, werkgroep_id: str) -> dict[str, str]:
    """Per step key of the werkgroep's plan, its name for people: "stap 3: Verzamel gegevens…".

    Step keys such as ``stap-3`` are internal ids and never shown.
    """
    werkgroep = await turn.session.get(Werkgroep, werkgroep_id)
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    if template is None:
        return {}
    names = {}
    for step in template.steps:
        title = turn.t.pgettext(template.id, step.title)
        if len(title) > MAX_STEP_TITLE:
            title = title[: MAX_STEP_TITLE - 1].rstrip() + "…"
        names[step.key] = fill(
            turn.t.gettext("stap %(number)s: %(title)s"), {"number": step.number, "title": title}
        )
    return names
