"""Commands and the journeys they start: deep links, consent, members, language, erasure."""

from __future__ import annotations

import secrets
from html import escape
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from bot.chat import conversation as answering
from bot.chat.events import Button, Toast
from bot.engine import Back, Skip
from bot.engine.runner import clean_text, index_in
from bot.i18n import SUPPORTED_LOCALES
from bot.translate import translator
from storage import repo
from storage.models import Campaign, ConversationRow, Member, Participant, Werkgroep

if TYPE_CHECKING:
    from bot.chat.dialog import Handler, Turn

MAX_NAME = 120


# --- /start -----------------------------------------------------------------------------------


async def start(turn: Turn) -> None:
    args = turn.incoming.args
    if not args:
        await resume_or_explain(turn)
        return
    token = args[0][:64]
    campaign = await repo.find_campaign(turn.session, token)
    if campaign is not None:
        await start_campaign(turn, campaign)
        return
    invite = await repo.find_invite(turn.session, token)
    # Werkgroep membership is tied to a Telegram account; the web edge never sends invites here.
    if invite is not None and invite.revoked_at is None and turn.incoming.user_id is not None:
        member = await repo.join_werkgroep(
            turn.session, invite.werkgroep_id, turn.incoming.user_id, invite.role
        )
        await repo.audit(
            turn.session, f"member:{member.id}", "joined", member.werkgroep_id, role=invite.role
        )
        await welcome_member(turn, member)
        return
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Deze link werkt niet (meer). Vraag degene die je de link gaf om een nieuwe link."
            )
        )
    )


async def resume_or_explain(turn: Turn) -> None:
    paused = turn.chat.context.get("paused")
    if paused and turn.chat.conversation_id is None:
        turn.chat.conversation_id = paused
    turn.chat.context = {k: v for k, v in turn.chat.context.items() if k != "paused"}
    row = await answering.active_row(turn)
    if row is not None and not row.finished:
        turn.replies.send(escape(turn.t.gettext("Welkom terug! We gaan verder waar je was.")))
        await answering.show_current(turn, row)
        return
    member = await turn.member()
    if member is not None:
        await welcome_member(turn, member)
        return
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Hallo! Met deze bot geef je je mening aan je gemeente, of werk je mee aan een plan. "
                "Je hebt daarvoor een link of QR-code nodig, bijvoorbeeld van school, het jongerenwerk "
                "of de gemeente. Open die link, dan kun je beginnen."
            )
        )
    )


# --- participants: campaign link, privacy notice, consent -------------------------------------


async def start_campaign(turn: Turn, campaign: Campaign) -> None:
    formal = campaign.audience == "ouders"
    voice = turn.voice(formal)
    if not repo.campaign_is_open(campaign):
        turn.replies.send(
            escape(
                voice(
                    "Deze ronde is gesloten. Je kunt niet meer meedoen. Dank je wel voor je interesse!",
                    "Deze ronde is gesloten. U kunt niet meer meedoen. Dank u wel voor uw interesse!",
                )
            )
        )
        return
    subject = turn.chat.subject
    participant = await repo.participant_for(turn.session, campaign.id, subject, create=False)
    if participant is not None:
        row = await repo.open_conversation_for(turn.session, participant_id=participant.id)
        if row is not None:
            turn.chat.conversation_id = row.id
            turn.replies.send(
                escape(
                    voice(
                        "Welkom terug! We gaan verder waar je was.",
                        "Welkom terug! We gaan verder waar u was.",
                    )
                )
            )
            await answering.show_current(turn, row)
            return
        if participant.completed:
            turn.replies.send(
                escape(
                    voice(
                        "Je hebt al meegedaan. Dank je wel! Wil je je antwoorden wissen? Tik op /vergeet.",
                        "U hebt al meegedaan. Dank u wel! Wilt u uw antwoorden wissen? Tik op /vergeet.",
                    )
                )
            )
            return
    werkgroep = await turn.session.get(Werkgroep, campaign.werkgroep_id)
    turn.chat.mode = "consent"
    turn.chat.context = {"campaign": campaign.id}
    turn.replies.send(
        privacy_notice(turn, werkgroep.naam if werkgroep else "", formal),
        (
            (Button(turn.t.gettext("Ik doe mee"), "j:ja"),),
            (Button(turn.t.gettext("Nee, liever niet"), "j:nee"),),
        ),
    )


def privacy_notice(turn: Turn, werkgroep_naam: str, formal: bool) -> str:
    voice = turn.voice(formal)
    text = voice(
        "Hallo! De werkgroep %(werkgroep)s van je gemeente wil weten wat jij merkt, waar je je "
        "zorgen over maakt en wat kan helpen.\n\n"
        "• Je doet anoniem mee. We vragen niet je naam of adres.\n"
        "• De werkgroep ziet alleen wat veel mensen samen zeggen. Nooit wie wat zei.\n"
        "• Je kunt altijd stoppen met /stop. Met /vergeet wis je je antwoorden.\n"
        "• Dit is geen hulplijn. Heb je hulp nodig? Tik op /hulp. Wij kunnen zelf geen hulp "
        "sturen, want we weten niet wie je bent.\n\n"
        "Doe je mee?",
        "Hallo! De werkgroep %(werkgroep)s van uw gemeente wil weten wat u merkt, waar u zich "
        "zorgen over maakt en wat kan helpen.\n\n"
        "• U doet anoniem mee. We vragen niet uw naam of adres.\n"
        "• De werkgroep ziet alleen wat veel mensen samen zeggen. Nooit wie wat zei.\n"
        "• U kunt altijd stoppen met /stop. Met /vergeet wist u uw antwoorden.\n"
        "• Dit is geen hulplijn. Hebt u hulp nodig? Tik op /hulp. Wij kunnen zelf geen hulp "
        "sturen, want we weten niet wie u bent.\n\n"
        "Doet u mee?",
    )
    return escape(text % {"werkgroep": werkgroep_naam})


async def consent(turn: Turn) -> None:
    campaign_id = turn.chat.context.get("campaign") if turn.chat.mode == "consent" else None
    campaign = await turn.session.get(Campaign, campaign_id) if campaign_id else None
    if campaign is None:
        from bot.chat.dialog import stale_button

        turn.replies.toast = Toast(stale_button(turn.t))
        return
    turn.chat.mode = None
    turn.chat.context = {}
    if turn.incoming.button_message_id is not None:
        from bot.chat.events import EditButtons

        turn.replies.add(EditButtons(turn.incoming.button_message_id, ()))
    voice = turn.voice(campaign.audience == "ouders")
    if turn.incoming.button != "j:ja":
        turn.replies.send(
            escape(
                voice(
                    "Oké, geen probleem. Wil je later toch meedoen? Open dan de link opnieuw.",
                    "Oké, geen probleem. Wilt u later toch meedoen? Open dan de link opnieuw.",
                )
            )
        )
        return
    if not repo.campaign_is_open(campaign):
        turn.replies.send(
            escape(
                voice(
                    "Deze ronde is net gesloten. Dank je wel!",
                    "Deze ronde is net gesloten. Dank u wel!",
                )
            )
        )
        return
    participant = await repo.participant_for(turn.session, campaign.id, turn.chat.subject)
    assert participant is not None
    await answering.start_conversation(turn, campaign.flow_id, participant=participant)


# --- werkgroep members ------------------------------------------------------------------------


async def welcome_member(turn: Turn, member: Member) -> None:
    turn.chat.member_id = member.id
    if member.locale is None and turn.chat.locale is not None:
        member.locale = turn.chat.locale
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    naam = werkgroep.naam if werkgroep else ""
    if member.name is None:
        turn.chat.mode = "member_name"
        turn.replies.send(
            escape(
                turn.t.gettext(
                    "Welkom bij werkgroep %(werkgroep)s! Je bijdragen staan met je naam in het plan. "
                    "Wat is je naam?"
                )
                % {"werkgroep": naam}
            )
        )
        return
    turn.replies.send(
        escape(
            turn.t.gettext("Welkom, %(name)s! Je werkt nu aan werkgroep %(werkgroep)s.")
            % {"name": member.name, "werkgroep": naam}
        )
    )
    await show_steps(turn, member)


async def _typed_detail(turn: Turn, retry: str) -> tuple[Member, str] | None:
    """The member and the name they typed; on empty or over-long text ``retry`` is sent."""
    member = await turn.member()
    if member is None:
        turn.chat.mode = None
        return None
    text = clean_text(turn.incoming.text or "")
    if not text or len(text) > MAX_NAME:
        turn.replies.send(escape(retry % {"max": MAX_NAME}))
        return None
    return member, text


async def member_name(turn: Turn) -> None:
    typed = await _typed_detail(turn, turn.t.gettext("Typ je naam (hoogstens %(max)s tekens)."))
    if typed is None:
        return
    member, name = typed
    member.name = name
    turn.chat.mode = "member_org"
    turn.replies.send(
        escape(
            turn.t.gettext("Dank je, %(name)s. Voor welke organisatie werk je?") % {"name": name}
        )
    )


async def member_organisation(turn: Turn) -> None:
    typed = await _typed_detail(
        turn, turn.t.gettext("Typ de naam van je organisatie (hoogstens %(max)s tekens).")
    )
    if typed is None:
        return
    member, organisation = typed
    member.organisation = organisation
    turn.chat.mode = None
    await show_steps(turn, member)


async def show_steps(turn: Turn, member: Member) -> None:
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    if template is None:
        turn.replies.send(
            escape(turn.t.gettext("Dit plan bestaat niet meer. Vraag je coördinator."))
        )
        return
    rows = await turn.session.scalars(
        select(ConversationRow).where(ConversationRow.member_id == member.id)
    )
    progress = {row.flow_id: row.finished for row in rows}
    buttons = []
    for index, step in enumerate(template.steps):
        flow = turn.runtime.catalog.flow_for(template.id, step.key, "werkgroep")
        if flow is None:
            continue
        mark = "✅ " if progress.get(flow.id) else ("… " if flow.id in progress else "")
        label = f"{mark}{step.number}. {turn.t.pgettext(template.id, step.title)}"
        buttons.append((Button(label[:60], f"p:{index}"),))
    done = sum(1 for finished in progress.values() if finished)
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Plan: %(plan)s. Je hebt %(done)s van %(total)s stappen afgerond. Kies een stap:"
            )
            % {
                "plan": turn.t.pgettext(template.id, template.title),
                "done": done,
                "total": len(buttons),
            }
        ),
        tuple(buttons),
    )


async def steps_command(turn: Turn) -> None:
    member = await turn.member()
    if member is None:
        turn.replies.send(
            escape(
                turn.t.gettext(
                    "Dit kan alleen als je lid bent van een werkgroep. Open de uitnodigingslink."
                )
            )
        )
        return
    await show_steps(turn, member)


async def choose_step(turn: Turn) -> None:
    member = await turn.member()
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id) if member else None
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    argument = (turn.incoming.button or "").partition(":")[2]
    index = index_in(argument, len(template.steps)) if template is not None else None
    if member is None or template is None or index is None:
        from bot.chat.dialog import stale_button

        turn.replies.toast = Toast(stale_button(turn.t))
        return
    step = template.steps[index]
    flow = turn.runtime.catalog.flow_for(template.id, step.key, "werkgroep")
    if flow is None:
        return
    row = await turn.session.scalar(
        select(ConversationRow).where(
            ConversationRow.member_id == member.id, ConversationRow.flow_id == flow.id
        )
    )
    if row is not None and not row.finished:
        turn.chat.conversation_id = row.id
        await answering.show_current(turn, row)
        return
    if row is not None:
        await turn.session.delete(row)  # a finished step is worked through again from the start
        await turn.session.flush()
    await answering.start_conversation(turn, flow.id, member=member)


async def choose_werkgroep(turn: Turn) -> None:
    memberships = await _memberships(turn)
    argument = (turn.incoming.button or "").partition(":")[2]
    index = index_in(argument, len(memberships))
    if index is None:
        from bot.chat.dialog import stale_button

        turn.replies.toast = Toast(stale_button(turn.t))
        return
    turn.chat.conversation_id = None
    await welcome_member(turn, memberships[index])


async def _memberships(turn: Turn) -> list[Member]:
    user_id = turn.incoming.user_id
    return [] if user_id is None else list(await repo.memberships(turn.session, user_id))


async def werkgroep_command(turn: Turn) -> None:
    memberships = await _memberships(turn)
    if not memberships:
        await steps_command(turn)
        return
    names = {
        w.id: w.naam
        for w in await turn.session.scalars(
            select(Werkgroep).where(Werkgroep.id.in_([m.werkgroep_id for m in memberships]))
        )
    }
    turn.replies.send(
        escape(turn.t.gettext("Aan welke werkgroep wil je werken?")),
        tuple(
            (Button(names.get(m.werkgroep_id, "?")[:60], f"g:{index}"),)
            for index, m in enumerate(memberships)
        ),
    )


# --- everyone ---------------------------------------------------------------------------------


async def help_command(turn: Turn) -> None:
    t = turn.t
    lines = [
        t.gettext("Dit kun je hier doen:"),
        t.gettext("/terug – terug naar de vorige vraag"),
        t.gettext("/overslaan – een vraag overslaan"),
        t.gettext("/stop – stoppen; later ga je verder met /start"),
        t.gettext("/taal – een andere taal kiezen"),
        t.gettext("/hulp – hulplijnen als het niet goed met je gaat"),
        t.gettext("/vergeet – je antwoorden wissen"),
    ]
    member = await turn.member()
    if member is not None:
        lines += [
            t.gettext("/stap – een stap van het plan kiezen"),
            t.gettext("/werkgroep – een andere werkgroep kiezen"),
        ]
        if member.role == "coordinator":
            lines += [
                t.gettext("Als coördinator:"),
                t.gettext("/samenvatting – wat jongeren en ouders zeiden"),
                t.gettext("/vastleggen – het gezamenlijke antwoord vastleggen"),
                t.gettext("/plan – het plan als document"),
                t.gettext("/campagne – een nieuwe link voor jongeren of ouders"),
                t.gettext("/campagnes – links en aantallen; een ronde sluiten"),
                t.gettext("/leden – de leden van de werkgroep"),
                t.gettext("/uitnodigen – een nieuwe uitnodiging voor leden"),
                t.gettext("/herinnering – een herinnering instellen"),
            ]
    turn.replies.send(escape("\n".join(lines)))


async def helpline_command(turn: Turn) -> None:
    from bot.chat.dialog import crisis_reply

    turn.replies.send(crisis_reply(turn))


async def back_command(turn: Turn) -> None:
    await answering.command_input(turn, Back())


async def skip_command(turn: Turn) -> None:
    await answering.command_input(turn, Skip())


async def stop_command(turn: Turn) -> None:
    if turn.chat.conversation_id is not None:
        turn.chat.context = {**turn.chat.context, "paused": turn.chat.conversation_id}
    turn.chat.conversation_id = None
    turn.chat.mode = None
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Je bent gestopt. Wat je al hebt beantwoord, is bewaard. Verder gaan? Tik op /start. "
                "Alles wissen? Tik op /vergeet."
            )
        )
    )


async def language_command(turn: Turn) -> None:
    from bot.chat.dialog import language_buttons

    turn.replies.send(escape(turn.t.gettext("Kies je taal:")), language_buttons(turn))


async def choose_language(turn: Turn) -> None:
    code = (turn.incoming.button or "").partition(":")[2]
    if code not in SUPPORTED_LOCALES:
        return
    turn.chat.locale = code
    member = await turn.member()
    if member is not None:
        member.locale = code
    turn.t = translator(code)
    turn.replies.send(escape(turn.t.gettext("De taal is nu Nederlands.")))
    row = await answering.active_row(turn)
    if row is not None and not row.finished:
        await answering.show_current(turn, row)


async def forget_command(turn: Turn) -> None:
    # The confirmation buttons carry a fresh nonce: only a tap on this prompt erases.
    nonce = secrets.token_hex(4)
    turn.chat.context = {**turn.chat.context, "erase": nonce}
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Wil je alle antwoorden wissen die je gaf in rondes die nog open zijn? Dit kan niet "
                "ongedaan worden."
            )
        ),
        (
            (
                Button(turn.t.gettext("Ja, wis alles"), f"e:ja:{nonce}"),
                Button(turn.t.gettext("Nee"), f"e:nee:{nonce}"),
            ),
        ),
    )


async def forget_confirm(turn: Turn) -> None:
    answer, _, nonce = (turn.incoming.button or "").partition(":")[2].partition(":")
    expected = turn.chat.context.get("erase")
    if not expected or nonce != expected:
        from bot.chat.dialog import stale_button

        turn.replies.toast = Toast(stale_button(turn.t))
        return
    turn.chat.context = {k: v for k, v in turn.chat.context.items() if k != "erase"}
    if turn.incoming.button_message_id is not None:
        from bot.chat.events import EditButtons

        turn.replies.add(EditButtons(turn.incoming.button_message_id, ()))
    if answer != "ja":
        turn.replies.send(escape(turn.t.gettext("Oké, er is niets gewist.")))
        return
    participants = (
        await turn.session.scalars(
            select(Participant.id).where(Participant.pseudonym == turn.chat.subject)
        )
    ).all()
    if participants:
        # Deleting the participant cascades to its answers and conversations.
        await turn.session.execute(delete(Participant).where(Participant.id.in_(participants)))
    turn.chat.conversation_id = None
    turn.chat.context = {}
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Gewist: je antwoorden uit %(count)s ronde(s). Antwoorden uit rondes die al gesloten "
                "zijn, kunnen we niet meer vinden: die zijn niet meer aan jou te koppelen."
            )
            % {"count": len(participants)}
        )
    )


COMMANDS: dict[str, Handler] = {
    "start": start,
    "help": help_command,
    "hulp": helpline_command,
    "terug": back_command,
    "overslaan": skip_command,
    "stop": stop_command,
    "verder": resume_or_explain,
    "taal": language_command,
    "vergeet": forget_command,
    "stap": steps_command,
    "werkgroep": werkgroep_command,
}

BUTTONS: dict[str, Handler] = {
    "j": consent,
    "l": choose_language,
    "p": choose_step,
    "g": choose_werkgroep,
    "e": forget_confirm,
}


async def consent_pending(turn: Turn) -> None:
    """Text typed at the privacy notice: nothing is stored before the 'Ik doe mee' tap."""
    turn.replies.send(
        escape(
            turn.t.gettext("Tik eerst op 'Ik doe mee' om te beginnen, of op 'Nee, liever niet'.")
        )
    )


MODES: dict[str, Handler] = {
    "consent": consent_pending,
    "member_name": member_name,
    "member_org": member_organisation,
}
