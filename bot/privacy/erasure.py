"""Erasure on request (``/vergeet``): find a person's participations by recomputing pseudonyms.

Nothing stored joins a person's participations (each is keyed to its own werkgroep, step and
round), so erasure recomputes the pseudonym for every scope whose links are not cut yet and
deletes what matches. After the cut nothing can be found any more, by design.
"""

from __future__ import annotations

from bot.privacy.pseudonym import participant_pseudonym
from storage import Session
from storage import participants as stored


async def erase_participant(session: Session, pepper: bytes, principal: str) -> int:
    """Erase everything ``principal`` gave in campaigns that are not cut; the count erased."""
    scopes = await stored.open_scopes(session)
    pseudonyms = {
        participant_pseudonym(pepper, principal, s.werkgroep_id, s.step_key, s.round)
        for s in scopes
    }
    return await stored.erase(session, pseudonyms)
