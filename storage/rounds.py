"""The werkgroep's own answers per round: contributions, agreed answers and started rounds.

Periodic steps (step 6, bouwsteen "leren en verbeteren") are answered again each round, and
step 5 once per named aanpak or interventie (``subject``; "" when the step has none). The
current round of a step is the highest round anyone started or used there: started with
:func:`start_round`, used by a participant campaign of that round, or by an answer.

For the chat (``/vastleggen`` and the werkgroep flows): :func:`current_round`,
:func:`save_contribution` and :func:`record_agreed` on the current round, and
:func:`contribution_value` / :func:`agreed_text` with ``round_number - 1`` to show last round.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from storage import Session
from storage.models import AgreedAnswer, Campaign, Contribution, Member, WerkgroepRound

__all__ = [
    "agreed_answers",
    "agreed_text",
    "contribution_value",
    "contributions",
    "current_round",
    "record_agreed",
    "save_contribution",
    "start_round",
    "subjects",
]


async def current_round(session: Session, werkgroep_id: str, step_key: str) -> int:
    """The round the werkgroep works on at this step (1 when nothing was started yet)."""
    highest = 1
    for statement in (
        select(func.max(WerkgroepRound.round)).where(
            WerkgroepRound.werkgroep_id == werkgroep_id, WerkgroepRound.step_key == step_key
        ),
        select(func.max(Campaign.round)).where(
            Campaign.werkgroep_id == werkgroep_id, Campaign.step_key == step_key
        ),
        select(func.max(Contribution.round)).where(
            Contribution.werkgroep_id == werkgroep_id, Contribution.step_key == step_key
        ),
        select(func.max(AgreedAnswer.round)).where(
            AgreedAnswer.werkgroep_id == werkgroep_id, AgreedAnswer.step_key == step_key
        ),
    ):
        found = await session.scalar(statement)
        if found is not None:
            highest = max(highest, int(found))
    return highest


async def start_round(session: Session, werkgroep_id: str, step_key: str) -> int:
    """Start the next round of a step; returns its number."""
    number = await current_round(session, werkgroep_id, step_key) + 1
    session.add(WerkgroepRound(werkgroep_id=werkgroep_id, step_key=step_key, round=number))
    await session.flush()
    return number


async def save_contribution(
    session: Session,
    member: Member,
    flow_id: str,
    step_key: str,
    question_id: str,
    value: Any,
    *,
    round_number: int,
    subject: str = "",
) -> None:
    """Store (or replace, or with ``None`` remove) a member's answer in one round."""
    existing = await session.scalar(
        select(Contribution).where(
            Contribution.member_id == member.id,
            Contribution.flow_id == flow_id,
            Contribution.question_id == question_id,
            Contribution.round == round_number,
            Contribution.subject == subject,
        )
    )
    if value is None:
        if existing is not None:
            await session.delete(existing)
        return
    if existing is None:
        session.add(
            Contribution(
                werkgroep_id=member.werkgroep_id,
                member_id=member.id,
                flow_id=flow_id,
                step_key=step_key,
                question_id=question_id,
                value={"value": value},
                round=round_number,
                subject=subject,
            )
        )
    else:
        existing.value = {"value": value}
    await session.flush()


async def contribution_value(
    session: Session,
    member_id: str,
    question_id: str,
    step_key: str,
    round_number: int,
    subject: str = "",
) -> Any:
    """A member's answer in a round (e.g. the previous one, to show next to the question)."""
    found = await session.scalar(
        select(Contribution.value).where(
            Contribution.member_id == member_id,
            Contribution.step_key == step_key,
            Contribution.question_id == question_id,
            Contribution.round == round_number,
            Contribution.subject == subject,
        )
    )
    return None if found is None else found.get("value")


async def contributions(session: Session, werkgroep_id: str) -> list[tuple[Contribution, Member]]:
    """Every contribution of the werkgroep with its member, by name, then round."""
    result = await session.execute(
        select(Contribution, Member)
        .join(Member, Member.id == Contribution.member_id)
        .where(Contribution.werkgroep_id == werkgroep_id)
        .order_by(Member.name, Member.id, Contribution.round, Contribution.updated_at)
    )
    return list(result.tuples().all())


async def agreed_answers(session: Session, werkgroep_id: str) -> list[AgreedAnswer]:
    result = await session.scalars(
        select(AgreedAnswer)
        .where(AgreedAnswer.werkgroep_id == werkgroep_id)
        .order_by(AgreedAnswer.round)
    )
    return list(result.all())


async def agreed_text(
    session: Session,
    werkgroep_id: str,
    step_key: str,
    question_id: str,
    round_number: int,
    subject: str = "",
) -> str | None:
    text: str | None = await session.scalar(
        select(AgreedAnswer.text).where(
            AgreedAnswer.werkgroep_id == werkgroep_id,
            AgreedAnswer.step_key == step_key,
            AgreedAnswer.question_id == question_id,
            AgreedAnswer.round == round_number,
            AgreedAnswer.subject == subject,
        )
    )
    return text


async def record_agreed(
    session: Session,
    werkgroep_id: str,
    step_key: str,
    question_id: str,
    text: str | None,
    recorded_by: str | None,
    *,
    round_number: int,
    subject: str = "",
) -> AgreedAnswer | None:
    """Store or replace the agreed answer of one round; ``None`` removes it."""
    existing = await session.scalar(
        select(AgreedAnswer).where(
            AgreedAnswer.werkgroep_id == werkgroep_id,
            AgreedAnswer.step_key == step_key,
            AgreedAnswer.question_id == question_id,
            AgreedAnswer.round == round_number,
            AgreedAnswer.subject == subject,
        )
    )
    if text is None:
        if existing is not None:
            await session.execute(delete(AgreedAnswer).where(AgreedAnswer.id == existing.id))
        return None
    if existing is None:
        existing = AgreedAnswer(
            werkgroep_id=werkgroep_id,
            step_key=step_key,
            question_id=question_id,
            text=text,
            recorded_by=recorded_by,
            round=round_number,
            subject=subject,
        )
        session.add(existing)
    else:
        existing.text = text
        existing.recorded_by = recorded_by
    await session.flush()
    return existing


async def subjects(session: Session, werkgroep_id: str, step_key: str) -> list[str]:
    """The named aanpakken of a step, in the order they were first used."""
    result = await session.execute(
        select(Contribution.subject, func.min(Contribution.updated_at))
        .where(
            Contribution.werkgroep_id == werkgroep_id,
            Contribution.step_key == step_key,
            Contribution.subject != "",
        )
        .group_by(Contribution.subject)
        .order_by(func.min(Contribution.updated_at))
    )
    return [subject for subject, _ in result.all()]
