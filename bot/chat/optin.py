"""Closing the loop (#17.5), the participant's side: the opt-in offered with the thanks at the
end of a consultation, and the feedback message as participants receive it.

Shared by answering (the offer), the /terugkoppeling handlers (the preview) and the Telegram
sender (the message itself), so the preview is exactly what participants get.
"""

from __future__ import annotations

from html import escape

from bot.chat.callbacks import FeedbackOptIn, button
from bot.chat.events import Keyboard
from bot.chat.turn import Turn
from bot.chat.view import Voice
from bot.privacy.optin import optin_lookup
from bot.translate import Translator
from storage import feedback as stored
from storage import repo
from storage.models import Campaign, Participant

# Longer feedback would not fit one Telegram message (4096) with the frame around it.
MAX_FEEDBACK_CHARS = 3000


async def offer(turn: Turn, participant_id: str, formal: bool) -> tuple[str, Keyboard]:
    """Text to add to the closing message and its buttons; nothing when the campaign is
    closed or already opted in. In the browser (no chat to write to) only a pointer to the
    link's page, which shows the feedback."""
    participant = await turn.session.get(Participant, participant_id)
    campaign = await turn.session.get(Campaign, participant.campaign_id) if participant else None
    if campaign is None or campaign.links_cut_at is not None or not repo.campaign_is_open(campaign):
        return "", ()
    if turn.incoming.user_id is None:
        voice = turn.voice(formal)
        web = voice(
            "Wat de werkgroep met de antwoorden doet, lees je later op de pagina van je link.",
            "Wat de werkgroep met de antwoorden doet, leest u later op de pagina van uw link.",
        )
        return "\n\n" + web, ()
    lookup = optin_lookup(turn.runtime.pepper, campaign.id, turn.incoming.principal)
    if await stored.has_optin(turn.session, lookup):
        return "", ()
    voice = turn.voice(formal)
    question = voice(
        "Wil je later horen wat de werkgroep met de antwoorden doet?",
        "Wilt u later horen wat de werkgroep met de antwoorden doet?",
    )
    return "\n\n" + question, _buttons(turn.voice(formal, html=False), campaign.id)


def _buttons(voice: Voice, campaign_id: str) -> Keyboard:
    """The opt-in buttons (plain text: button labels are not HTML)."""
    return (
        (
            button(
                voice("Ja, stuur me een bericht", "Ja, stuur mij een bericht"),
                FeedbackOptIn("ja", campaign_id),
            ),
            button(voice("Nee, dank je", "Nee, dank u"), FeedbackOptIn("nee", campaign_id)),
        ),
    )


def feedback_message(t: Translator, formal: bool, werkgroep: str, text: str) -> str:
    """The feedback as a participant receives it (HTML): a frame in their language and
    register around the coordinator's text."""
    voice = Voice(t, formal)
    head = voice(
        "Je deed mee aan de vragen van werkgroep %(werkgroep)s en wilde horen wat de werkgroep "
        "met de antwoorden doet. Dit is hun bericht:",
        "U deed mee aan de vragen van werkgroep %(werkgroep)s en wilde horen wat de werkgroep "
        "met de antwoorden doet. Dit is hun bericht:",
        werkgroep=werkgroep,
    )
    foot = voice(
        "Dit is het enige bericht hierover. Je staat nu niet meer op de lijst.",
        "Dit is het enige bericht hierover. U staat nu niet meer op de lijst.",
    )
    return f"{head}\n\n{escape(text)}\n\n{foot}"
