"""Coordinator and beheerder commands in chat; the same service functions as the CLI.

Every command checks the role first, for the werkgroep the user is working on; a refusal is the
same neutral sentence whatever the reason, so it reveals nothing about other werkgroepen.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.admin import service
from bot.admin.errors import AdminError, PermissionDenied
from bot.admin.qr import qr_png
from bot.chat.events import Button, EditButtons, SendPhoto, Toast
from bot.engine.runner import clean_text
from storage.models import Member

if TYPE_CHECKING:
    from bot.chat.dialog import Handler, Turn


async def coordinator_of(turn: Turn) -> Member | None:
    """The user's coordinator membership of the werkgroep they work on, or a refusal sent."""
    member = await turn.member()
    try:
        if member is None or turn.incoming.user_id is None:
            raise PermissionDenied(service.DENIED)
        return await service.require_coordinator(
            turn.session, turn.incoming.user_id, member.werkgroep_id
        )
    except PermissionDenied:
        # Same literal as service.DENIED, written out so the catalog extractor sees it.
        turn.replies.send(
            escape(turn.t.gettext("Dit kan alleen een coördinator van deze werkgroep."))
        )
        return None


def audience_name(turn: Turn, audience: str) -> str:
    return turn.t.gettext("Jongeren") if audience == "jongeren" else turn.t.gettext("Ouders")


def actor(member: Member) -> str:
    return f"member:{member.id}"


# --- /nieuwewerkgroep (beheerders) ------------------------------------------------------------


async def new_werkgroep(turn: Turn) -> None:
    if turn.incoming.user_id not in turn.runtime.settings.admin_ids:
        turn.replies.send(escape(turn.t.gettext("Dit kan alleen een beheerder.")))
        return
    args = turn.incoming.args
    plans = ", ".join(sorted(turn.runtime.catalog.templates))
    if len(args) < 2:
        turn.replies.send(
            escape(
                turn.t.gettext("Gebruik: /nieuwewerkgroep PLAN NAAM. Plannen: %(plans)s")
                % {"plans": plans}
            )
        )
        return
    try:
        created = await service.create_werkgroep(
            turn.session,
            turn.runtime.catalog,
            " ".join(args[1:]),
            args[0],
            actor=f"admin:{turn.chat.subject[:12]}",
            bot_username=turn.runtime.bot_username,
        )
    except AdminError as error:
        turn.replies.send(escape(str(error)))
        return
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Werkgroep %(naam)s is gemaakt.\nLink voor de coördinator: %(coordinator)s\n"
                "Link voor leden: %(member)s"
            )
            % {
                "naam": created.naam,
                "coordinator": created.coordinator.link or created.coordinator.token,
                "member": created.member.link or created.member.token,
            }
        )
    )


# --- /campagne --------------------------------------------------------------------------------


async def campaign_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    label = clean_text(" ".join(turn.incoming.args))[:60] or None
    turn.chat.context = {**turn.chat.context, "label": label}
    turn.replies.send(
        escape(turn.t.gettext("Voor wie is de nieuwe link?")),
        (
            (
                Button(turn.t.gettext("Jongeren"), "c:jongeren"),
                Button(turn.t.gettext("Ouders"), "c:ouders"),
            ),
        ),
    )


async def campaign_button(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    parts = (turn.incoming.button or "").split(":")
    audience = parts[1] if len(parts) > 1 else ""
    werkgroep = await service.show_werkgroep(
        turn.session, turn.runtime.catalog, member.werkgroep_id
    )
    steps = [step for step in werkgroep.steps if audience in step.consultations]
    if audience not in service.AUDIENCES or not steps:
        turn.replies.toast = Toast(turn.t.gettext("Voor deze groep is er geen vragenlijst."))
        return
    if len(parts) == 2:
        turn.replies.send(
            escape(turn.t.gettext("Bij welke stap hoort de vragenlijst?")),
            tuple(
                (Button(f"{step.number}. {step.title}"[:60], f"c:{audience}:{step.key}"),)
                for step in steps
            ),
        )
        return
    if turn.incoming.button_message_id is not None:
        turn.replies.add(EditButtons(turn.incoming.button_message_id, ()))
    try:
        created = await service.create_campaign(
            turn.session,
            turn.runtime.catalog,
            member.werkgroep_id,
            audience,
            parts[2],
            label=turn.chat.context.get("label"),
            actor=actor(member),
            bot_username=turn.runtime.bot_username,
            public_url=turn.runtime.settings.public_url,
        )
    except AdminError as error:
        turn.replies.send(escape(str(error)))
        return
    link = created.link or created.token
    turn.replies.send(
        escape(
            turn.t.gettext(
                "De link voor %(doelgroep)s (stap %(stap)s, ronde %(round)s) is klaar:\n%(link)s\n"
                "Deel de link of de QR-code. Sluiten kan met /campagnes."
            )
            % {
                "doelgroep": audience_name(turn, audience),
                "stap": created.stap,
                "round": created.round,
                "link": link,
            }
        )
    )
    # The QR code opens the browser link (works for everyone, also under 16 and without Telegram).
    if created.web_link:
        turn.replies.add(SendPhoto(qr_png(created.web_link), escape(created.web_link)))


# --- /campagnes -------------------------------------------------------------------------------


async def campaigns_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    campaigns = await service.list_campaigns(turn.session, member.werkgroep_id)
    if not campaigns:
        turn.replies.send(
            escape(turn.t.gettext("Er zijn nog geen campagnes. Maak er een met /campagne."))
        )
        return
    lines = [turn.t.gettext("Campagnes:")]
    buttons = []
    for campaign in campaigns:
        state = turn.t.gettext("open") if campaign.open else turn.t.gettext("gesloten")
        lines.append(
            turn.t.gettext(
                "• %(doelgroep)s, stap %(stap)s%(label)s, ronde %(round)s: %(state)s, "
                "%(completed)s klaar, %(participants)s begonnen"
            )
            % {
                "doelgroep": audience_name(turn, campaign.doelgroep),
                "stap": campaign.stap,
                "label": f" ({campaign.label})" if campaign.label else "",
                "round": campaign.round,
                "state": state,
                "completed": campaign.completed,
                "participants": campaign.participants,
            }
        )
        if campaign.open:
            name = (
                f"{audience_name(turn, campaign.doelgroep)} {campaign.stap} {campaign.label or ''}"
            )
            name = name.strip()
            buttons.append(
                (Button(turn.t.gettext("Sluit: %(name)s") % {"name": name}, f"x:{campaign.id}"),)
            )
    turn.replies.send(escape("\n".join(lines)), tuple(buttons))


async def close_button(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    kind, _, campaign_id = (turn.incoming.button or "").partition(":")
    if kind == "x":
        turn.replies.send(
            escape(
                turn.t.gettext(
                    "Weet je het zeker? Na het sluiten kan niemand meer meedoen, en de antwoorden "
                    "zijn voorgoed niet meer aan deelnemers te koppelen."
                )
            ),
            ((Button(turn.t.gettext("Ja, sluiten"), f"y:{campaign_id}"),),),
        )
        return
    if turn.incoming.button_message_id is not None:
        turn.replies.add(EditButtons(turn.incoming.button_message_id, ()))
    try:
        closed = await service.close_campaign(
            turn.session, campaign_id, actor=actor(member), werkgroep_id=member.werkgroep_id
        )
    except AdminError as error:
        turn.replies.send(escape(str(error)))
        return
    turn.replies.send(
        escape(
            turn.t.gettext("De campagne is gesloten. %(completed)s mensen deden helemaal mee.")
            % {"completed": closed.completed}
        )
    )


# --- /leden and /uitnodigen -------------------------------------------------------------------


async def members_command(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    members = await service.list_members(turn.session, coordinator.werkgroep_id)
    lines = [turn.t.gettext("Leden van de werkgroep:")]
    buttons = []
    for member in members:
        role = (
            turn.t.gettext("coördinator") if member.role == "coordinator" else turn.t.gettext("lid")
        )
        name = member.name or turn.t.gettext("(nog geen naam)")
        lines.append(f"• {name} — {member.organisation or '-'} ({role})")
        if member.id != coordinator.id:
            buttons.append(
                (
                    Button(
                        turn.t.gettext("Verwijder: %(name)s") % {"name": name[:40]},
                        f"r:{member.id}",
                    ),
                )
            )
    turn.replies.send(escape("\n".join(lines)), tuple(buttons))


async def remove_button(turn: Turn) -> None:
    coordinator = await coordinator_of(turn)
    if coordinator is None:
        return
    member_id = (turn.incoming.button or "").partition(":")[2]
    if turn.incoming.button_message_id is not None:
        turn.replies.add(EditButtons(turn.incoming.button_message_id, ()))
    try:
        removed = await service.remove_member(
            turn.session, coordinator.werkgroep_id, member_id, actor=actor(coordinator)
        )
    except AdminError as error:
        turn.replies.send(escape(str(error)))
        return
    turn.replies.send(
        escape(turn.t.gettext("%(name)s is geen lid meer.") % {"name": removed.name or "?"})
    )


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
    link = invite.link or invite.token
    turn.replies.send(
        escape(
            turn.t.gettext(
                "Nieuwe uitnodiging voor leden:\n%(link)s\nStuur deze link alleen naar leden."
            )
            % {"link": link}
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

BUTTONS: dict[str, Handler] = {
    "c": campaign_button,
    "x": close_button,
    "y": close_button,
    "r": remove_button,
}
