"""``samenspraak werkgroep``: create and inspect werkgroepen, hand out and revoke invites.

Also home of :func:`run_service` and :func:`to_json`, which ``samenspraak campagne`` shares: a
refused request or a database failure ends in one line on stderr and exit code 1, never a
traceback.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import typer

from bot.admin import AdminError, service
from bot.admin.links import shown
from bot.admin.runner import bot_username, cli_actor, run_in_transaction
from bot.config import Settings, load_settings
from bot.engine import Catalog, load_catalog
from bot.privacy.disclosure import coordinator_count
from storage import Session
from storage.handles import DatabaseError

app = typer.Typer(help="Werkgroepen: create, list, show, invites, members.", no_args_is_help=True)

T = TypeVar("T")

ROLE_NAMES = {"coordinator": "coördinator", "member": "lid"}
JSON_OPTION = typer.Option("--json", help="Print JSON.")
USES_OPTION = Annotated[
    int, typer.Option("--uses", help="How many people may join with this link (default 1).")
]
VALID_OPTION = Annotated[
    int, typer.Option("--geldig", metavar="DAGEN", help="Days the link works (default 14).")
]


# --- shared with bot/cli/campagne.py ----------------------------------------------------------


def fail(message: str) -> typer.Exit:
    typer.echo(f"Fout: {message}", err=True)
    return typer.Exit(1)


def run_service(
    settings: Settings, work: Callable[[Session], Awaitable[T]], *, compact_after: bool = False
) -> T:
    """Run ``work`` in one transaction; refusals and database failures become exit code 1."""
    try:
        return run_in_transaction(settings, work, compact_after=compact_after)
    except AdminError as exc:
        raise fail(str(exc)) from None
    except (DatabaseError, OSError) as exc:
        # The driver's message may quote the URL; the kind of failure is enough to act on.
        raise fail(
            f"de database gaf een fout ({type(exc).__name__}). Is de database bereikbaar en "
            "is `samenspraak db upgrade` gedaan?"
        ) from None


def catalog_of(settings: Settings) -> Catalog:
    return load_catalog(settings.resolved_flows_dir)


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [dataclasses.asdict(item) for item in value]
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def day(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    return (value.date() if isinstance(value, datetime) else value).isoformat()


# --- commands ---------------------------------------------------------------------------------


def _invite_text(title: str, invite: service.InviteLink) -> list[str]:
    lines = [f"{title}:", f"  link:  {shown(invite.link)}"]
    if invite.link is None:
        lines.append(f"  token: {invite.token}")
    return lines


@app.command("create")
def create(
    naam: Annotated[str, typer.Option("--naam", help="Name, e.g. 'Armoede Velsen'.")],
    plan: Annotated[str, typer.Option("--plan", help="Plan template id, see `flows list`.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Create a werkgroep and print its coordinator and member invite links."""
    settings = load_settings()
    catalog = catalog_of(settings)
    username = bot_username(settings)
    created = run_service(
        settings,
        lambda s: service.create_werkgroep(
            s, catalog, naam, plan, actor=cli_actor(), bot_username=username
        ),
    )
    if as_json:
        typer.echo(
            to_json(
                {
                    "id": created.id,
                    "naam": created.naam,
                    "plan": created.plan,
                    "coordinator_token": created.coordinator.token,
                    "coordinator_link": created.coordinator.link,
                    "member_token": created.member.token,
                    "member_link": created.member.link,
                }
            )
        )
        return
    lines = [
        f"Werkgroep aangemaakt: {created.naam} (plan {created.plan})",
        f"id: {created.id}",
        "",
        *_invite_text("Uitnodiging voor de coördinator", created.coordinator),
        *_invite_text("Uitnodiging voor leden", created.member),
        "",
        "Deze links worden maar één keer getoond; bewaar ze goed.",
        "Kwijt? `samenspraak werkgroep revoke-invite ID --rol lid|coordinator` maakt een nieuwe.",
    ]
    typer.echo("\n".join(lines))


@app.command("list")
def list_werkgroepen(as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List the werkgroepen with their members and campaigns."""
    rows = run_service(load_settings(), service.list_werkgroepen)
    if as_json:
        typer.echo(to_json(rows))
        return
    if not rows:
        typer.echo("Nog geen werkgroepen. Maak er een met `samenspraak werkgroep create`.")
        return
    for row in rows:
        typer.echo(
            f"{row.id}  {row.naam}  [plan {row.plan}]  leden: {row.members} "
            f"(coördinatoren: {row.coordinators})  campagnes: {row.campaigns} "
            f"(open: {row.open_campaigns})  sinds {day(row.created_at)}"
        )


@app.command("show")
def show(
    werkgroep_id: Annotated[str, typer.Argument(metavar="ID", help="Werkgroep id.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Members and roles, progress per step, and campaigns with response counts."""
    settings = load_settings()
    catalog = catalog_of(settings)
    detail = run_service(
        settings,
        lambda s: service.show_werkgroep(
            s, catalog, werkgroep_id, actor=cli_actor(), k=settings.min_group_size
        ),
    )
    if as_json:
        typer.echo(to_json(detail))
        return
    lines = [
        f"Werkgroep {detail.naam}",
        f"id: {detail.id}",
        f"plan: {detail.plan} — {detail.plan_title}",
        f"sinds: {day(detail.created_at)}",
        "",
        f"Leden ({len(detail.members)}):",
    ]
    for member in detail.members:
        who = member.name or "(naam nog niet opgegeven)"
        if member.organisation:
            who += f", {member.organisation}"
        lines.append(
            f"  {ROLE_NAMES.get(member.role, member.role):<12} {who}  "
            f"sinds {day(member.joined_at)}  id {member.id}"
        )
    lines += ["", "Stappen (leden met bijdragen / klaar met de stap):"]
    for step in detail.steps:
        consult = ", ".join(step.consultations) or "-"
        lines.append(
            f"  {step.key:<14} {step.contributors:>3} / {step.finished:<3} {step.title}"
            f"  [campagne mogelijk voor: {consult}]"
        )
    lines += ["", f"Campagnes ({len(detail.campaigns)}):"]
    lines += [f"  {campaign_line(c)}" for c in detail.campaigns] or ["  (geen)"]
    typer.echo("\n".join(lines))


def campaign_line(c: service.CampaignInfo) -> str:
    if c.open:
        state = f"open tot {day(c.sluit_op)}" if c.sluit_op else "open"
    else:
        state = f"gesloten {day(c.closed_at)}" if c.closed_at else f"verlopen {day(c.sluit_op)}"
    label = f' "{c.label}"' if c.label else ""
    return (
        f"{c.id}  {c.doelgroep:<8} {c.stap}{label}  ronde {c.round}  {state}  "
        f"deelnemers: {coordinator_count(c.participants, c.k)}, "
        f"afgerond: {coordinator_count(c.completed, c.k)}"
    )


@app.command("invite")
def invite(
    werkgroep_id: Annotated[str, typer.Argument(metavar="ID", help="Werkgroep id.")],
    rol: Annotated[str, typer.Option("--rol", help="lid or coordinator.")] = "lid",
    uses: USES_OPTION = 1,
    geldig: VALID_OPTION = 14,
) -> None:
    """Print one more invite link; earlier invites keep working."""
    settings = load_settings()
    username = bot_username(settings)
    made = run_service(
        settings,
        lambda s: service.new_member_invite(
            s,
            werkgroep_id,
            rol,
            actor=cli_actor(),
            bot_username=username,
            uses=uses,
            valid_days=geldig,
        ),
    )
    typer.echo("\n".join(_invite_text(f"Nieuwe uitnodiging ({ROLE_NAMES[made.role]})", made)))


@app.command("revoke-invite")
def revoke_invite(
    werkgroep_id: Annotated[str, typer.Argument(metavar="ID", help="Werkgroep id.")],
    rol: Annotated[str, typer.Option("--rol", help="lid or coordinator.")],
    uses: USES_OPTION = 1,
    geldig: VALID_OPTION = 14,
) -> None:
    """Make the open invite links of a role stop working and print a new one."""
    settings = load_settings()
    username = bot_username(settings)
    made = run_service(
        settings,
        lambda s: service.revoke_invite(
            s,
            werkgroep_id,
            rol,
            actor=cli_actor(),
            bot_username=username,
            uses=uses,
            valid_days=geldig,
        ),
    )
    lines = [
        f"Oude uitnodigingen ({ROLE_NAMES[made.role]}) werken niet meer.",
        *_invite_text("Nieuwe uitnodiging", made),
    ]
    typer.echo("\n".join(lines))


@app.command("remove-member")
def remove_member(
    werkgroep_id: Annotated[str, typer.Argument(metavar="ID", help="Werkgroep id.")],
    member_id: Annotated[str, typer.Argument(metavar="MEMBER_ID", help="Member id (`show`).")],
) -> None:
    """Remove a member; their contributions stay in the plan."""
    removed = run_service(
        load_settings(),
        lambda s: service.remove_member(s, werkgroep_id, member_id, actor=cli_actor()),
    )
    typer.echo(f"Lid verwijderd: {removed.name or removed.id} ({ROLE_NAMES[removed.role]}).")


@app.command("remove-contributions")
def remove_contributions(
    werkgroep_id: Annotated[str, typer.Argument(metavar="ID", help="Werkgroep id.")],
    member_id: Annotated[str, typer.Argument(metavar="MEMBER_ID", help="Member id (`show`).")],
) -> None:
    """Delete a member's contributions from the plan (agreed answers stay)."""
    count = run_service(
        load_settings(),
        lambda s: service.remove_contributions(s, werkgroep_id, member_id, actor=cli_actor()),
    )
    typer.echo(f"Bijdragen gewist: {count}.")
