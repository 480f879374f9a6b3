"""The admin service on SQLite and PostgreSQL: werkgroepen, invites, roles, campaigns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin import InvalidRequest, NotFound, PermissionDenied, service
from bot.engine import Catalog
from storage import admin as queries
from storage import repo
from storage.models import (
    Answer,
    AuditEntry,
    Campaign,
    ChatSession,
    ConversationRow,
    Participant,
    Werkgroep,
    today,
)

Sessions = async_sessionmaker[AsyncSession]
BOT = "SamenspraakTestBot"


async def _werkgroep(sessions: Sessions, catalog: Catalog, naam: str = "Velsen") -> str:
    async with sessions.begin() as session:
        made = await service.create_werkgroep(session, catalog, naam, "proef", actor="cli")
    return made.id


async def _campaign(sessions: Sessions, catalog: Catalog, werkgroep_id: str, **kw: object) -> str:
    async with sessions.begin() as session:
        made = await service.create_campaign(
            session,
            catalog,
            werkgroep_id,
            "jongeren",
            "stap-2",
            actor="cli",
            **kw,  # type: ignore[arg-type]
        )
    return made.id


async def _participant(
    session: AsyncSession, campaign_id: str, pseudonym: str, *, completed: bool = False
) -> Participant:
    participant = Participant(campaign_id=campaign_id, pseudonym=pseudonym, completed=completed)
    session.add(participant)
    await session.flush()
    return participant


async def _audit(session: AsyncSession, action: str) -> list[AuditEntry]:
    return list(
        (await session.scalars(select(AuditEntry).where(AuditEntry.action == action))).all()
    )


# --- werkgroepen and invites ------------------------------------------------------------------


async def test_create_werkgroep_hands_out_working_invites(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """A new werkgroep has a coordinator and a member invite, as t.me links that resolve."""
    async with sessions.begin() as session:
        made = await service.create_werkgroep(
            session, mini_catalog, "  Armoede   Velsen ", "proef", actor="cli", bot_username=BOT
        )
    assert made.naam == "Armoede Velsen" and made.plan == "proef"
    assert made.coordinator.link == f"https://t.me/{BOT}?start={made.coordinator.token}"
    assert made.member.link == f"https://t.me/{BOT}?start={made.member.token}"
    async with sessions.begin() as session:
        coordinator = await repo.find_invite(session, made.coordinator.token)
        member = await repo.find_invite(session, made.member.token)
        assert coordinator is not None and coordinator.role == "coordinator"
        assert member is not None and member.role == "member"
        assert coordinator.werkgroep_id == member.werkgroep_id == made.id
        [entry] = await _audit(session, "werkgroep.create")
    assert entry.actor == "cli" and entry.werkgroep_id == made.id
    assert made.coordinator.token not in str(entry.detail)
    assert made.member.token not in str(entry.detail)


async def test_links_are_empty_without_a_username(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Without a bot username the tokens are returned but no link is made up."""
    async with sessions.begin() as session:
        made = await service.create_werkgroep(session, mini_catalog, "W", "proef", actor="cli")
    assert made.coordinator.link is None and made.member.link is None
    assert len(made.coordinator.token) == 32


@pytest.mark.parametrize(
    ("naam", "plan", "message"),
    [
        ("W", "bestaat-niet", "Onbekend plan 'bestaat-niet'; kies uit: proef."),
        ("   ", "proef", "Geef de werkgroep een naam."),
        pytest.param("x" * 201, "proef", "De naam is te lang: hoogstens 200 tekens.", id="long"),
    ],
)
async def test_create_werkgroep_refuses_bad_input(
    sessions: Sessions, mini_catalog: Catalog, naam: str, plan: str, message: str
) -> None:
    """An unknown plan or an empty or overlong name is refused and nothing is stored."""
    with pytest.raises(InvalidRequest) as refused:
        async with sessions.begin() as session:
            await service.create_werkgroep(session, mini_catalog, naam, plan, actor="cli")
    assert str(refused.value) == message
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count(Werkgroep.id))) == 0


async def test_revoke_invite_stops_old_links_and_issues_a_new_one(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Revoking the member invite (rol 'lid') marks old invites revoked; the new one works."""
    async with sessions.begin() as session:
        made = await service.create_werkgroep(session, mini_catalog, "W", "proef", actor="cli")
        extra = await service.new_member_invite(session, made.id, "lid", actor="cli")
    async with sessions.begin() as session:
        fresh = await service.revoke_invite(
            session, made.id, "lid", actor="member:abc", bot_username=BOT
        )
    assert fresh.role == "member" and fresh.link == f"https://t.me/{BOT}?start={fresh.token}"
    async with sessions.begin() as session:
        for old in (made.member.token, extra.token):
            invite = await repo.find_invite(session, old)
            assert invite is not None and invite.revoked_at is not None
        new = await repo.find_invite(session, fresh.token)
        assert new is not None and new.revoked_at is None and new.role == "member"
        coordinator = await repo.find_invite(session, made.coordinator.token)
        assert coordinator is not None and coordinator.revoked_at is None
        [entry] = await _audit(session, "invite.revoke")
    assert entry.actor == "member:abc" and entry.detail == {"role": "member", "revoked": 2}


async def test_invite_refuses_unknown_role_and_werkgroep(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """A role other than lid/coordinator, or an unknown werkgroep, is refused."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    async with sessions.begin() as session:
        with pytest.raises(InvalidRequest, match="Rol moet lid of coordinator zijn"):
            await service.new_member_invite(session, werkgroep_id, "baas", actor="cli")
        with pytest.raises(NotFound, match="Geen werkgroep met id nope"):
            await service.revoke_invite(session, "nope", "lid", actor="cli")


# --- roles and members ------------------------------------------------------------------------


async def test_require_coordinator_reveals_nothing_about_other_werkgroepen(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Member, outsider, coordinator of another werkgroep, unknown id: the same refusal."""
    a = await _werkgroep(sessions, mini_catalog, "A")
    b = await _werkgroep(sessions, mini_catalog, "B")
    async with sessions.begin() as session:
        await repo.join_werkgroep(session, a, 1, "coordinator")
        await repo.join_werkgroep(session, a, 2, "member")
        await repo.join_werkgroep(session, b, 3, "coordinator")
    async with sessions.begin() as session:
        member = await service.require_coordinator(session, 1, a)
        assert member.werkgroep_id == a and member.role == "coordinator"
        messages = set()
        for user, werkgroep in ((2, a), (1, b), (99, a), (1, "bestaat-niet")):
            with pytest.raises(PermissionDenied) as denied:
                await service.require_coordinator(session, user, werkgroep)
            messages.add(str(denied.value))
    assert messages == {service.DENIED}


async def test_removed_coordinator_is_refused_and_members_can_be_removed(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Removing a member hides them from the list and takes their coordinator rights away."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    async with sessions.begin() as session:
        first = await repo.join_werkgroep(session, werkgroep_id, 1, "coordinator")
        second = await repo.join_werkgroep(session, werkgroep_id, 2, "coordinator")
        lid = await repo.join_werkgroep(session, werkgroep_id, 3, "member")
    async with sessions.begin() as session:
        removed = await service.remove_member(session, werkgroep_id, second.id, actor="cli")
        assert removed.role == "coordinator"
        await service.remove_member(session, werkgroep_id, lid.id, actor=f"member:{first.id}")
    async with sessions.begin() as session:
        assert [m.id for m in await service.list_members(session, werkgroep_id)] == [first.id]
        with pytest.raises(PermissionDenied):
            await service.require_coordinator(session, 2, werkgroep_id)
        assert len(await _audit(session, "member.remove")) == 2


async def test_remove_member_refusals(sessions: Sessions, mini_catalog: Catalog) -> None:
    """The last coordinator stays; a member of another werkgroep is not found."""
    a = await _werkgroep(sessions, mini_catalog, "A")
    b = await _werkgroep(sessions, mini_catalog, "B")
    async with sessions.begin() as session:
        only = await repo.join_werkgroep(session, a, 1, "coordinator")
        other = await repo.join_werkgroep(session, b, 2, "member")
    async with sessions.begin() as session:
        with pytest.raises(InvalidRequest, match="laatste coördinator"):
            await service.remove_member(session, a, only.id, actor="cli")
        with pytest.raises(NotFound, match=f"Geen lid met id {other.id} in deze werkgroep"):
            await service.remove_member(session, a, other.id, actor="cli")


# --- overviews --------------------------------------------------------------------------------


async def test_show_werkgroep_counts_progress_per_step(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Progress per step counts members who contributed and who finished the step's flow."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    async with sessions.begin() as session:
        anna = await repo.join_werkgroep(session, werkgroep_id, 1, "coordinator")
        anna.name, anna.organisation = "Anna", "Gemeente"
        bob = await repo.join_werkgroep(session, werkgroep_id, 2, "member")
        for member in (anna, bob):
            await repo.store_contribution(
                session, member, "proef.stap-1.werkgroep", "stap-1", "zorgen", "tekst"
            )
            await repo.store_contribution(
                session, member, "proef.stap-1.werkgroep", "stap-1", "vaak", "soms"
            )
        await repo.store_contribution(
            session, bob, "proef.stap-2.werkgroep", "stap-2", "zorgen", "x"
        )
        for member, finished in ((anna, True), (bob, False)):
            session.add(
                ConversationRow(
                    flow_id="proef.stap-1.werkgroep",
                    flow_digest="d",
                    state="end" if finished else "vaak",
                    data={},
                    member_id=member.id,
                    finished=finished,
                )
            )
    await _campaign(sessions, mini_catalog, werkgroep_id, label="De Regenboog")
    async with sessions.begin() as session:
        detail = await service.show_werkgroep(session, mini_catalog, werkgroep_id, actor="cli:t")
    assert detail.plan_title == "Proef-stappenplan"
    assert [(m.name, m.role) for m in detail.members] == [("Anna", "coordinator"), (None, "member")]
    assert [(s.key, s.contributors, s.finished, s.consultations) for s in detail.steps] == [
        ("stap-1", 2, 1, ()),
        ("stap-2", 1, 0, ("jongeren",)),
    ]
    [campaign] = detail.campaigns
    assert campaign.label == "De Regenboog" and campaign.open and campaign.participants == 0


async def test_list_werkgroepen_counts_members_and_open_campaigns(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """The list shows active members, coordinators, and open versus all campaigns."""
    a = await _werkgroep(sessions, mini_catalog, "A")
    await _werkgroep(sessions, mini_catalog, "B")
    async with sessions.begin() as session:
        await repo.join_werkgroep(session, a, 1, "coordinator")
        gone = await repo.join_werkgroep(session, a, 2, "member")
        await repo.join_werkgroep(session, a, 3, "member")
        await queries.remove_member(session, gone)
    first = await _campaign(sessions, mini_catalog, a)
    await _campaign(sessions, mini_catalog, a)
    async with sessions.begin() as session:
        await service.close_campaign(session, first, actor="cli")
    async with sessions.begin() as session:
        rows = await service.list_werkgroepen(session)
    assert [(r.naam, r.members, r.coordinators, r.campaigns, r.open_campaigns) for r in rows] == [
        ("A", 2, 1, 2, 1),
        ("B", 0, 0, 0, 0),
    ]


# --- campaigns --------------------------------------------------------------------------------


async def test_create_campaign_stores_the_consultation_flow(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """A campaign for step number '2' and jongeren gets that flow, a label and a closing date."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    closes = today() + timedelta(days=14)
    async with sessions.begin() as session:
        made = await service.create_campaign(
            session,
            mini_catalog,
            werkgroep_id,
            "jongeren",
            "2",
            label="  Basisschool De Regenboog, groep 8 ",
            sluit_op=closes,
            actor="cli",
            bot_username=BOT,
        )
    assert (made.stap, made.flow_id, made.round) == ("stap-2", "proef.stap-2.jongeren", 1)
    assert made.label == "Basisschool De Regenboog, groep 8"
    assert made.link == f"https://t.me/{BOT}?start={made.token}"
    async with sessions.begin() as session:
        campaign = await repo.find_campaign(session, made.token)
        assert campaign is not None and campaign.id == made.id
        assert campaign.closes_on == closes and repo.campaign_is_open(campaign)
        [entry] = await _audit(session, "campaign.create")
    assert entry.detail["campaign_id"] == made.id and made.token not in str(entry.detail)


REFUSALS = [
    ("jongeren", "stap-9", {}, "Onbekende stap 'stap-9' in plan proef; kies uit: stap-1, stap-2."),
    ("jongeren", "stap-1", {}, "Stap stap-1 van proef heeft geen vragen voor jongeren."),
    ("ouders", "stap-2", {}, "Stap stap-2 van proef heeft geen vragen voor ouders; wel voor: "),
    ("werkgroep", "stap-2", {}, "Doelgroep moet jongeren of ouders zijn, niet 'werkgroep'."),
    ("jongeren", "stap-2", {"label": "x" * 61}, "Het label is te lang: hoogstens 60 tekens."),
    (
        "jongeren",
        "stap-2",
        {"label": "bel 06-12345678"},
        "Het label lijkt een telefoonnummer te bevatten",
    ),
    (
        "jongeren",
        "stap-2",
        {"label": "piet@school.nl"},
        "Het label lijkt een e-mailadres te bevatten",
    ),
    ("jongeren", "stap-2", {"sluit_op": date(2020, 1, 31)}, "De sluitdatum 2020-01-31 ligt in"),
]


@pytest.mark.parametrize(("doelgroep", "stap", "kwargs", "message"), REFUSALS)
async def test_create_campaign_refusals(
    sessions: Sessions,
    mini_catalog: Catalog,
    doelgroep: str,
    stap: str,
    kwargs: dict[str, object],
    message: str,
) -> None:
    """Unknown steps, steps without questions for the doelgroep, bad labels and dates."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    with pytest.raises(InvalidRequest) as refused:
        async with sessions.begin() as session:
            await service.create_campaign(
                session,
                mini_catalog,
                werkgroep_id,
                doelgroep,
                stap,
                actor="cli",
                **kwargs,  # type: ignore[arg-type]
            )
    assert str(refused.value).startswith(message)
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count(Campaign.id))) == 0


async def test_campaign_for_unknown_werkgroep_is_not_found(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Opening or listing campaigns of a werkgroep id that does not exist is NotFound."""
    async with sessions.begin() as session:
        with pytest.raises(NotFound, match="Geen werkgroep met id x"):
            await service.create_campaign(session, mini_catalog, "x", "jongeren", "2", actor="cli")
        with pytest.raises(NotFound):
            await service.list_campaigns(session, "x", actor="cli:t")


async def test_campaigns_open_together_share_a_round(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Two schools opened together are round 1; after both close the next one is round 2."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    first = await _campaign(sessions, mini_catalog, werkgroep_id, label="School A")
    second = await _campaign(sessions, mini_catalog, werkgroep_id, label="School B")
    async with sessions.begin() as session:
        for campaign_id in (first, second):
            await service.close_campaign(session, campaign_id, actor="cli")
    third = await _campaign(sessions, mini_catalog, werkgroep_id, label="School A")
    async with sessions.begin() as session:
        rounds = {
            c.id: c.round
            for c in await service.list_campaigns(session, werkgroep_id, actor="cli:t")
        }
    assert rounds == {first: 1, second: 1, third: 2}


async def test_list_campaigns_counts_respondents(sessions: Sessions, mini_catalog: Catalog) -> None:
    """Participants and completed are counted per campaign, shown rounded down to a multiple
    of k (issue 15, item 6); other werkgroepen stay out."""
    a = await _werkgroep(sessions, mini_catalog, "A")
    b = await _werkgroep(sessions, mini_catalog, "B")
    busy = await _campaign(sessions, mini_catalog, a, label="School A")
    empty = await _campaign(sessions, mini_catalog, a, label="School B")
    elsewhere = await _campaign(sessions, mini_catalog, b)
    async with sessions.begin() as session:
        for index in range(12):
            await _participant(session, busy, f"p{index}", completed=index < 7)
        await _participant(session, elsewhere, "q", completed=True)
    async with sessions.begin() as session:
        mine = await service.list_campaigns(session, a, actor="cli:t", k=5)
        everything = await service.list_campaigns(session, actor="cli:t", k=5)
    shown = [(c.id, c.participants, c.completed, c.k) for c in mine]
    assert shown == [(busy, 10, 5, 5), (empty, 0, 0, 5)]
    assert {c.id: c.werkgroep_naam for c in everything} == {busy: "A", empty: "A", elsewhere: "B"}


async def test_close_campaign_cuts_pseudonym_links_for_good(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """Closing erases pseudonyms and participant conversations; anonymous answers remain."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    closing = await _campaign(sessions, mini_catalog, werkgroep_id, label="School A")
    staying = await _campaign(sessions, mini_catalog, werkgroep_id, label="School B")
    async with sessions.begin() as session:
        conversation_ids = []
        for campaign_id in (closing, staying):
            participant = await _participant(session, campaign_id, f"pseudo-{campaign_id}")
            await repo.store_participant_answer(
                session, participant, "vaak", "soms", free_text=False
            )
            row = ConversationRow(
                flow_id="proef.stap-2.jongeren",
                flow_digest="d",
                state="vaak",
                data={"zorgen": "x"},
                participant_id=participant.id,
            )
            session.add(row)
            await session.flush()
            conversation_ids.append(row.id)
        session.add(ChatSession(subject="s", context={}, conversation_id=conversation_ids[0]))
    async with sessions.begin() as session:
        closed = await service.close_campaign(session, closing, actor="cli")
    # One participant: fewer than k, shown as 0 ("minder dan 10").
    assert (closed.already_closed, closed.participants, closed.pseudonyms_erased) == (False, 0, 1)
    assert closed.conversations_deleted == 1
    async with sessions.begin() as session:
        campaign = await session.get(Campaign, closing)
        assert campaign is not None and campaign.closed_at is not None
        assert campaign.links_cut_at is not None and not repo.campaign_is_open(campaign)
        rows = await session.execute(select(Participant.campaign_id, Participant.pseudonym))
        pseudonyms = {campaign_id: pseudonym for campaign_id, pseudonym in rows.all()}
        assert pseudonyms == {closing: None, staying: f"pseudo-{staying}"}
        remaining = (await session.scalars(select(ConversationRow.id))).all()
        assert remaining == [conversation_ids[1]]
        chat = await session.get(ChatSession, "s")
        assert chat is not None and chat.conversation_id is None
        answers = (await session.scalars(select(Answer.campaign_id))).all()
        assert sorted(answers) == sorted([closing, staying])
        [entry] = await _audit(session, "campaign.close")
        assert entry.detail["pseudonyms_erased"] == 1
    async with sessions.begin() as session:
        again = await service.close_campaign(session, closing, actor="cli")
    assert again.already_closed and again.pseudonyms_erased == 0


async def test_cut_links_serves_retention_without_closing(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """cut_links alone erases the links of one campaign and leaves it open."""
    werkgroep_id = await _werkgroep(sessions, mini_catalog)
    campaign_id = await _campaign(sessions, mini_catalog, werkgroep_id)
    async with sessions.begin() as session:
        await _participant(session, campaign_id, "one")
        await _participant(session, campaign_id, "two")
    async with sessions.begin() as session:
        cut = await queries.cut_links(session, campaign_id)
    assert (cut.pseudonyms, cut.conversations) == (2, 0)
    async with sessions.begin() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.closed_at is None
        assert campaign.links_cut_at is not None
        assert (await session.scalars(select(Participant.pseudonym))).all() == [None, None]


async def test_close_campaign_of_another_werkgroep_is_not_found(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """A coordinator closing another werkgroep's campaign gets the not-found answer."""
    a = await _werkgroep(sessions, mini_catalog, "A")
    b = await _werkgroep(sessions, mini_catalog, "B")
    theirs = await _campaign(sessions, mini_catalog, b)
    async with sessions.begin() as session:
        with pytest.raises(NotFound, match=f"^Geen campagne met id {theirs}.$"):
            await service.close_campaign(session, theirs, actor="cli", werkgroep_id=a)
        campaign = await session.get(Campaign, theirs)
        assert campaign is not None and campaign.closed_at is None
