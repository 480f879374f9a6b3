"""Closing the loop (#17.5): a participant's opt-in tap, and ``/terugkoppeling`` of a coordinator
(choose a campaign, type the text, see a preview, send or cancel).

Sending itself is the Telegram edge's job (bot/telegram/feedback.py): a queued feedback is
picked up by the bot's sender, which sends it to the campaign's opt-ins at a paced rate and
deletes each opt-in as it goes. The campaign's web page shows sent feedback to everyone.
"""

from __future__ import annotations

from bot.admin import service
from bot.chat.callbacks import (
    CallbackData,
    FeedbackCampaign,
    FeedbackCancel,
    FeedbackOptIn,
    FeedbackSend,
    button,
)
from bot.chat.optin import MAX_FEEDBACK_CHARS, feedback_message
from bot.chat.roles import actor, audience_name, coordinator_of
from bot.chat.state import FeedbackWriting, Idle, State
from bot.chat.turn import Handler, Routes, Turn
from bot.engine.runner import clean_text
from bot.privacy.optin import encrypt_chat, optin_lookup
from storage import feedback as stored
from storage import participants, repo
from storage.models import Campaign, CampaignFeedback, Member, Werkgroep

# --- the participant's opt-in -------------------------------------------------------------------


async def optin_pressed(turn: Turn) -> None:
    pressed = turn.pressed(FeedbackOptIn)
    campaign = await turn.session.get(Campaign, pressed.campaign_id)
    user_id = turn.incoming.user_id
    if campaign is None or user_id is None or pressed.answer not in ("ja", "nee"):
        turn.stale()
        return
    voice = turn.voice(campaign.audience == "ouders")
    if pressed.answer == "nee":
        turn.edit_pressed()
        turn.replies.send(voice("Oké, je krijgt geen bericht.", "Oké, u krijgt geen bericht."))
        return
    if campaign.links_cut_at is not None or not repo.campaign_is_open(campaign):
        turn.edit_pressed()
        turn.replies.send(
            turn.say("Deze vragenlijst is al gesloten; aanmelden voor een bericht kan niet meer.")
        )
        return
    # Only someone who took part: the pseudonym is recomputed, nothing is stored that joins.
    pseudonym = turn.runtime.pseudonym(turn.incoming.principal, campaign)
    participant = await participants.find(turn.session, campaign, pseudonym)
    if participant is None or not participant.completed:
        turn.stale()
        return
    pepper = turn.runtime.pepper
    await stored.add_optin(
        turn.session,
        campaign.id,
        optin_lookup(pepper, campaign.id, turn.incoming.principal),
        encrypt_chat(pepper, campaign.id, user_id),
    )
    turn.edit_pressed()
    turn.replies.send(
        voice(
            "Fijn! Als de werkgroep laat weten wat ze met de antwoorden doet, krijg je één "
            "bericht. De werkgroep ziet niet wie dit wil; het staat los van je antwoorden. "
            "Met /vergeet haal je jezelf ook van deze lijst.",
            "Fijn! Als de werkgroep laat weten wat ze met de antwoorden doet, krijgt u één "
            "bericht. De werkgroep ziet niet wie dit wil; het staat los van uw antwoorden. "
            "Met /vergeet haalt u zich ook van deze lijst.",
        )
    )


# --- /terugkoppeling --------------------------------------------------------------------------


async def feedback_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    campaigns = await service.list_campaigns(turn.session, member.werkgroep_id, actor=actor(member))
    if not campaigns:
        turn.replies.send(turn.say("Er zijn nog geen campagnes. Maak er een met /campagne."))
        return
    turn.replies.send(
        turn.say("Voor welke campagne wil je een terugkoppeling schrijven?"),
        tuple(
            (
                button(
                    f"{audience_name(turn, c.doelgroep)} {c.stap} {c.label or ''}".strip()[:60],
                    FeedbackCampaign(c.id),
                ),
            )
            for c in campaigns
        ),
    )


async def _campaign_of(turn: Turn, member: Member, campaign_id: str) -> Campaign | None:
    campaign = await turn.session.get(Campaign, campaign_id)
    if campaign is None or campaign.werkgroep_id != member.werkgroep_id:
        return None
    return campaign


def _name(turn: Turn, campaign: Campaign) -> str:
    return f"{audience_name(turn, campaign.audience)} {campaign.step_key} {campaign.label or ''}"


async def campaign_chosen(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    campaign = await _campaign_of(turn, member, turn.pressed(FeedbackCampaign).campaign_id)
    if campaign is None:
        turn.stale()
        return
    turn.edit_pressed()
    turn.state = FeedbackWriting(campaign_id=campaign.id)
    turn.replies.send(
        turn.say(
            "Typ nu de terugkoppeling voor %(name)s: wat doet de werkgroep met de antwoorden? "
            "Je ziet eerst een voorbeeld; pas daarna verstuur je het.",
            name=_name(turn, campaign).strip(),
        )
    )


async def feedback_text(turn: Turn) -> None:
    member = await coordinator_of(turn)
    assert isinstance(turn.state, FeedbackWriting)
    campaign = await _campaign_of(turn, member, turn.state.campaign_id) if member else None
    if member is None or campaign is None:
        turn.state = Idle()
        return
    text = clean_text(turn.incoming.text or "")
    if not text:
        turn.replies.send(turn.say("Je bericht is leeg. Typ je antwoord."))
        return
    if len(text) > MAX_FEEDBACK_CHARS:
        turn.replies.send(
            turn.say(
                "Je antwoord is te lang (%(length)s tekens). Maak het korter dan %(max)s tekens.",
                length=len(text),
                max=MAX_FEEDBACK_CHARS,
            )
        )
        return
    turn.state = Idle()
    draft = await stored.new_draft(turn.session, campaign.id, text, actor(member))
    werkgroep = await turn.session.get(Werkgroep, campaign.werkgroep_id)
    count = await stored.optin_count(turn.session, campaign.id)
    k = turn.runtime.settings.min_group_size
    # The number of opt-ins is a figure about participants too: shown only from k on.
    reach = (
        turn.say("Ontvangers in Telegram: %(count)s.", count=count)
        if count >= k
        else turn.say("Ontvangers in Telegram: minder dan %(k)s.", k=k)
    )
    preview = feedback_message(
        turn.t, campaign.audience == "ouders", werkgroep.naam if werkgroep else "", text
    )
    turn.replies.send(
        "\n\n".join(
            (
                turn.say("Voorbeeld. Zo krijgen de deelnemers die dat wilden het bericht:"),
                preview,
                reach,
                turn.say("Op de webpagina van de campagne staat het bericht voor iedereen."),
            )
        ),
        (
            (
                button(turn.t.gettext("Versturen"), FeedbackSend(draft)),
                button(turn.t.gettext("Annuleren"), FeedbackCancel(draft)),
            ),
        ),
    )


async def _pressed_draft(
    turn: Turn, kind: type[FeedbackSend] | type[FeedbackCancel]
) -> tuple[Member, CampaignFeedback] | None:
    """The coordinator and the draft a Versturen/Annuleren button is about; None (and the
    user told) when they are not a coordinator or the draft is gone."""
    member = await coordinator_of(turn)
    if member is None:
        return None
    draft = await stored.draft_of(turn.session, turn.pressed(kind).feedback_id, member.werkgroep_id)
    if draft is None:
        turn.stale()
        return None
    return member, draft


async def send_pressed(turn: Turn) -> None:
    found = await _pressed_draft(turn, FeedbackSend)
    if found is None:
        return
    member, draft = found
    stored.queue(draft)
    await repo.audit(
        turn.session,
        actor(member),
        "feedback.send",
        member.werkgroep_id,
        campaign_id=draft.campaign_id,
    )
    turn.edit_pressed()
    turn.replies.send(
        turn.say(
            "De terugkoppeling wordt nu verstuurd en staat op de webpagina van de campagne. "
            "Wie erom vroeg, staat daarna niet meer op de lijst."
        )
    )


async def cancel_pressed(turn: Turn) -> None:
    found = await _pressed_draft(turn, FeedbackCancel)
    if found is None:
        return
    _, draft = found
    await stored.discard(turn.session, draft)
    turn.edit_pressed()
    turn.replies.send(turn.say("Geannuleerd. Er is niets verstuurd."))


COMMANDS: dict[str, Handler] = {"terugkoppeling": feedback_command}
BUTTONS: dict[type[CallbackData], Handler] = {
    FeedbackOptIn: optin_pressed,
    FeedbackCampaign: campaign_chosen,
    FeedbackSend: send_pressed,
    FeedbackCancel: cancel_pressed,
}
MODES: dict[type[State], Handler] = {FeedbackWriting: feedback_text}
ROUTES = Routes(COMMANDS, BUTTONS, MODES)
