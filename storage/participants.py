"""Participants: scoped look-up, erasure, and the rewrite that forgets storage order at the cut.

A participant's pseudonym is keyed per (werkgroep, step, round) (see
:mod:`bot.privacy.pseudonym`), so the pseudonym alone finds the person in every campaign of
that scope: a second link of the same step and round finds the first participation instead of
making a second one (one person, one voice). Every function takes an open session; the caller
owns the transaction.
"""

from __future__ import annotations

import enum
import random
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from storage import Session, conversations, tallies
from storage.conversations import ConversationRecord
from storage.models import (
    Answer,
    AnswerTheme,
    Campaign,
    ConversationRow,
    Participant,
    SummaryRelease,
    new_id,
)


class Standing(enum.Enum):
    """Where a person stands in a campaign's scope when they open its link."""

    NEW = "new"  # not yet taken part in this (werkgroep, step, round): show the notice
    IN_PROGRESS = "in_progress"  # started (maybe through another link): resume ``conversation``
    COMPLETED = "completed"  # already took part: say so; offer to change answers or erase


@dataclass(frozen=True)
class Participation:
    standing: Standing
    participant: Participant | None
    conversation: ConversationRecord | None
    # True when the earlier participation came through another campaign link of the scope.
    other_link: bool


@dataclass(frozen=True)
class Scope:
    werkgroep_id: str
    step_key: str
    round: int


def scope_of(campaign: Campaign) -> Scope:
    return Scope(campaign.werkgroep_id, campaign.step_key, campaign.round)


async def find(session: Session, campaign: Campaign, pseudonym: str) -> Participant | None:
    """The person's participant row in any campaign of ``campaign``'s scope, if any."""
    participant: Participant | None = await session.scalar(
        select(Participant)
        .join(Campaign, Campaign.id == Participant.campaign_id)
        .where(
            Participant.pseudonym == pseudonym,
            Campaign.werkgroep_id == campaign.werkgroep_id,
            Campaign.step_key == campaign.step_key,
            Campaign.round == campaign.round,
        )
        .limit(1)
    )
    return participant


async def join(session: Session, campaign: Campaign, pseudonym: str) -> Participant:
    """The person's participant row of the scope; a new one in ``campaign`` if there is none."""
    participant = await find(session, campaign, pseudonym)
    if participant is None:
        participant = Participant(id=new_id(), campaign_id=campaign.id, pseudonym=pseudonym)
        session.add(participant)
        await session.flush()
    return participant


async def standing(session: Session, campaign: Campaign, pseudonym: str) -> Participation:
    """What opening ``campaign``'s link means for this person (see :class:`Standing`)."""
    participant = await find(session, campaign, pseudonym)
    if participant is None:
        return Participation(Standing.NEW, None, None, other_link=False)
    other = participant.campaign_id != campaign.id
    row = await conversations.open_of_participant(session, participant.id)
    if row is not None:
        return Participation(Standing.IN_PROGRESS, participant, row, other_link=other)
    if participant.completed:
        return Participation(Standing.COMPLETED, participant, None, other_link=other)
    # Started but no open conversation (stopped before the first answer was saved).
    return Participation(Standing.IN_PROGRESS, participant, None, other_link=other)


async def open_scopes(session: Session) -> list[Scope]:
    """Scopes with a campaign whose pseudonym links are not cut yet (erasure can reach them)."""
    rows = await session.execute(
        select(Campaign.werkgroep_id, Campaign.step_key, Campaign.round)
        .where(Campaign.links_cut_at.is_(None))
        .distinct()
    )
    return [Scope(w, s, r) for w, s, r in rows.all()]


async def erase(session: Session, pseudonyms: Collection[str]) -> int:
    """Delete the participants with these pseudonyms, everything they gave, and every copy.

    Answers, themes and conversations go with the participant (cascade). Stored summary
    releases keep their counts (they change only when the release gate opens again, so an
    erasure cannot be used for differencing), but quotes and listed words taken from the
    erased texts are removed from them now. Returns the number of participations erased.
    """
    if not pseudonyms:
        return 0
    rows = (
        await session.execute(
            select(Participant.id, Campaign.werkgroep_id)
            .join(Campaign, Campaign.id == Participant.campaign_id)
            .where(Participant.pseudonym.in_(list(pseudonyms)), Campaign.links_cut_at.is_(None))
        )
    ).all()
    if not rows:
        return 0
    ids = [participant_id for participant_id, _ in rows]
    texts = list(
        await session.scalars(
            select(Answer.value_text).where(
                Answer.participant_id.in_(ids), Answer.value_text.is_not(None)
            )
        )
    )
    # Explicit deletes (not only the FK cascade): SQLite enforces cascades only with
    # foreign_keys=ON, and a connection opened elsewhere may not have it.
    answer_ids = select(Answer.id).where(Answer.participant_id.in_(ids))
    await session.execute(delete(AnswerTheme).where(AnswerTheme.answer_id.in_(answer_ids)))
    await session.execute(delete(Answer).where(Answer.participant_id.in_(ids)))
    await session.execute(delete(ConversationRow).where(ConversationRow.participant_id.in_(ids)))
    await session.execute(delete(Participant).where(Participant.id.in_(ids)))
    _forget_loaded(session, {Participant, Answer, AnswerTheme, ConversationRow})
    if texts:
        await scrub_releases(session, {w for _, w in rows}, [t for t in texts if t])
    return len(ids)


async def start_over(session: Session, participant: Participant) -> None:
    """Clear a participation so the person can answer again ("Antwoorden veranderen").

    The participant row stays (the person still counts once in the scope); its answers,
    themes and conversations go, and quotes and listed words taken from its texts leave the
    stored releases, as with an erasure.
    """
    werkgroep_id = await session.scalar(
        select(Campaign.werkgroep_id).where(Campaign.id == participant.campaign_id)
    )
    texts = list(
        await session.scalars(
            select(Answer.value_text).where(
                Answer.participant_id == participant.id, Answer.value_text.is_not(None)
            )
        )
    )
    answer_ids = select(Answer.id).where(Answer.participant_id == participant.id)
    await session.execute(delete(AnswerTheme).where(AnswerTheme.answer_id.in_(answer_ids)))
    await session.execute(delete(Answer).where(Answer.participant_id == participant.id))
    await session.execute(
        delete(ConversationRow).where(ConversationRow.participant_id == participant.id)
    )
    _forget_loaded(session, {Answer, AnswerTheme, ConversationRow})
    participant.completed = False
    if texts and werkgroep_id is not None:
        await scrub_releases(session, {werkgroep_id}, [t for t in texts if t])


_WORD = re.compile(r"\w+", re.UNICODE)


async def scrub_releases(
    session: Session, werkgroep_ids: Collection[str], texts: Sequence[str]
) -> int:
    """Remove quotes and listed words that came from ``texts`` from the werkgroepen's releases.

    A quote is a (possibly shortened) copy of one answer; it goes when it matches an erased
    text. A listed word goes when an erased text used it: it may still have ≥ k other users,
    but then the next release lists it again. Returns the number of releases changed.
    """
    erased = [_normal(text) for text in texts]
    words = {word for text in erased for word in _WORD.findall(text)}
    releases = (
        await session.scalars(
            select(SummaryRelease).where(SummaryRelease.werkgroep_id.in_(list(werkgroep_ids)))
        )
    ).all()
    changed = 0
    for release in releases:
        payload, touched = _scrub(release.payload, erased, words)
        if touched:
            # A new dict object: SQLAlchemy's JSON type detects reassignment, not mutation.
            release.payload = payload
            changed += 1
    await session.flush()
    return changed


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _quote_from(quote: str, erased: Sequence[str]) -> bool:
    core = _normal(quote).strip("\"'“”„…. ")
    return bool(core) and any(core in text or text in core for text in erased)


def _scrub(node: Any, erased: Sequence[str], words: set[str]) -> tuple[Any, bool]:
    """A copy of ``node`` without quotes/words from the erased texts, and whether it changed."""
    if isinstance(node, dict):
        result: dict[str, Any] = {}
        touched = False
        for key, value in node.items():
            if key == "quotes" and isinstance(value, list):
                kept = [q for q in value if not (isinstance(q, str) and _quote_from(q, erased))]
                touched |= len(kept) != len(value)
                result[key] = kept
            elif key == "words" and isinstance(value, list):
                kept = [w for w in value if not (isinstance(w, str) and w.lower() in words)]
                touched |= len(kept) != len(value)
                result[key] = kept
            else:
                result[key], inner = _scrub(value, erased, words)
                touched |= inner
        return result, touched
    if isinstance(node, list):
        items = [_scrub(item, erased, words) for item in node]
        return [item for item, _ in items], any(inner for _, inner in items)
    return node, False


# --- the cut: forget storage order -----------------------------------------------------------


async def rewrite_anonymously(
    session: Session, campaign_id: str, rng: random.Random | None = None
) -> int:
    """Rewrite a cut campaign's participants, answers and themes in random order, new ids.

    Before this, row order (SQLite ``rowid``, PostgreSQL ``ctid``), transaction ids (``xmin``,
    shared with the chat-session update of the same turn) and the participant ids the answers
    carried would let a reader re-link answers to chat sessions and to times of day. Copying
    everything in one transaction, shuffled, with fresh random ids, and deleting the originals
    leaves one transaction id and an order that says nothing. Pseudonyms are not copied.
    Returns the number of participants rewritten.
    """
    rng = rng or secrets.SystemRandom()
    participants = (
        await session.execute(
            select(Participant.id, Participant.created_on, Participant.completed).where(
                Participant.campaign_id == campaign_id
            )
        )
    ).all()
    if not participants:
        return 0
    new_ids = {old: new_id() for old, _, _ in participants}
    answers = (
        (await session.execute(select(Answer).where(Answer.campaign_id == campaign_id)))
        .scalars()
        .all()
    )
    answer_rows = [
        {
            "id": new_id(),
            "old": answer.id,
            "campaign_id": answer.campaign_id,
            "participant_id": new_ids[answer.participant_id],
            "question_id": answer.question_id,
            "value_option": answer.value_option,
            "value_number": answer.value_number,
            "value_text": answer.value_text,
            "crisis": answer.crisis,
            "answered_on": answer.answered_on,
        }
        for answer in answers
        if answer.participant_id in new_ids
    ]
    answer_ids = {row["old"]: row["id"] for row in answer_rows}
    themes = (
        await session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme, AnswerTheme.question_id).where(
                AnswerTheme.campaign_id == campaign_id
            )
        )
    ).all()
    theme_rows = [
        {
            "answer_id": answer_ids[answer_id],
            "theme": theme,
            "campaign_id": campaign_id,
            "question_id": question_id,
        }
        for answer_id, theme, question_id in themes
        if answer_id in answer_ids
    ]
    # One transaction rewrites the whole campaign: the summary's tallies are counted afresh
    # at the end instead of once per copied and deleted answer (storage/tallies.py).
    async with tallies.recounted(session, [campaign_id]):
        await session.execute(delete(AnswerTheme).where(AnswerTheme.campaign_id == campaign_id))
        await session.execute(delete(Answer).where(Answer.campaign_id == campaign_id))
        await session.execute(
            delete(ConversationRow).where(ConversationRow.participant_id.in_(list(new_ids)))
        )
        await session.execute(delete(Participant).where(Participant.campaign_id == campaign_id))
        _forget_loaded(session, {Participant, Answer, AnswerTheme, ConversationRow})
        participant_rows = [
            {
                "id": new_ids[old],
                "campaign_id": campaign_id,
                "pseudonym": None,
                "created_on": created_on,
                "completed": completed,
            }
            for old, created_on, completed in participants
        ]
        for rows in (participant_rows, answer_rows, theme_rows):
            rng.shuffle(rows)
        await session.execute(insert(Participant), participant_rows)
        if answer_rows:
            await session.execute(
                insert(Answer),
                [{k: v for k, v in row.items() if k != "old"} for row in answer_rows],
            )
        if theme_rows:
            await session.execute(insert(AnswerTheme), theme_rows)
    return len(participant_rows)


def _forget_loaded(session: Session, kinds: set[type]) -> None:
    """Drop loaded objects of rows just deleted in SQL, so no stale object is flushed back."""
    for instance in list(session.identity_map.values()):
        if type(instance) in kinds:
            session.expunge(instance)
