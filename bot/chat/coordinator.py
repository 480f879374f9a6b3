"""Coordinator and beheerder commands in chat; the same service functions as the CLI."""

from __future__ import annotations

from collections.abc import Awaitable
from html import escape
from typing import TypeVar

from bot.admin import service
from bot.admin.errors import AdminError
from bot.admin.qr import qr_png
from bot.chat import menu
from bot.chat.callbacks import (
    CallbackData,
    CampaignAgain,
    CampaignAudience,
    CampaignDefault,
    CampaignLink,
    CampaignStep,
    Cancel,
    CloseAsk,
    CloseConfirm,
    ContributionsAsk,
    ContributionsConfirm,
    RemoveAsk,
    RemoveMember,
    button,
)
from bot.chat.events import Button, SendPhoto, Toast
from bot.chat.roles import actor, audience_name, coordinator_of, step_names
from bot.chat.state import CampaignLabel, CampaignSchemes, Idle, State
from bot.chat.turn import Handler, Routes, Turn, telegram_user
from bot.chat.view import fill
from bot.engine.runner import clean_text
from bot.privacy.disclosure import coordinator_count
from storage.db import compact
from storage.models import Member, Werkgroep

T = TypeVar("T")


async def attempt(turn: Turn, call: Awaitable[T]) -> T | None:
    """The service call's result, or ``None`` with its refusal sent to the user."""
    try:
        return await call
    except AdminError as error:
        # The service's refusals are codes with parameters, said in the user's language.
        turn.replies.send(escape(error.message(turn.t.gettext)))
        return None


# --- /nieuwewerkgroep (beheerders) ------------------------------------------------------------


async def new_werkgroep(turn: Turn) -> None:
    user_id = telegram_user(turn)
    if user_id is None:
        return
    if user_id not in turn.runtime.settings.admin_ids:
        turn.replies.send(turn.say("Dit kan alleen een beheerder."))
        return
    args = turn.incoming.args
    plans = ", ".join(sorted(turn.runtime.catalog.templates))
    if len(args) < 2:
        turn.replies.send(
            turn.say("Gebruik: /nieuwewerkgroep PLAN NAAM. Plannen: %(plans)s", plans=plans)
        )
        return
    created = await attempt(
        turn,
        service.create_werkgroep(
            turn.session,
            turn.runtime.catalog,
            " ".join(args[1:]),
            args[0],
            actor=f"admin:{turn.chat.subject[:12]}",
            bot_username=turn.runtime.bot_username,
        ),
    )
    if created is None:
        return
    turn.replies.send(
        turn.say(
            "Werkgroep %(naam)s is gemaakt.\nLink voor de coördinator: %(coordinator)s\n"
            "Link voor leden: %(member)s",
            naam=created.naam,
            coordinator=created.coordinator.link or created.coordinator.token,
            member=created.member.link or created.member.token,
        )
    )


# --- /campagne --------------------------------------------------------------------------------


async def campaign_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    label = clean_text(" ".join(turn.incoming.args))[:60] or None
    turn.state = CampaignLabel(label=label)
    turn.replies.send(
        turn.say("Voor wie is de nieuwe link?"),
        (
            (
                button(turn.t.gettext("Jongeren"), CampaignAudience("jongeren")),
                button(turn.t.gettext("Ouders"), CampaignAudience("ouders")),
            ),
            (cancel_button(turn),),
        ),
    )


def cancel_button(turn: Turn) -> Button:
    return button(turn.t.gettext("Annuleren"), Cancel())


async def cancel(turn: Turn) -> None:
    """ "Annuleren" under a question or confirmation: nothing happens, the state is cleared."""
    turn.edit_pressed()
    turn.state = Idle()
    turn.replies.send(turn.say("Geannuleerd. Er is niets veranderd."))


async def campaign_audience(turn: Turn) -> None:
    """The audience was chosen: ask for the plan step the questionnaire belongs to."""
    member = await coordinator_of(turn)
    if member is None:
        return
    audience = turn.pressed(CampaignAudience).audience
    steps = await _steps_for(turn, member, audience)
    if not steps:
        return
    turn.replies.send(
        turn.say("Bij welke stap hoort de vragenlijst?"),
        (
            *(
                (button(f"{step.number}. {step.title}"[:60], CampaignStep(audience, step.key)),)
                for step in steps
            ),
            (cancel_button(turn),),
        ),
    )


async def campaign_step(turn: Turn) -> None:
    """The step was chosen: open the campaign, or first warn about an open one like it."""
    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(CampaignStep)
    if not await _steps_for(turn, member, pressed.audience):
        return
    turn.edit_pressed()
    label = turn.state.label if isinstance(turn.state, CampaignLabel) else None
    duplicates = await attempt(
        turn,
        service.open_duplicates(
            turn.session,
            turn.runtime.catalog,
            member.werkgroep_id,
            pressed.audience,
            pressed.step_key,
            label,
        ),
    )
    if duplicates is None:
        return
    if duplicates:
        names = await step_names(turn, member.werkgroep_id)
        suffix = " (" + label + ")" if label else ""
        turn.replies.send(
            turn.say(
                "Er is al een open campagne voor %(doelgroep)s bij %(stap)s%(label)s. "
                "Met /campagnes kun je die link en QR-code opnieuw laten zien. "
                "Toch een nieuwe link maken?",
                doelgroep=audience_name(turn, pressed.audience).lower(),
                stap=names.get(pressed.step_key, pressed.step_key),
                label=suffix,
            ),
            (
                (
                    button(
                        turn.t.gettext("Ja, nieuwe link"),
                        CampaignAgain(pressed.audience, pressed.step_key),
                    ),
                ),
                (cancel_button(turn),),
            ),
        )
        return
    await _open_campaign(turn, member, pressed.audience, pressed.step_key, label)


async def campaign_again(turn: Turn) -> None:
    """The coordinator confirmed a second open campaign for the same step and audience."""
    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(CampaignAgain)
    if not await _steps_for(turn, member, pressed.audience):
        return
    turn.edit_pressed()
    label = turn.state.label if isinstance(turn.state, CampaignLabel) else None
    await _open_campaign(turn, member, pressed.audience, pressed.step_key, label)


async def _open_campaign(
    turn: Turn,
    member: Member,
    audience: str,
    step_key: str,
    label: str | None,
    regelingen: str | None = None,
    *,
    ask_schemes: bool = True,
) -> bool:
    """Open the campaign (or first ask for the local schemes); False when it was refused."""
    turn.state = Idle()
    if ask_schemes and await _names_schemes(turn, member, audience, step_key):
        # The questions name local schemes: ask for them first (issue 18 item 19).
        turn.state = CampaignSchemes(label=label, audience=audience, step_key=step_key)
        turn.replies.send(
            turn.say(
                "De vragen noemen de regelingen voor gezinnen met weinig geld. Welke zijn er "
                "bij jullie? Typ de namen, bijvoorbeeld: Meedoenpas, Jeugdfonds Sport. Of tik "
                "op Standaardtekst."
            ),
            (
                (button(turn.t.gettext("Standaardtekst"), CampaignDefault(audience, step_key)),),
                (cancel_button(turn),),
            ),
        )
        return True
    created = await attempt(
        turn,
        service.create_campaign(
            turn.session,
            turn.runtime.catalog,
            member.werkgroep_id,
            audience,
            step_key,
            label=label,
            actor=actor(member),
            bot_username=turn.runtime.bot_username,
            public_url=turn.runtime.settings.public_url,
            token_key=turn.runtime.pepper,
            regelingen=regelingen,
        ),
    )
    if created is None:
        return False
    names = await step_names(turn, member.werkgroep_id)
    turn.replies.send(
        turn.say(
            "De link voor %(doelgroep)s (%(stap)s, ronde %(round)s) is klaar:\n%(link)s\n"
            "Deel de link of de QR-code. Sluiten kan met /campagnes.",
            doelgroep=audience_name(turn, audience).lower(),
            stap=names.get(created.stap, created.stap),
            round=created.round,
            link=created.link or created.token,
        )
    )
    _send_qr(turn, created)
    return True


async def _names_schemes(turn: Turn, member: Member, audience: str, step_key: str) -> bool:
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    if werkgroep is None:
        return False
    flow = turn.runtime.catalog.flow_for(werkgroep.template_id, step_key, audience)
    return flow is not None and "regelingen" in flow.placeholders


async def campaign_schemes(turn: Turn) -> None:
    """The coordinator typed the local schemes: open the campaign with them."""
    member = await coordinator_of(turn)
    waiting = turn.state
    turn.state = Idle()
    if member is None or not isinstance(waiting, CampaignSchemes):
        return
    schemes = clean_text(turn.incoming.text or "")
    opened = await _open_campaign(
        turn,
        member,
        waiting.audience,
        waiting.step_key,
        waiting.label,
        schemes,
        ask_schemes=False,
    )
    if not opened:
        turn.state = waiting  # the refusal was sent: type the schemes again


async def campaign_default(turn: Turn) -> None:
    """ "Standaardtekst": open the campaign with the flow's own words."""
    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(CampaignDefault)
    if not await _steps_for(turn, member, pressed.audience):
        return
    turn.edit_pressed()
    waiting = turn.state
    label = waiting.label if isinstance(waiting, CampaignSchemes | CampaignLabel) else None
    await _open_campaign(turn, member, pressed.audience, pressed.step_key, label, ask_schemes=False)


def _send_qr(turn: Turn, campaign: service.NewCampaign) -> None:
    # The QR code opens the browser link (works for everyone, also under 16 and without Telegram).
    if campaign.web_link:
        turn.replies.add(SendPhoto(qr_png(campaign.web_link), escape(campaign.web_link)))


async def campaign_link(turn: Turn) -> None:
    """/campagnes → "Link en QR-code": an open campaign's link and QR code, again."""
    member = await coordinator_of(turn)
    if member is None:
        return
    shown = await attempt(
        turn,
        service.campaign_link(
            turn.session,
            turn.pressed(CampaignLink).campaign_id,
            werkgroep_id=member.werkgroep_id,
            token_key=turn.runtime.pepper,
            actor=actor(member),
            bot_username=turn.runtime.bot_username,
            public_url=turn.runtime.settings.public_url,
        ),
    )
    if shown is None:
        return
    names = await step_names(turn, member.werkgroep_id)
    suffix = ", " + shown.label if shown.label else ""
    turn.replies.send(
        turn.say(
            "De link voor %(doelgroep)s (%(stap)s%(label)s, ronde %(round)s):\n%(link)s",
            doelgroep=audience_name(turn, shown.doelgroep).lower(),
            stap=names.get(shown.stap, shown.stap),
            label=suffix,
            round=shown.round,
            link=shown.link or shown.token,
        )
    )
    _send_qr(turn, shown)


async def _steps_for(turn: Turn, member: Member, audience: str) -> list[service.StepProgress]:
    """The plan steps with a questionnaire for ``audience``; a toast when there are none."""
    werkgroep = await service.show_werkgroep(
        turn.session,
        turn.runtime.catalog,
        member.werkgroep_id,
        actor=actor(member),
        k=turn.runtime.settings.min_group_size,
    )
    steps = [step for step in werkgroep.steps if audience in step.consultations]
    if audience not in service.AUDIENCES or not steps:
        turn.replies.toast = Toast(turn.t.gettext("Voor deze groep is er geen vragenlijst."))
        return []
    return steps


# --- /campagnes -------------------------------------------------------------------------------


async def campaigns_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    campaigns = await service.list_campaigns(
        turn.session,
        member.werkgroep_id,
        actor=actor(member),
        k=turn.runtime.settings.min_group_size,
    )
    if not campaigns:
        turn.replies.send(turn.say("Er zijn nog geen campagnes. Maak er een met /campagne."))
        return
    names = await step_names(turn, member.werkgroep_id)
    lines = [turn.say("Campagnes:")]
    buttons = []
    for campaign in campaigns:
        step = names.get(campaign.stap, campaign.stap)
        lines.append(_campaign_line(turn, campaign, step))
        if campaign.open:
            # The label first: it tells two campaigns of one step apart in a 40-character button.
            parts = (campaign.label, audience_name(turn, campaign.doelgroep), step)
            short = " · ".join(part for part in parts if part)[:40]
            buttons.append(
                (
                    button(
                        fill(turn.t.gettext("Link en QR: %(name)s"), {"name": short}),
                        CampaignLink(campaign.id),
                    ),
                )
            )
            buttons.append(
                (
                    button(
                        fill(turn.t.gettext("Sluit: %(name)s"), {"name": short}),
                        CloseAsk(campaign.id),
                    ),
                )
            )
    turn.replies.send("\n".join(lines), tuple(buttons))


def _campaign_line(turn: Turn, campaign: service.CampaignInfo, step: str) -> str:
    """One campaign in /campagnes, with its counts (the one place that formats them)."""
    state = turn.t.gettext("open") if campaign.open else turn.t.gettext("gesloten")
    label = f" ({campaign.label})" if campaign.label else ""
    return turn.say(
        "• %(doelgroep)s, %(stap)s%(label)s, ronde %(round)s: %(state)s, "
        "%(completed)s klaar, %(participants)s begonnen",
        doelgroep=audience_name(turn, campaign.doelgroep),
        stap=step,
        label=label,
        round=campaign.round,
        state=state,
        completed=coordinator_count(campaign.completed, campaign.k, turn.t.gettext),
        participants=coordinator_count(campaign.participants, campaign.k, turn.t.gettext),
    )


async def close_ask(turn: Turn) -> None:
    if await coordinator_of(turn) is None:
        return
    turn.replies.send(
        turn.say(
            "Weet je het zeker? Na het sluiten kan niemand meer meedoen, en de antwoorden "
            "zijn voorgoed niet meer aan deelnemers te koppelen."
        ),
        (
            (
                button(
                    turn.t.gettext("Ja, sluiten"),
                    CloseConfirm(turn.pressed(CloseAsk).campaign_id),
                ),
            ),
            (cancel_button(turn),),
        ),
    )


async def close_confirm(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    turn.edit_pressed()
    closed = await attempt(
        turn,
        service.close_campaign(
            turn.session,
            turn.pressed(CloseConfirm).campaign_id,
            actor=actor(member),
            werkgroep_id=member.werkgroep_id,
            k=turn.runtime.settings.min_group_size,
        ),
    )
    if closed is None:
        return
    database = turn.runtime.database
    turn.after_commit.append(lambda: compact(database))  # the cut's deleted rows leave SQLite
    turn.replies.send(
        turn.say(
            "De campagne is gesloten. %(completed)s mensen deden helemaal mee.",
            completed=coordinator_count(closed.completed, closed.k, turn.t.gettext),
        )
    )


# --- /leden and /uitnodigen -------------------------------------------------------------------


async def members_command(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    members = await service.list_members(turn.session, coordinator.werkgroep_id)
    lines = [turn.say("Leden van de werkgroep:")]
    buttons = []
    for member in members:
        role = (
            turn.t.gettext("coördinator") if member.role == "coordinator" else turn.t.gettext("lid")
        )
        name = member.name or turn.t.gettext("(nog geen naam)")
        lines.append(escape(f"• {name} — {member.organisation or '-'} ({role})"))
        if member.id != coordinator.id:
            text = fill(turn.t.gettext("Verwijder: %(name)s"), {"name": name[:40]})
            buttons.append((button(text, RemoveAsk(member.id)),))
        text = fill(turn.t.gettext("Wis bijdragen: %(name)s"), {"name": name[:40]})
        buttons.append((button(text, ContributionsAsk(member.id)),))
    turn.replies.send("\n".join(lines), tuple(buttons))


async def remove_ask(turn: Turn) -> None:
    if await coordinator_of(turn) is None:
        return
    turn.replies.send(
        turn.say(
            "Dit lid uit de werkgroep verwijderen? De bijdragen blijven in het plan staan. "
            "Het lid kan dan niet meer meedoen."
        ),
        (
            (
                button(
                    turn.t.gettext("Ja, verwijderen"),
                    RemoveMember(turn.pressed(RemoveAsk).member_id),
                ),
            ),
            (cancel_button(turn),),
        ),
    )


async def contributions_ask(turn: Turn) -> None:
    if await coordinator_of(turn) is None:
        return
    turn.replies.send(
        turn.say(
            "Alle bijdragen van dit lid uit het plan wissen? De gezamenlijke antwoorden blijven "
            "staan. Dit kan niet ongedaan worden."
        ),
        (
            (
                button(
                    turn.t.gettext("Ja, wis de bijdragen"),
                    ContributionsConfirm(turn.pressed(ContributionsAsk).member_id),
                ),
            ),
            (cancel_button(turn),),
        ),
    )


async def contributions_confirm(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    turn.edit_pressed()
    count = await attempt(
        turn,
        service.remove_contributions(
            turn.session,
            coordinator.werkgroep_id,
            turn.pressed(ContributionsConfirm).member_id,
            actor=actor(coordinator),
        ),
    )
    if count is None:
        return
    turn.replies.send(turn.say("Gewist: %(count)s bijdragen uit het plan.", count=count))


async def remove_member(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    turn.edit_pressed()
    removed = await attempt(
        turn,
        service.remove_member(
            turn.session,
            coordinator.werkgroep_id,
            turn.pressed(RemoveMember).member_id,
            actor=actor(coordinator),
        ),
    )
    if removed is None:
        return
    gone = await turn.session.get(Member, removed.id)
    if gone is not None:  # their "/" menu: what is left of their roles
        turn.replies.add(await menu.menu_after_removal(turn.session, gone.telegram_user_id))
    turn.replies.send(turn.say("%(name)s is geen lid meer.", name=removed.name or "?"))


async def invite_command(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    invite = await service.new_member_invite(
        turn.session,
        coordinator.werkgroep_id,
        "member",
        actor=actor(coordinator),
        bot_username=turn.runtime.bot_username,
    )
    turn.replies.send(
        turn.say(
            "Nieuwe uitnodiging voor leden:\n%(link)s\nStuur deze link alleen naar leden.",
            link=invite.link or invite.token,
        )
    )
    if invite.link:
        turn.replies.add(SendPhoto(qr_png(invite.link), escape(invite.link)))


COMMANDS: dict[str, Handler] = {
    "nieuwewerkgroep": new_werkgroep,
    "campagne": campaign_command,
    "campagnes": campaigns_command,
    "leden": members_command,
    "uitnodigen": invite_command,
}
BUTTONS: dict[type[CallbackData], Handler] = {
    CampaignAudience: campaign_audience,
    CampaignStep: campaign_step,
    CampaignAgain: campaign_again,
    CampaignLink: campaign_link,
    CampaignDefault: campaign_default,
    Cancel: cancel,
    CloseAsk: close_ask,
    CloseConfirm: close_confirm,
    RemoveAsk: remove_ask,
    RemoveMember: remove_member,
    ContributionsAsk: contributions_ask,
    ContributionsConfirm: contributions_confirm,
}
MODES: dict[type[State], Handler] = {CampaignSchemes: campaign_schemes}
ROUTES = Routes(COMMANDS, BUTTONS, MODES)
