"""Commands and the journeys they start: deep links, consent, members, language, erasure."""

from __future__ import annotations

import secrets

from bot.chat import answering, menu
from bot.chat.callbacks import (
    CallbackData,
    Consent,
    Erase,
    Language,
    PlanStep,
    Rejoin,
    WerkgroepChoice,
    button,
)
from bot.chat.state import Consent as ConsentPending
from bot.chat.state import CrisisPause, Erasing, Idle, MemberName, MemberOrg, Paused, State
from bot.chat.turn import (
    Handler,
    Routes,
    Turn,
    language_buttons,
    telegram_user,
)
from bot.chat.view import Voice
from bot.engine.runner import clean_text
from bot.i18n import SUPPORTED_LOCALES
from bot.privacy.erasure import erase_participant
from bot.translate import translator
from storage import chat as chat_repo
from storage import conversations, invites, participants, repo
from storage.models import Campaign, Member, Werkgroep
from storage.participants import Standing

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
    if turn.incoming.user_id is not None:
        member = await invites.redeem(turn.session, token, turn.incoming.user_id)
        if isinstance(member, Member):
            await welcome_member(turn, member)
            return
    elif await repo.find_invite(turn.session, token) is not None:
        telegram_user(turn)  # werkgroep links work only in Telegram: says so
        return
    turn.replies.send(
        turn.say("Deze link werkt niet (meer). Vraag degene die je de link gaf om een nieuwe link.")
    )


async def resume_or_explain(turn: Turn) -> None:
    campaign = await pending_campaign(turn)
    if campaign is not None:
        # /start (or /taal) before 'Ik doe mee': the notice again, the campaign kept.
        await start_campaign(turn, campaign)
        return
    if isinstance(turn.state, Paused | CrisisPause):
        if turn.chat.conversation_id is None:
            turn.chat.conversation_id = turn.state.conversation_id
        turn.state = Idle()
    row = await answering.active_row(turn)
    if row is not None and not row.finished:
        voice = turn.voice(await answering.is_formal(turn, row))
        turn.replies.send(
            voice(
                "Welkom terug! We gaan verder waar je was.",
                "Welkom terug! We gaan verder waar u was.",
            )
        )
        await answering.show_current(turn, row)
        return
    member = await turn.member()
    if member is not None:
        await welcome_member(turn, member)
        return
    if turn.chat.member_ref is not None and turn.incoming.user_id is not None:
        # Removed outside the chat (the CLI): the "/" menu follows what is left of the roles.
        turn.chat.member_ref = None
        turn.replies.add(await menu.menu_after_removal(turn.session, turn.incoming.user_id))
    turn.replies.send(
        turn.say(
            "Hallo! Met deze bot geef je je mening aan je gemeente, of werk je mee aan een plan. "
            "Je hebt daarvoor een link of QR-code nodig, bijvoorbeeld van school, het jongerenwerk "
            "of de gemeente. Open die link, dan kun je beginnen."
        )
    )


# --- participants: campaign link, privacy notice, consent -------------------------------------


async def start_campaign(turn: Turn, campaign: Campaign) -> None:
    formal = turn.formal = campaign.audience == "ouders"
    voice = turn.voice(formal)
    if not repo.campaign_is_open(campaign):
        turn.replies.send(round_closed(voice))
        return
    pseudonym = turn.runtime.pseudonym(turn.incoming.principal, campaign)
    found = await participants.standing(turn.session, campaign, pseudonym)
    if found.standing is Standing.IN_PROGRESS and found.conversation and not found.other_link:
        # The same link again: carry on, as /start does.
        row = found.conversation
        turn.chat.conversation_id = row.id
        turn.replies.send(
            voice(
                "Welkom terug! We gaan verder waar je was.",
                "Welkom terug! We gaan verder waar u was.",
            )
        )
        await answering.show_current(turn, row)
        return
    if found.standing is not Standing.NEW:
        await already_took_part(turn, campaign, found.standing)
        return
    await show_notice(turn, campaign)


async def show_notice(turn: Turn, campaign: Campaign) -> None:
    """The privacy notice with its two buttons; the campaign waits in the chat state."""
    werkgroep = await turn.session.get(Werkgroep, campaign.werkgroep_id)
    turn.state = ConsentPending(campaign_id=campaign.id)
    turn.replies.send(
        privacy_notice(turn, werkgroep.naam if werkgroep else "", campaign.audience == "ouders"),
        (
            (button(turn.t.gettext("Ik doe mee"), Consent("ja")),),
            (button(turn.t.gettext("Nee, liever niet"), Consent("nee")),),
        ),
    )


async def pending_campaign(turn: Turn) -> Campaign | None:
    """The campaign whose privacy notice waits for 'Ik doe mee', if any."""
    if not isinstance(turn.state, ConsentPending):
        return None
    return await turn.session.get(Campaign, turn.state.campaign_id)


def round_closed(voice: Voice) -> str:
    return voice(
        "Deze ronde is gesloten. Je kunt niet meer meedoen. Dank je wel voor je interesse!",
        "Deze ronde is gesloten. U kunt niet meer meedoen. Dank u wel voor uw interesse!",
    )


async def already_took_part(turn: Turn, campaign: Campaign, standing: Standing) -> None:
    """A link of a step and round this person already answered (maybe through another link):
    they count once; they may continue where they were or change their answers."""
    voice = turn.voice(campaign.audience == "ouders")
    change = button(turn.t.gettext("Antwoorden veranderen"), Rejoin("opnieuw", campaign.id))
    if standing is Standing.COMPLETED:
        turn.replies.send(
            voice(
                "Je hebt al meegedaan aan deze vragen. Dank je wel! Je telt één keer mee, ook als "
                "je meer links opent. Wil je je antwoorden veranderen? Tik op de knop. Alles "
                "wissen kan met /vergeet.",
                "U hebt al meegedaan aan deze vragen. Dank u wel! U telt één keer mee, ook als u "
                "meer links opent. Wilt u uw antwoorden veranderen? Tik op de knop. Alles wissen "
                "kan met /vergeet.",
            ),
            ((change,),),
        )
        return
    turn.replies.send(
        voice(
            "Je hebt al meegedaan aan deze vragen, maar je bent nog niet klaar. Je telt één keer "
            "mee, ook als je meer links opent. Wil je verder gaan waar je was, of je antwoorden "
            "veranderen?",
            "U hebt al meegedaan aan deze vragen, maar u bent nog niet klaar. U telt één keer "
            "mee, ook als u meer links opent. Wilt u verder gaan waar u was, of uw antwoorden "
            "veranderen?",
        ),
        (
            (button(turn.t.gettext("Verder gaan"), Rejoin("verder", campaign.id)),),
            (change,),
        ),
    )


async def rejoin(turn: Turn) -> None:
    """'Verder gaan' or 'Antwoorden veranderen' after opening a link a second time."""
    pressed = turn.pressed(Rejoin)
    campaign = await turn.session.get(Campaign, pressed.campaign_id)
    if campaign is None or pressed.action not in ("verder", "opnieuw"):
        turn.stale()
        return
    voice = turn.voice(campaign.audience == "ouders")
    if not repo.campaign_is_open(campaign):
        turn.edit_pressed()
        turn.replies.send(round_closed(voice))
        return
    pseudonym = turn.runtime.pseudonym(turn.incoming.principal, campaign)
    found = await participants.standing(turn.session, campaign, pseudonym)
    if found.participant is None:
        turn.stale()
        return
    turn.edit_pressed()
    if pressed.action == "verder" and found.standing is Standing.COMPLETED:
        await already_took_part(turn, campaign, found.standing)  # an old button, since finished
        return
    # The answers live in the campaign of the first link: that flow is the one to continue.
    first = await turn.session.get(Campaign, found.participant.campaign_id)
    assert first is not None
    turn.state = Idle()
    if pressed.action == "verder" and found.conversation is not None:
        turn.chat.conversation_id = found.conversation.id
        turn.replies.send(
            voice(
                "Welkom terug! We gaan verder waar je was.",
                "Welkom terug! We gaan verder waar u was.",
            )
        )
        await answering.show_current(turn, found.conversation)
        return
    if pressed.action == "opnieuw":
        turn.chat.conversation_id = None
        await participants.start_over(turn.session, found.participant)
        turn.replies.send(
            voice(
                "We beginnen opnieuw bij de eerste vraag. Je vorige antwoorden zijn gewist.",
                "We beginnen opnieuw bij de eerste vraag. Uw vorige antwoorden zijn gewist.",
            )
        )
    await answering.start_conversation(turn, first.flow_id, participant=found.participant)


def privacy_notice(turn: Turn, werkgroep_naam: str, formal: bool) -> str:
    voice = turn.voice(formal)
    return voice(
        "Hallo! De werkgroep %(werkgroep)s van je gemeente wil weten wat jij merkt, waar je je "
        "zorgen over maakt en wat kan helpen.\n\n"
        "• Je doet anoniem mee. We vragen niet je naam of adres.\n"
        "• De werkgroep ziet alleen wat veel mensen samen zeggen, nooit wie wat zei. Soms lezen "
        "ze een korte zin uit een antwoord, zonder naam.\n"
        "• Je kunt altijd stoppen met /stop. Met /vergeet wis je je antwoorden.\n"
        "• Dit is geen hulplijn. Heb je hulp nodig? Tik op /hulp. Wij kunnen zelf geen hulp "
        "sturen, want we weten niet wie je bent.\n\n"
        "Doe je mee?",
        "Hallo! De werkgroep %(werkgroep)s van uw gemeente wil weten wat u merkt, waar u zich "
        "zorgen over maakt en wat kan helpen.\n\n"
        "• U doet anoniem mee. We vragen niet uw naam of adres.\n"
        "• De werkgroep ziet alleen wat veel mensen samen zeggen, nooit wie wat zei. Soms lezen "
        "ze een korte zin uit een antwoord, zonder naam.\n"
        "• U kunt altijd stoppen met /stop. Met /vergeet wist u uw antwoorden.\n"
        "• Dit is geen hulplijn. Hebt u hulp nodig? Tik op /hulp. Wij kunnen zelf geen hulp "
        "sturen, want we weten niet wie u bent.\n\n"
        "Doet u mee?",
        werkgroep=werkgroep_naam,
    )


async def consent(turn: Turn) -> None:
    campaign = await pending_campaign(turn)
    if campaign is None:
        turn.stale()
        return
    turn.state = Idle()
    turn.edit_pressed()
    voice = turn.voice(campaign.audience == "ouders")
    if turn.pressed(Consent).answer != "ja":
        turn.replies.send(
            voice(
                "Oké, geen probleem. Wil je later toch meedoen? Open dan de link opnieuw.",
                "Oké, geen probleem. Wilt u later toch meedoen? Open dan de link opnieuw.",
            )
        )
        return
    if not repo.campaign_is_open(campaign):
        turn.replies.send(
            voice(
                "Deze ronde is net gesloten. Dank je wel!",
                "Deze ronde is net gesloten. Dank u wel!",
            )
        )
        return
    pseudonym = turn.runtime.pseudonym(turn.incoming.principal, campaign)
    participant = await participants.join(turn.session, campaign, pseudonym)
    await answering.start_conversation(turn, campaign.flow_id, participant=participant)


async def consent_pending(turn: Turn) -> None:
    """Text typed at the privacy notice: nothing is stored before the 'Ik doe mee' tap."""
    turn.replies.send(
        turn.say("Tik eerst op 'Ik doe mee' om te beginnen, of op 'Nee, liever niet'.")
    )


# --- werkgroep members ------------------------------------------------------------------------


async def welcome_member(turn: Turn, member: Member) -> None:
    turn.chat.member_ref = turn.runtime.member_ref(member.id)
    if turn.incoming.user_id is not None:  # the "/" menu of this role
        turn.replies.add(menu.menu(turn.incoming.user_id, member.role, turn.t))
    if member.locale is None and turn.chat.locale is not None:
        member.locale = turn.chat.locale
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    naam = werkgroep.naam if werkgroep else ""
    if member.name is None:
        turn.state = MemberName()
        turn.replies.send(
            turn.say(
                "Welkom bij werkgroep %(werkgroep)s! Je bijdragen staan met je naam in het plan. "
                "Wat is je naam?",
                werkgroep=naam,
            )
        )
        return
    turn.replies.send(
        turn.say(
            "Welkom, %(name)s! Je werkt nu aan werkgroep %(werkgroep)s.",
            name=member.name,
            werkgroep=naam,
        )
    )
    await show_steps(turn, member)


async def _typed_detail(turn: Turn, retry: str) -> tuple[Member, str] | None:
    """The member and the text they typed; on empty or over-long text ``retry`` is sent."""
    member = await turn.member()
    if member is None:
        turn.state = Idle()
        return None
    text = clean_text(turn.incoming.text or "")
    if not text or len(text) > MAX_NAME:
        turn.replies.send(retry)
        return None
    return member, text


async def member_name(turn: Turn) -> None:
    typed = await _typed_detail(
        turn, turn.say("Typ je naam (hoogstens %(max)s tekens).", max=MAX_NAME)
    )
    if typed is None:
        return
    member, name = typed
    member.name = name
    turn.state = MemberOrg()
    turn.replies.send(turn.say("Dank je, %(name)s. Voor welke organisatie werk je?", name=name))


async def member_organisation(turn: Turn) -> None:
    typed = await _typed_detail(
        turn, turn.say("Typ de naam van je organisatie (hoogstens %(max)s tekens).", max=MAX_NAME)
    )
    if typed is None:
        return
    member, organisation = typed
    member.organisation = organisation
    turn.state = Idle()
    await show_steps(turn, member)


async def show_steps(turn: Turn, member: Member) -> None:
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    if template is None:
        turn.replies.send(turn.say("Dit plan bestaat niet meer. Vraag je coördinator."))
        return
    progress = await chat_repo.member_progress(turn.session, member.id)
    buttons = []
    for index, step in enumerate(template.steps):
        flow = turn.runtime.catalog.flow_for(template.id, step.key, "werkgroep")
        if flow is None:
            continue
        mark = "✅ " if progress.get(flow.id) else ("… " if flow.id in progress else "")
        label = f"{mark}{step.number}. {turn.t.pgettext(template.id, step.title)}"
        buttons.append((button(label[:60], PlanStep(index)),))
    done = sum(1 for finished in progress.values() if finished)
    turn.replies.send(
        turn.say(
            "Plan: %(plan)s. Je hebt %(done)s van %(total)s stappen afgerond. Kies een stap:",
            plan=turn.t.pgettext(template.id, template.title),
            done=done,
            total=len(buttons),
        ),
        tuple(buttons),
    )


async def steps_command(turn: Turn) -> None:
    member = await turn.member()
    if member is None:
        turn.replies.send(
            turn.say("Dit kan alleen als je lid bent van een werkgroep. Open de uitnodigingslink.")
        )
        return
    await show_steps(turn, member)


async def choose_step(turn: Turn) -> None:
    member = await turn.member()
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id) if member else None
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    index = turn.pressed(PlanStep).index
    if member is None or template is None or index >= len(template.steps):
        turn.stale()
        return
    step = template.steps[index]
    flow = turn.runtime.catalog.flow_for(template.id, step.key, "werkgroep")
    if flow is None:
        return
    row = await conversations.of_member(turn.session, member.id, flow.id)
    if row is not None and not row.finished:
        turn.chat.conversation_id = row.id
        await answering.show_current(turn, row)
        return
    if row is not None:
        # A finished step is worked through again from the start.
        await conversations.drop(turn.session, row.id)
    await answering.start_conversation(turn, flow.id, member=member)


async def choose_werkgroep(turn: Turn) -> None:
    memberships = await _memberships(turn)
    index = turn.pressed(WerkgroepChoice).index
    if index >= len(memberships):
        turn.stale()
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
    names = await chat_repo.werkgroep_names(turn.session, (m.werkgroep_id for m in memberships))
    turn.replies.send(
        turn.say("Aan welke werkgroep wil je werken?"),
        tuple(
            (button(names.get(m.werkgroep_id, "?")[:60], WerkgroepChoice(index)),)
            for index, m in enumerate(memberships)
        ),
    )


# --- everyone ---------------------------------------------------------------------------------


async def help_command(turn: Turn) -> None:
    say = turn.say
    voice = turn.voice(await answering.formal_now(turn))
    lines = [
        voice("Dit kun je hier doen:", "Dit kunt u hier doen:"),
        say("/terug – terug naar de vorige vraag"),
        say("/overslaan – een vraag overslaan"),
        voice(
            "/stop – stoppen; later ga je verder met /start",
            "/stop – stoppen; later gaat u verder met /start",
        ),
        say("/taal – een andere taal kiezen"),
        voice(
            "/hulp – hulplijnen als het niet goed met je gaat",
            "/hulp – hulplijnen als het niet goed met u gaat",
        ),
        voice("/vergeet – je antwoorden wissen", "/vergeet – uw antwoorden wissen"),
    ]
    member = await turn.member()
    if member is not None:
        lines += [
            say("/stap – een stap van het plan kiezen"),
            say("/werkgroep – een andere werkgroep kiezen"),
        ]
        if member.role == "coordinator":
            lines += [
                say("Als coördinator:"),
                say("/samenvatting – wat jongeren en ouders zeiden"),
                say("/vastleggen – het gezamenlijke antwoord vastleggen"),
                say("/plan – het plan als document"),
                say("/campagne – een nieuwe link voor jongeren of ouders"),
                say("/campagnes – links en aantallen; een ronde sluiten"),
                say("/leden – de leden van de werkgroep"),
                say("/uitnodigen – een nieuwe uitnodiging voor leden"),
                say("/herinnering – een herinnering instellen"),
                say(
                    "/terugkoppeling – deelnemers laten weten wat de werkgroep met de antwoorden doet"
                ),
            ]
    turn.replies.send("\n".join(lines))


# /hulp is answered before the database, by the first aid of every edge (bot.chat.safety).


async def stop_command(turn: Turn) -> None:
    await answering.stop(turn)


async def language_command(turn: Turn) -> None:
    voice = turn.voice(await answering.formal_now(turn))
    turn.replies.send(voice("Kies je taal:", "Kies uw taal:"), language_buttons())


async def choose_language(turn: Turn) -> None:
    """The new language, then the message the user was at, again in that language: the privacy
    notice, a question with its buttons, or the member's name or organisation prompt."""
    code = turn.pressed(Language).code
    if code not in SUPPORTED_LOCALES:
        return
    turn.edit_pressed()
    turn.chat.locale = code
    member = await turn.member()
    if member is not None:
        member.locale = code
    turn.t = translator(code)
    if turn.incoming.user_id is not None:  # the "/" menu in the new language
        role = member.role if member is not None else None
        turn.replies.add(menu.menu(turn.incoming.user_id, role, turn.t))
    turn.replies.send(turn.say("De taal is nu Nederlands."))
    campaign = await pending_campaign(turn)
    if campaign is not None:
        await show_notice(turn, campaign)
        return
    if isinstance(turn.state, MemberName):
        turn.replies.send(turn.say("Typ je naam (hoogstens %(max)s tekens).", max=MAX_NAME))
        return
    if isinstance(turn.state, MemberOrg):
        turn.replies.send(
            turn.say("Typ de naam van je organisatie (hoogstens %(max)s tekens).", max=MAX_NAME)
        )
        return
    row = await answering.active_row(turn)
    if row is not None and not row.finished:
        await answering.show_current(turn, row)


async def forget_command(turn: Turn) -> None:
    # The confirmation buttons carry a fresh nonce: only a tap on this prompt erases.
    nonce = secrets.token_hex(4)
    voice = turn.voice(await answering.formal_now(turn))
    turn.state = Erasing(nonce=nonce)
    question = voice(
        "Wil je alle antwoorden wissen die je gaf in rondes die nog open zijn? Dit kan niet "
        "ongedaan worden.",
        "Wilt u alle antwoorden wissen die u gaf in rondes die nog open zijn? Dit kan niet "
        "ongedaan worden.",
    )
    if await turn.member() is not None:
        question = "\n\n".join((member_erasure_note(turn), question))
    turn.replies.send(
        question,
        (
            (
                button(turn.t.gettext("Ja, wis alles"), Erase("ja", nonce)),
                button(turn.t.gettext("Nee"), Erase("nee", nonce)),
            ),
        ),
    )


def member_erasure_note(turn: Turn) -> str:
    """What /vergeet does and does not erase for a werkgroep member."""
    return turn.say(
        "/vergeet wist alleen antwoorden die je zonder naam gaf als jongere of ouder. "
        "Je bijdragen als lid van de werkgroep staan met je naam in het plan. Die wist "
        "/vergeet niet: ze blijven staan. Wil je ze eruit? Vraag het de coördinator: die kan "
        "ze weghalen."
    )


async def forget_confirm(turn: Turn) -> None:
    pressed = turn.pressed(Erase)
    if not isinstance(turn.state, Erasing) or pressed.nonce != turn.state.nonce:
        turn.stale()
        return
    turn.state = Idle()
    turn.edit_pressed()
    if pressed.answer != "ja":
        turn.replies.send(turn.say("Oké, er is niets gewist."))
        return
    voice = turn.voice(await answering.formal_now(turn))
    erased = await erase_participant(turn.session, turn.runtime.pepper, turn.incoming.principal)
    turn.chat.conversation_id = None
    turn.replies.send(
        voice(
            "Gewist: je antwoorden uit %(count)s ronde(s). Antwoorden uit rondes die al gesloten "
            "zijn, kunnen we niet meer vinden: die zijn niet meer aan jou te koppelen.",
            "Gewist: uw antwoorden uit %(count)s ronde(s). Antwoorden uit rondes die al gesloten "
            "zijn, kunnen we niet meer vinden: die zijn niet meer aan u te koppelen.",
            count=erased,
        )
    )


COMMANDS: dict[str, Handler] = {
    "start": start,
    "help": help_command,
    "stop": stop_command,
    "verder": resume_or_explain,
    "taal": language_command,
    "vergeet": forget_command,
    "stap": steps_command,
    "werkgroep": werkgroep_command,
}
BUTTONS: dict[type[CallbackData], Handler] = {
    Consent: consent,
    Language: choose_language,
    PlanStep: choose_step,
    WerkgroepChoice: choose_werkgroep,
    Erase: forget_confirm,
    Rejoin: rejoin,
}
MODES: dict[type[State], Handler] = {
    ConsentPending: consent_pending,
    MemberName: member_name,
    MemberOrg: member_organisation,
}
ROUTES = Routes(COMMANDS, BUTTONS, MODES)
