"""Who may do what in chat: the coordinator check shared by the werkgroep's commands.

Every coordinator command checks the role first, for the werkgroep the user is working on; a
refusal is the same neutral sentence whatever the reason, so it reveals nothing about other
werkgroepen.
"""

from __future__ import annotations

from bot.admin import service
from bot.admin.errors import PermissionDenied
from bot.chat.turn import Turn
from storage.models import Member


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
