"""Actions on werkgroepen, invites, members and campaigns, shared by the CLI and the chat.

Each function takes an open ``Session`` (the caller owns the transaction and commits),
checks its input against the flow catalog and the database, writes an audit entry for every
change, and returns a frozen dataclass. Refusals raise :class:`~bot.admin.errors.AdminError`
before anything is written. Tokens appear in clear only in the returned values, once: the
database keeps their hash and the audit log never sees them.

``actor`` names who acted, for the audit log: ``"cli"`` or ``"member:<member id>"``.
``bot_username`` turns tokens into ``t.me`` links; None leaves the links empty (see
:mod:`bot.admin.links`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.admin.counts import Counts, ShownCounts, shown_counts
from bot.admin.errors import MESSAGES, InvalidRequest, NotFound, PermissionDenied
from bot.admin.links import link_or_none
from bot.engine import Catalog
from bot.engine.schema import PlanTemplate, TemplateStep
from bot.privacy.pseudonym import campaign_token
from bot.privacy.quotes import label_problem
from storage import Session, invites, repo
from storage import admin as queries
from storage.models import (
    INVITE_USES,
    INVITE_VALID_DAYS,
    Campaign,
    Member,
    Werkgroep,
    new_id,
    today,
)

ROLES: tuple[str, ...] = ("coordinator", "member")
AUDIENCES: tuple[str, ...] = ("jongeren", "ouders")
MAX_NAME = 200
MAX_LABEL = 60

DENIED = MESSAGES["denied"]


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteLink:
    role: str
    token: str
    link: str | None
    uses: int = INVITE_USES
    expires_at: datetime | None = None


@dataclass(frozen=True)
class NewWerkgroep:
    id: str
    naam: str
    plan: str
    coordinator: InviteLink
    member: InviteLink


@dataclass(frozen=True)
class WerkgroepInfo:
    id: str
    naam: str
    plan: str
    created_at: datetime
    members: int
    coordinators: int
    campaigns: int
    open_campaigns: int


@dataclass(frozen=True)
class MemberInfo:
    id: str
    role: str
    name: str | None
    organisation: str | None
    joined_at: datetime


@dataclass(frozen=True)
class StepProgress:
    key: str
    number: str
    title: str
    contributors: int  # members with at least one answer in this step
    finished: int  # members who finished the step's werkgroep conversation
    consultations: tuple[str, ...]  # doelgroepen a campaign can be opened for


@dataclass(frozen=True)
class CampaignInfo:
    id: str
    werkgroep_id: str
    werkgroep_naam: str
    doelgroep: str
    stap: str
    flow_id: str
    label: str | None
    round: int
    created_at: datetime
    sluit_op: date | None
    closed_at: datetime | None
    open: bool
    # Released counts rounded down to a multiple of k, 0 below k (bot.admin.counts): show
    # them with bot.privacy.disclosure.coordinator_count(n, k).
    participants: int
    completed: int
    links_cut: bool
    k: int


@dataclass(frozen=True)
class WerkgroepDetail:
    id: str
    naam: str
    plan: str
    plan_title: str
    created_at: datetime
    members: tuple[MemberInfo, ...]
    steps: tuple[StepProgress, ...]
    campaigns: tuple[CampaignInfo, ...]


@dataclass(frozen=True)
class NewCampaign:
    id: str
    werkgroep_id: str
    doelgroep: str
    stap: str
    flow_id: str
    label: str | None
    round: int
    sluit_op: date | None
    token: str
    link: str | None
    # The browser link (`samenspraak web`), for everyone without Telegram; the QR code's target.
    web_link: str | None = None
    regelingen: str | None = None


def web_link(public_url: str | None, token: str) -> str | None:
    """``<SAMENSPRAAK_PUBLIC_URL>/j/<token>``: the campaign in the browser."""
    return f"{public_url.rstrip('/')}/j/{token}" if public_url else None


@dataclass(frozen=True)
class ClosedCampaign:
    id: str
    already_closed: bool
    participants: int  # as in CampaignInfo: released, rounded down to a multiple of k
    completed: int
    k: int
    pseudonyms_erased: int
    conversations_deleted: int


# --- roles ------------------------------------------------------------------------------------


async def require_coordinator(session: Session, telegram_user_id: int, werkgroep_id: str) -> Member:
    """The caller's active coordinator membership of that werkgroep, or PermissionDenied.

    A member, a removed coordinator, a coordinator of another werkgroep and a werkgroep id that
    does not exist all get the same :data:`DENIED`, so trying ids reveals nothing.
    """
    member = await queries.active_member(session, werkgroep_id, telegram_user_id)
    if member is None or member.role != "coordinator":
        raise PermissionDenied("denied")
    return member


# --- werkgroepen ------------------------------------------------------------------------------


async def create_werkgroep(
    session: Session,
    catalog: Catalog,
    naam: str,
    plan: str,
    *,
    actor: str,
    bot_username: str | None = None,
) -> NewWerkgroep:
    """A werkgroep for plan template ``plan`` with a coordinator and a member invite."""
    naam = _clean_name(naam)
    template = _template(catalog, plan)
    werkgroep, coordinator_token, member_token = await repo.create_werkgroep(
        session, naam, template.id
    )
    await repo.audit(session, actor, "werkgroep.create", werkgroep.id, naam=naam, plan=template.id)
    return NewWerkgroep(
        id=werkgroep.id,
        naam=naam,
        plan=template.id,
        coordinator=InviteLink(
            "coordinator", coordinator_token, link_or_none(bot_username, coordinator_token)
        ),
        member=InviteLink("member", member_token, link_or_none(bot_username, member_token)),
    )


async def list_werkgroepen(session: Session) -> list[WerkgroepInfo]:
    return [
        WerkgroepInfo(
            id=row.werkgroep.id,
            naam=row.werkgroep.naam,
            plan=row.werkgroep.template_id,
            created_at=row.werkgroep.created_at,
            members=row.members,
            coordinators=row.coordinators,
            campaigns=row.campaigns,
            open_campaigns=row.open_campaigns,
        )
        for row in await queries.list_werkgroepen(session, today())
    ]


async def show_werkgroep(
    session: Session, catalog: Catalog, werkgroep_id: str, *, actor: str, k: int = 10
) -> WerkgroepDetail:
    """Members and roles, progress per step of the plan, and campaigns with response counts.

    Response counts are participant data: the read is audited under ``actor``, and they are
    released and shown as :mod:`bot.admin.counts` says for minimum group size ``k``.
    """
    werkgroep = await _werkgroep(session, werkgroep_id)
    await repo.audit(session, actor, "werkgroep.read", werkgroep.id)
    template = catalog.templates.get(werkgroep.template_id)
    contributors = await queries.contributors_per_step(session, werkgroep.id)
    finished = await queries.finished_per_flow(session, werkgroep.id)
    steps = tuple(
        _progress(catalog, werkgroep.template_id, step, contributors, finished)
        for step in (template.steps if template is not None else [])
    )
    return WerkgroepDetail(
        id=werkgroep.id,
        naam=werkgroep.naam,
        plan=werkgroep.template_id,
        # A template removed from flows/ after the werkgroep was made: show its id, not crash.
        plan_title=template.title if template is not None else werkgroep.template_id,
        created_at=werkgroep.created_at,
        members=tuple(await list_members(session, werkgroep.id)),
        steps=steps,
        campaigns=tuple(await _campaigns(session, werkgroep.id, k)),
    )


def _progress(
    catalog: Catalog,
    template_id: str,
    step: TemplateStep,
    contributors: dict[str, int],
    finished: dict[str, int],
) -> StepProgress:
    flows = catalog.flows_for(template_id, step.key)
    werkgroep_flows = [flow.id for flow in flows if not flow.audience.is_participant]
    return StepProgress(
        key=step.key,
        number=step.number,
        title=step.title,
        contributors=contributors.get(step.key, 0),
        finished=sum(finished.get(flow_id, 0) for flow_id in werkgroep_flows),
        consultations=tuple(
            audience
            for audience in AUDIENCES
            if catalog.flow_for(template_id, step.key, audience) is not None
        ),
    )


# --- members and invites ----------------------------------------------------------------------


async def list_members(session: Session, werkgroep_id: str) -> list[MemberInfo]:
    return [
        MemberInfo(m.id, m.role, m.name, m.organisation, m.joined_at)
        for m in await queries.active_members(session, werkgroep_id)
    ]


async def new_member_invite(
    session: Session,
    werkgroep_id: str,
    role: str = "member",
    *,
    actor: str,
    bot_username: str | None = None,
    uses: int = INVITE_USES,
    valid_days: int = INVITE_VALID_DAYS,
) -> InviteLink:
    """One more invite for ``role``: ``uses`` people may join with it (default one), within
    ``valid_days`` (default 14). Earlier invites keep their own limits (see
    :func:`revoke_invite`)."""
    role = _role(role)
    uses, valid_days = _limits(uses, valid_days)
    werkgroep = await _werkgroep(session, werkgroep_id)
    token, invite = await invites.create(
        session, werkgroep.id, role, uses=uses, valid_days=valid_days
    )
    await repo.audit(
        session, actor, "invite.create", werkgroep.id, role=role, uses=uses, days=valid_days
    )
    return InviteLink(role, token, link_or_none(bot_username, token), uses, invite.expires_at)


async def revoke_invite(
    session: Session,
    werkgroep_id: str,
    role: str,
    *,
    actor: str,
    bot_username: str | None = None,
    uses: int = INVITE_USES,
    valid_days: int = INVITE_VALID_DAYS,
) -> InviteLink:
    """Make every open invite for ``role`` stop working and issue one new one.

    Members who already joined stay members; use :func:`remove_member` for them.
    """
    role = _role(role)
    uses, valid_days = _limits(uses, valid_days)
    werkgroep = await _werkgroep(session, werkgroep_id)
    revoked = await repo.revoke_invites(session, werkgroep.id, role)
    token, invite = await invites.create(
        session, werkgroep.id, role, uses=uses, valid_days=valid_days
    )
    await repo.audit(session, actor, "invite.revoke", werkgroep.id, role=role, revoked=revoked)
    return InviteLink(role, token, link_or_none(bot_username, token), uses, invite.expires_at)


async def remove_member(
    session: Session, werkgroep_id: str, member_id: str, *, actor: str
) -> MemberInfo:
    """Remove a member from the werkgroep; their contributions stay in the plan.

    The last coordinator cannot be removed: issue a coordinator invite first, so the werkgroep
    is never left without someone who can run it.
    """
    werkgroep = await _werkgroep(session, werkgroep_id)
    member = await session.get(Member, member_id)
    if member is None or member.werkgroep_id != werkgroep.id or member.removed_at is not None:
        raise NotFound("member_not_found", member_id=member_id)
    if (
        member.role == "coordinator"
        and await queries.count_coordinators(session, werkgroep.id) <= 1
    ):
        raise InvalidRequest("last_coordinator")
    await queries.remove_member(session, member)
    await repo.audit(
        session, actor, "member.remove", werkgroep.id, member_id=member.id, role=member.role
    )
    return MemberInfo(member.id, member.role, member.name, member.organisation, member.joined_at)


async def remove_contributions(
    session: Session, werkgroep_id: str, member_id: str, *, actor: str
) -> int:
    """Delete a member's contributions from the plan (the member asked for it); the count.

    The agreed answers stay: they are the werkgroep's, not one member's.
    """
    werkgroep = await _werkgroep(session, werkgroep_id)
    member = await session.get(Member, member_id)
    if member is None or member.werkgroep_id != werkgroep.id:
        raise NotFound("member_not_found", member_id=member_id)
    removed = await queries.delete_contributions(session, member)
    await repo.audit(
        session, actor, "contributions.remove", werkgroep.id, member_id=member.id, count=removed
    )
    return removed


# --- campaigns --------------------------------------------------------------------------------


async def create_campaign(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    doelgroep: str,
    stap: str,
    *,
    label: str | None = None,
    sluit_op: date | None = None,
    actor: str,
    bot_username: str | None = None,
    public_url: str | None = None,
    token_key: bytes | None = None,
    regelingen: str | None = None,
) -> NewCampaign:
    """A campaign inviting ``doelgroep`` to answer the consultation flow of step ``stap``.

    ``stap`` is a step key (``stap-3``) or number (``3``). ``label`` is a coarse tag such as a
    school or a wijk (≤ 60 characters, no personal details). ``sluit_op`` is the last day on
    which answers are taken; it cannot lie in the past. With ``token_key`` (the pepper) the
    token is derived from it, so :func:`campaign_link` can show the link again later.
    ``regelingen`` names the local schemes ("Meedoenpas, Jeugdfonds Sport") the questions ask
    about, for flows with a ``{regelingen}`` placeholder; without it they use the flow's default.
    """
    werkgroep = await _werkgroep(session, werkgroep_id)
    if doelgroep not in AUDIENCES:
        raise InvalidRequest("bad_audience", doelgroep=doelgroep)
    template = _template(catalog, werkgroep.template_id)
    step = _step(template, stap)
    flow = catalog.flow_for(template.id, step.key, doelgroep)
    if flow is None:
        available = [a for a in AUDIENCES if catalog.flow_for(template.id, step.key, a)]
        where = {"step": step.key, "plan": template.id, "doelgroep": doelgroep}
        if available:
            raise InvalidRequest("no_flow_but", **where, available=", ".join(available))
        raise InvalidRequest("no_flow", **where)
    label = _clean_label(label)
    regelingen = _clean_regelingen(regelingen, "regelingen" in flow.placeholders)
    if sluit_op is not None and sluit_op < today():
        raise InvalidRequest("past_closing", date=sluit_op.isoformat())
    round_ = await queries.next_round(session, werkgroep.id, step.key, today())
    campaign_id = new_id()
    token = campaign_token(token_key, campaign_id) if token_key else repo.new_token()
    campaign = Campaign(
        id=campaign_id,
        werkgroep_id=werkgroep.id,
        audience=doelgroep,
        step_key=step.key,
        flow_id=flow.id,
        label=label,
        token_hash=repo.hash_token(token),
        round=round_,
        closes_on=sluit_op,
        regelingen=regelingen,
    )
    session.add(campaign)
    await session.flush()
    await repo.audit(
        session,
        actor,
        "campaign.create",
        werkgroep.id,
        campaign_id=campaign.id,
        doelgroep=doelgroep,
        stap=step.key,
        label=label,
        round=round_,
        sluit_op=sluit_op.isoformat() if sluit_op else None,
    )
    return NewCampaign(
        id=campaign.id,
        werkgroep_id=werkgroep.id,
        doelgroep=doelgroep,
        stap=step.key,
        flow_id=flow.id,
        label=label,
        round=round_,
        sluit_op=sluit_op,
        token=token,
        link=link_or_none(bot_username, token),
        web_link=web_link(public_url, token),
        regelingen=regelingen,
    )


async def open_duplicates(
    session: Session,
    catalog: Catalog,
    werkgroep_id: str,
    doelgroep: str,
    stap: str,
    label: str | None = None,
) -> int:
    """How many open campaigns already invite ``doelgroep`` for this step with this label."""
    werkgroep = await _werkgroep(session, werkgroep_id)
    step = _step(_template(catalog, werkgroep.template_id), stap)
    return await queries.open_duplicates(
        session, werkgroep.id, doelgroep, step.key, _clean_label(label), today()
    )


async def campaign_link(
    session: Session,
    campaign_id: str,
    *,
    werkgroep_id: str,
    token_key: bytes,
    actor: str,
    bot_username: str | None = None,
    public_url: str | None = None,
) -> NewCampaign:
    """The link of an open campaign of this werkgroep, again (for a new QR code or message).

    Only tokens derived from ``token_key`` can be shown again; a campaign made with a random
    token (before links could be shown again) is refused with a hint.
    """
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or campaign.werkgroep_id != werkgroep_id:
        raise NotFound("campaign_not_found", campaign_id=campaign_id)
    if not repo.campaign_is_open(campaign):
        raise InvalidRequest("campaign_closed")
    token = campaign_token(token_key, campaign.id)
    if repo.hash_token(token) != campaign.token_hash:
        raise InvalidRequest("link_not_derivable")
    await repo.audit(session, actor, "campaign.link", werkgroep_id, campaign_id=campaign.id)
    return NewCampaign(
        id=campaign.id,
        werkgroep_id=campaign.werkgroep_id,
        doelgroep=campaign.audience,
        stap=campaign.step_key,
        flow_id=campaign.flow_id,
        label=campaign.label,
        round=campaign.round,
        sluit_op=campaign.closes_on,
        token=token,
        link=link_or_none(bot_username, token),
        web_link=web_link(public_url, token),
    )


async def list_campaigns(
    session: Session, werkgroep_id: str | None = None, *, actor: str, k: int = 10
) -> list[CampaignInfo]:
    """Campaigns of one werkgroep (or all), oldest first, with participants and completed.

    Every call is audited under ``actor``: response counts are participant data. (A chat
    command or CLI run never shares its transaction with a participant's answer.) The counts
    are released and shown as :mod:`bot.admin.counts` says for minimum group size ``k``.
    """
    if werkgroep_id is not None:
        await _werkgroep(session, werkgroep_id)
    campaigns = await _campaigns(session, werkgroep_id, k)
    await repo.audit(session, actor, "campaigns.read", werkgroep_id, campaigns=len(campaigns))
    return campaigns


async def _campaigns(session: Session, werkgroep_id: str | None, k: int) -> list[CampaignInfo]:
    rows = await queries.campaigns_with_counts(session, werkgroep_id=werkgroep_id)
    shown = await _shown(session, rows, k)
    return [_campaign_info(row, shown[row.campaign.id]) for row in rows]


async def _shown(
    session: Session, rows: list[queries.CampaignCounts], k: int
) -> dict[str, ShownCounts]:
    return await shown_counts(
        session,
        [
            (row.campaign.id, row.campaign.werkgroep_id, Counts(row.participants, row.completed))
            for row in rows
        ],
        k,
    )


async def close_campaign(
    session: Session,
    campaign_id: str,
    *,
    actor: str,
    werkgroep_id: str | None = None,
    k: int = 10,
) -> ClosedCampaign:
    """Stop a campaign and cut its participants' pseudonym links for good.

    With ``werkgroep_id`` (a coordinator in chat) a campaign of another werkgroep is not found,
    exactly like one that does not exist. Closing again re-runs the cut and reports
    ``already_closed``.
    """
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or (werkgroep_id is not None and campaign.werkgroep_id != werkgroep_id):
        raise NotFound("campaign_not_found", campaign_id=campaign_id)
    already_closed = campaign.closed_at is not None
    cut = await queries.close_campaign(session, campaign)
    [row] = await queries.campaigns_with_counts(session, campaign_id=campaign.id)
    shown = (await _shown(session, [row], k))[campaign.id]
    await repo.audit(
        session,
        actor,
        "campaign.close",
        campaign.werkgroep_id,
        campaign_id=campaign.id,
        already_closed=already_closed,
        pseudonyms_erased=cut.pseudonyms,
        conversations_deleted=cut.conversations,
    )
    return ClosedCampaign(
        id=campaign.id,
        already_closed=already_closed,
        participants=shown.participants,
        completed=shown.completed,
        k=k,
        pseudonyms_erased=cut.pseudonyms,
        conversations_deleted=cut.conversations,
    )


def _campaign_info(row: queries.CampaignCounts, shown: ShownCounts) -> CampaignInfo:
    campaign = row.campaign
    return CampaignInfo(
        id=campaign.id,
        werkgroep_id=campaign.werkgroep_id,
        werkgroep_naam=row.werkgroep_naam,
        doelgroep=campaign.audience,
        stap=campaign.step_key,
        flow_id=campaign.flow_id,
        label=campaign.label,
        round=campaign.round,
        created_at=campaign.created_at,
        sluit_op=campaign.closes_on,
        closed_at=campaign.closed_at,
        open=repo.campaign_is_open(campaign),
        participants=shown.participants,
        completed=shown.completed,
        links_cut=campaign.links_cut_at is not None,
        k=shown.k,
    )


# --- checks -----------------------------------------------------------------------------------


async def _werkgroep(session: Session, werkgroep_id: str) -> Werkgroep:
    werkgroep = await session.get(Werkgroep, werkgroep_id)
    if werkgroep is None:
        raise NotFound("werkgroep_not_found", werkgroep_id=werkgroep_id)
    return werkgroep


def _template(catalog: Catalog, plan: str) -> PlanTemplate:
    template = catalog.templates.get(plan)
    if template is None:
        known = ", ".join(sorted(catalog.templates)) or "(geen)"
        raise InvalidRequest("unknown_plan", plan=plan, known=known)
    return template


def _step(template: PlanTemplate, stap: str) -> TemplateStep:
    wanted = stap.strip().lower()
    for step in template.steps:
        if wanted in (step.key, step.number.lower()):
            return step
    keys = ", ".join(step.key for step in template.steps)
    raise InvalidRequest("unknown_step", stap=stap, plan=template.id, keys=keys)


def _role(role: str) -> str:
    # The CLI and the chat speak Dutch ("lid", "coördinator"); the database stores English.
    aliases = {"lid": "member", "coordinator": "coordinator", "coördinator": "coordinator"}
    normalised = aliases.get(role.strip().lower(), role.strip().lower())
    if normalised not in ROLES:
        raise InvalidRequest("bad_role", role=role)
    return normalised


MAX_USES = 500
MAX_VALID_DAYS = 365


def _limits(uses: int, valid_days: int) -> tuple[int, int]:
    if not 1 <= uses <= MAX_USES:
        raise InvalidRequest("bad_uses", max=MAX_USES)
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidRequest("bad_validity", max=MAX_VALID_DAYS)
    return uses, valid_days


def _clean_name(naam: str) -> str:
    naam = " ".join(naam.split())
    if not naam:
        raise InvalidRequest("no_name")
    if len(naam) > MAX_NAME:
        raise InvalidRequest("name_too_long", max=MAX_NAME)
    return naam


MAX_REGELINGEN = 200


def _clean_regelingen(regelingen: str | None, asked: bool) -> str | None:
    """The local schemes as the questions will show them: one line, short, no personal details."""
    if regelingen is None:
        return None
    regelingen = " ".join(regelingen.split())
    if not regelingen:
        return None
    if not asked:
        raise InvalidRequest("regelingen_not_asked")
    if len(regelingen) > MAX_REGELINGEN:
        raise InvalidRequest("regelingen_too_long", max=MAX_REGELINGEN)
    problem = label_problem(regelingen)
    if problem is not None:
        raise InvalidRequest("regelingen_personal")
    return regelingen


def _clean_label(label: str | None) -> str | None:
    """A label names a coarse group (a school, a wijk): short, and never a person's details."""
    if label is None:
        return None
    label = " ".join(label.split())
    if not label:
        return None
    if len(label) > MAX_LABEL:
        raise InvalidRequest("label_too_long", max=MAX_LABEL)
    # A school is what a label is for; names and contact details are not (issue 15).
    problem = label_problem(label)
    if problem is not None:
        raise InvalidRequest(problem if problem in MESSAGES else "label_personal")
    return label
