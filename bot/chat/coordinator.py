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
    CampaignAudience,
    CampaignStep,
    CloseAsk,
    CloseConfirm,
    RemoveMember,
    button,
)
from bot.chat.events import SendPhoto, Toast
from bot.chat.roles import actor, audience_name, coordinator_of
from bot.chat.state import CampaignLabel
from bot.chat.turn import Handler, Routes, Turn, telegram_user
from bot.chat.view import fill
from bot.engine.runner import clean_text
from bot.privacy.disclosure import coordinator_count
from storage.db import compact
from storage.models import Member

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
        ),
    )


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
        tuple(
            (button(f"{step.number}. {step.title}"[:60], CampaignStep(audience, step.key)),)
            for step in steps
        ),
    )


async def campaign_step(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(CampaignStep)
    if not await _steps_for(turn, member, pressed.audience):
        return
    turn.edit_pressed()
    label = turn.state.label if isinstance(turn.state, CampaignLabel) else None
    created = await attempt(
        turn,
        service.create_campaign(
            turn.session,
            turn.runtime.catalog,
            member.werkgroep_id,
            pressed.audience,
            pressed.step_key,
            label=label,
            actor=actor(member),
            bot_username=turn.runtime.bot_username,
            public_url=turn.runtime.settings.public_url,
        ),
    )
    if created is None:
        return
    turn.replies.send(
        turn.say(
            "De link voor %(doelgroep)s (stap %(stap)s, ronde %(round)s) is klaar:\n%(link)s\n"
            "Deel de link of de QR-code. Sluiten kan met /campagnes.",
            doelgroep=audience_name(turn, pressed.audience),
            stap=created.stap,
            round=created.round,
            link=created.link or created.token,
        )
    )
    # The QR code opens the browser link (works for everyone, also under 16 and without Telegram).
    if created.web_link:
        turn.replies.add(SendPhoto(qr_png(created.web_link), escape(created.web_link)))


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
    lines = [turn.say("Campagnes:")]
    buttons = []
    for campaign in campaigns:
        state = turn.t.gettext("open") if campaign.open else turn.t.gettext("gesloten")
        label = f" ({campaign.label})" if campaign.label else ""
        lines.append(
            turn.say(
                "• %(doelgroep)s, stap %(stap)s%(label)s, ronde %(round)s: %(state)s, "
                "%(completed)s klaar, %(participants)s begonnen",
                doelgroep=audience_name(turn, campaign.doelgroep),
                stap=campaign.stap,
                label=label,
                round=campaign.round,
                state=state,
                completed=coordinator_count(campaign.completed, campaign.k, turn.t.gettext),
                participants=coordinator_count(campaign.participants, campaign.k, turn.t.gettext),
            )
        )
        if campaign.open:
            name = (
                f"{audience_name(turn, campaign.doelgroep)} {campaign.stap} {campaign.label or ''}"
            ).strip()
            text = fill(turn.t.gettext("Sluit: %(name)s"), {"name": name})
            buttons.append((button(text, CloseAsk(campaign.id)),))
    turn.replies.send("\n".join(lines), tuple(buttons))


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
            buttons.append((button(text, RemoveMember(member.id)),))
    turn.replies.send("\n".join(lines), tuple(buttons))


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
    CloseAsk: close_ask,
    CloseConfirm: close_confirm,
    RemoveMember: remove_member,
}
ROUTES = Routes(COMMANDS, BUTTONS)
