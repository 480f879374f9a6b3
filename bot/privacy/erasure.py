"""Erasure on request (``/vergeet``): find a person's participations by recomputing pseudonyms.

Nothing stored joins a person's participations (each is keyed to its own werkgroep, step and
round), so erasure recomputes the pseudonym for every scope whose links are not cut yet and
deletes what matches. After the cut nothing can be found any more, by design.

Feedback opt-ins (#17.5) are found the same way, by recomputing their keyed look-up for every
campaign that has opt-ins: they go too, also after the campaign's cut (they hold a chat id).
"""

from __future__ import annotations

from bot.privacy.optin import optin_lookup
from bot.privacy.pseudonym import participant_pseudonym
from storage import Session
from storage import feedback as optins
from storage import participants as stored


async def erase_participant(session: Session, pepper: bytes, principal: str) -> int:
    """Erase everything ``principal`` gave in campaigns that are not cut; the count erased.

    The person's feedback opt-ins are deleted as well (not counted)."""
    scopes = await stored.open_scopes(session)
    pseudonyms = {
        participant_pseudonym(pepper, principal, s.werkgroep_id, s.step_key, s.round)
        for s in scopes
    }
    await erase_optins(session, pepper, principal)
    return await stored.erase(session, pseudonyms)


async def erase_optins(session: Session, pepper: bytes, principal: str) -> int:
    """Delete ``principal``'s feedback opt-ins in every campaign; the number deleted."""
    campaigns = await optins.campaigns_with_optins(session)
    lookups = {optin_lookup(pepper, campaign_id, principal) for campaign_id in campaigns}
    return await optins.delete_optins(session, lookups)
