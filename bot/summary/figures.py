"""The figures of one release unit (one step, one round), with disclosure control applied.

A release unit holds the answers of jongeren and ouders to one step's consultation in one
round. Its figures are computed with SQL counts (:mod:`storage.summary`), suppressed
(:mod:`bot.privacy.disclosure`) and stored as a JSON payload in ``summary_releases``; the
payload holds only what may be shown, plus the respondent count each group of figures rests on
(the *base*), which the next release needs to decide what may change.

No differencing: a unit is recomputed only when its participants changed by at least k since
the last release; even then each group of figures (an audience's participant counts, one
question of one audience) keeps its last released value unless its own base changed by at
least k. So a figure never moves because one person answered, changed an answer or came back
to finish.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.privacy.disclosure import (
    OTHER_ANSWERS,
    PROTECTED_REASON,
    Cell,
    check_dimensions,
    merge_small,
    select_quotes,
    should_release,
    suppress_1d_explained,
    total_cell,
)
from bot.summary.model import AUDIENCES, NO_LABEL
from bot.summary.quotes import quote_may_be_shown
from bot.summary.themes import OVERIG, ThemeMatcher, top_unmatched_words
from storage import Session
from storage import summary as queries
from storage.summary import CampaignRow

__all__ = [
    "PAYLOAD_VERSION",
    "QuestionSpec",
    "Unit",
    "compute_unit",
    "decode_cell",
    "gate_open",
]

PAYLOAD_VERSION = 1
QUOTE_POOL = 15  # answers fetched to pick quotes from (each is checked for crisis words)
QUOTE_LIMIT = 5
WORD_SAMPLE = 1000  # respondents whose "overig" answers are read for frequent unmatched words
WORD_LIMIT = 10

Payload = dict[str, Any]
# The figures of an audience that rest on its participants, released and kept together.
AUDIENCE_FIGURES = ("base", "participants", "labels", "completed", "partial", "crisis")


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What the summary needs to know of a question: its kind and its answer keys in order."""

    id: str
    kind: str
    keys: tuple[str, ...] = ()  # option values or scale points; empty for free text
    themes: bool = False
    # (option, follow-up question id): who chose the option is asked the follow-up, so the
    # follow-up's respondents count that option ("nog-iets" ja → "nog-iets-tekst").
    gates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """One step and round: its campaigns and, per audience, the questions of its flow."""

    step_key: str
    round: int
    campaigns: tuple[CampaignRow, ...]
    questions: Mapping[str, tuple[QuestionSpec, ...]]
    theme_keys: tuple[str, ...]
    matcher: ThemeMatcher | None

    @property
    def scope(self) -> str:
        return f"{self.step_key}#r{self.round}"

    @property
    def audiences(self) -> tuple[str, ...]:
        present = {campaign.audience for campaign in self.campaigns}
        return tuple(a for a in AUDIENCES if a in present) + tuple(sorted(present - set(AUDIENCES)))

    def participants(self, counts: Mapping[str, tuple[int, int]]) -> int:
        return sum(counts.get(campaign.id, (0, 0))[0] for campaign in self.campaigns)


def gate_open(previous: Payload | None, participants: int, k: int) -> bool:
    """Must the unit be recomputed? Only when no usable release exists or ≥ k arrived/left.

    A change of k does not open the gate by itself: otherwise setting k from 10 to 11 and
    back would release new figures after one new respondent. Across a change the larger k
    counts, and the last release is shown again, tightened to the new k (:func:`reuse`).
    """
    if previous is None or previous.get("v") != PAYLOAD_VERSION:
        return True
    gate_k = max(k, int(previous.get("k") or k))
    return should_release(participants, int(previous["base"]), gate_k)


def reuse(previous: Payload, k: int) -> Payload:
    """The last release as it may be shown under ``k``: unchanged for the same or a smaller k
    (it was suppressed at least as strictly), tightened for a larger one.

    Tightening only hides: a shown count of 1..k-1 is hidden together with every figure of
    its list (the shown total would otherwise give it back), and a group resting on fewer
    than k loses all its figures. Nothing is computed from the database, so nothing new is
    released.
    """
    old_k = int(previous.get("k") or k)
    if k <= old_k:
        return {**previous, "k": k} if k != old_k else previous
    tightened: Payload = {**previous, "k": k, "audiences": {}}
    for audience, data in previous.get("audiences", {}).items():
        head = dict(data)
        if 0 < int(data["base"]) < k:
            for key in ("participants", "completed", "partial", "crisis"):
                head[key] = None
            head["labels"] = [[label, None] for label, _ in data["labels"]]
        else:
            head["participants"] = _tight(data["participants"], k)
            head["crisis"] = _tight(data["crisis"], k)
            head["labels"] = _tight_list(data["labels"], k)
            split = _tight_list([["c", data["completed"]], ["p", data["partial"]]], k)
            head["completed"], head["partial"] = split[0][1], split[1][1]
        questions: Payload = {}
        for question_id, question in data.get("questions", {}).items():
            small = 0 < int(question["base"]) < k
            questions[question_id] = {
                **question,
                "respondents": None if small else _tight(question["respondents"], k),
                "values": (
                    [[name, None] for name, _ in question["values"]]
                    if small
                    else _tight_list(question["values"], k)
                ),
                "words": [] if int(question["base"]) < 2 * k else question.get("words", []),
                "quotes": [] if int(question["base"]) < 2 * k else question.get("quotes", []),
            }
        head["questions"] = questions
        tightened["audiences"][audience] = head
    return tightened


def _tight(value: int | str | None, k: int) -> int | str | None:
    return None if isinstance(value, int) and 0 < value < k else value


def _tight_list(values: list[list[Any]], k: int) -> list[list[Any]]:
    if any(isinstance(v, int) and 0 < v < k for _, v in values):
        return [[name, v if v is None or isinstance(v, str) else None] for name, v in values]
    return values


# --- cells in JSON ------------------------------------------------------------------------------

_PROTECTED = "beschermd"  # a cell hidden only to protect a small one


def encode_cell(cell: Cell) -> int | str | None:
    if cell.count is None and cell.reason == PROTECTED_REASON:
        return _PROTECTED
    return cell.count


def decode_cell(value: int | str | None) -> Cell:
    if value == _PROTECTED:
        return Cell.hidden(PROTECTED_REASON)
    return Cell.hidden() if value is None else Cell.shown(int(value))


# --- computing a unit -----------------------------------------------------------------------------


@dataclass
class _Counts:
    """The SQL counts of a unit, added up from campaigns to audiences."""

    participants: Counter[str]
    completed: Counter[str]
    by_label: Counter[tuple[str, str]]
    bases: Counter[tuple[str, str]]
    values: dict[tuple[str, str], Counter[str]]
    themes: dict[tuple[str, str], Counter[str]]
    crisis: Counter[str]
    first: date | None = None
    last: date | None = None


async def _count(session: Session, unit: Unit, counts: Mapping[str, tuple[int, int]]) -> _Counts:
    campaign_ids = [campaign.id for campaign in unit.campaigns]
    audience_of = {campaign.id: campaign.audience for campaign in unit.campaigns}
    specs = [spec for specs in unit.questions.values() for spec in specs]
    multi_ids = sorted({spec.id for spec in specs if spec.kind == "multi_choice"})
    themed_ids = sorted({spec.id for spec in specs if spec.themes})
    result = _Counts(
        participants=Counter(),
        completed=Counter(),
        by_label=Counter(),
        bases=Counter(),
        values=defaultdict(Counter),
        themes=defaultdict(Counter),
        crisis=Counter(),
    )
    for campaign in unit.campaigns:
        total, done = counts.get(campaign.id, (0, 0))
        result.participants[campaign.audience] += total
        result.completed[campaign.audience] += done
        result.by_label[(campaign.audience, campaign.label or NO_LABEL)] += total

    rows = await queries.value_counts(session, campaign_ids, sorted({s.id for s in specs}))
    for row in rows:
        key = (audience_of[row.campaign_id], row.question_id)
        if row.question_id not in multi_ids:
            # One row per participant and single-valued question: the groups add up.
            result.bases[key] += row.respondents
        if row.crisis:
            result.crisis[key[0]] += row.respondents
        if row.option is not None:
            result.values[key][row.option] += row.respondents
        elif row.number is not None:
            result.values[key][str(row.number)] += row.respondents
        if row.first is not None and (result.first is None or row.first < result.first):
            result.first = row.first
        if row.last is not None and (result.last is None or row.last > result.last):
            result.last = row.last
    for count in await queries.question_respondents(session, campaign_ids, multi_ids):
        result.bases[(audience_of[count.campaign_id], count.question_id)] += count.respondents
    for count in await queries.theme_counts(session, campaign_ids, themed_ids):
        key = (audience_of[count.campaign_id], count.question_id)
        result.themes[key][count.key] += count.respondents
    return result


def _suppress(distribution: Mapping[str, int], base: int, k: int) -> dict[str, Cell]:
    # A multiple choice or a theme list can add up to more than its respondents, so a small
    # base hides everything itself: "0 of the 6 chose A" would tell what the 6 chose.
    if 0 < base < k:
        return {key: Cell.hidden() for key in distribution}
    return suppress_1d_explained(distribution, k)


async def _merge_multi(
    session: Session,
    campaign_ids: Sequence[str],
    spec: QuestionSpec,
    distribution: Mapping[str, int],
    k: int,
) -> dict[str, int]:
    """Small options of a multiple choice (or small themes) as one "andere antwoorden" row.

    A respondent can give several of them, so the row is counted in the database (distinct
    respondents), not added up. Like :func:`~bot.privacy.disclosure.merge_small`: the next
    smallest rows join until the group holds k, as long as one row with answers stays apart;
    the fine rows are then not shown, only the merged one.
    """
    keys = list(distribution)
    group = sorted(
        (key for key in keys if 0 < distribution[key] < k), key=lambda key: distribution[key]
    )
    if len(group) < 2:
        return dict(distribution)
    rest = sorted(
        (key for key in keys if distribution[key] >= k),
        key=lambda key: (distribution[key], keys.index(key)),
    )
    merged = await queries.respondents_with_any(
        session, campaign_ids, spec.id, group, themes=spec.themes
    )
    while merged < k and len(rest) > 1:
        group.append(rest.pop(0))
        merged = await queries.respondents_with_any(
            session, campaign_ids, spec.id, group, themes=spec.themes
        )
    if not rest:
        return dict(distribution)
    result = {key: distribution[key] for key in keys if key not in group}
    result[OTHER_ANSWERS] = merged
    return result


def _may_quote(text: str) -> bool:
    return quote_may_be_shown(text, crisis=False)


def _month(day: date | None) -> str | None:
    return day.strftime("%Y-%m") if day is not None else None


async def compute_unit(
    session: Session,
    unit: Unit,
    counts: Mapping[str, tuple[int, int]],
    previous: Payload | None,
    k: int,
    rng: random.Random,
) -> Payload:
    """The payload to release for ``unit``; ``previous`` is the last release (or None).

    ``counts`` are the participant counts per campaign (from the release gate).
    """
    if previous is not None and previous.get("v") != PAYLOAD_VERSION:
        previous = None  # stored in another shape: nothing to keep
    elif previous is not None:
        # Groups whose own base did not move by k keep their figures, tightened to a new k.
        previous = reuse(previous, k)
    tally = await _count(session, unit, counts)
    # The widest breakdown is audience × campaign label; questions are never split by label.
    check_dimensions(("audience", "label"))
    first, last = _month(tally.first), _month(tally.last)
    payload: Payload = {
        "v": PAYLOAD_VERSION,
        "k": k,
        "base": sum(tally.participants.values()),
        "period": [first, last] if first and last else None,
        "audiences": {},
    }
    for audience in unit.audiences:
        previous_audience = (previous or {}).get("audiences", {}).get(audience)
        payload["audiences"][audience] = await _audience(
            session, unit, tally, audience, previous_audience, k, rng
        )
    return payload


async def _audience(
    session: Session,
    unit: Unit,
    tally: _Counts,
    audience: str,
    previous: Payload | None,
    k: int,
    rng: random.Random,
) -> Payload:
    base = tally.participants[audience]
    if previous is not None and not should_release(base, int(previous["base"]), k):
        # Fewer than k joined or left this audience: its counts stay as released, base too,
        # so the next release is again measured against what people last saw.
        head = {key: previous[key] for key in AUDIENCE_FIGURES}
    else:
        head = _audience_figures(unit, tally, audience, k)
    campaign_ids = [c.id for c in unit.campaigns if c.audience == audience]
    old_questions = (previous or {}).get("questions", {})
    questions: Payload = {}
    for spec in unit.questions.get(audience, ()):
        question_base = tally.bases[(audience, spec.id)]
        old = old_questions.get(spec.id)
        if old is not None and not should_release(question_base, int(old["base"]), k):
            questions[spec.id] = old
            continue
        questions[spec.id] = await _question(
            session, unit, tally, audience, campaign_ids, spec, question_base, k, rng
        )
    return {**head, "questions": hide_derivable(unit.questions.get(audience, ()), questions)}


def hide_derivable(specs: Sequence[QuestionSpec], questions: Payload) -> Payload:
    """Hide a follow-up's figures when the option that leads to it is hidden.

    Everyone who answered "ja" to "Wil je nog iets vertellen?" is asked the follow-up, so the
    follow-up's respondent count is the hidden "ja". Its respondents and its rows (theme counts
    bound it too) are hidden; quotes stay, they carry no count. Deterministic, so a reused
    release stays byte-identical.
    """
    result = dict(questions)
    for spec in specs:
        gate = result.get(spec.id)
        if gate is None or not spec.gates:
            continue
        cells = dict((name, value) for name, value in gate["values"])
        for option, target in spec.gates:
            follow_up = result.get(target)
            if follow_up is None or option not in cells:
                continue
            if cells[option] is None or cells[option] == _PROTECTED:
                result[target] = {
                    **follow_up,
                    "respondents": None,
                    "values": [[name, None] for name, _ in follow_up["values"]],
                    "words": [],
                }
    return result


def _audience_figures(unit: Unit, tally: _Counts, audience: str, k: int) -> Payload:
    base = tally.participants[audience]
    completed = tally.completed[audience]
    labels = sorted({c.label or NO_LABEL for c in unit.campaigns if c.audience == audience})
    label_cells = _suppress({label: tally.by_label[(audience, label)] for label in labels}, base, k)
    split = _suppress({"completed": completed, "partial": base - completed}, base, k)
    # One person can write several crisis answers: a count of them is no safer than the
    # small group it comes from.
    crisis = Cell.hidden() if 0 < base < k else total_cell(tally.crisis[audience], k)
    return {
        "base": base,
        "participants": encode_cell(total_cell(base, k)),
        "labels": [[label, encode_cell(cell)] for label, cell in label_cells.items()],
        "completed": encode_cell(split["completed"]),
        "partial": encode_cell(split["partial"]),
        "crisis": encode_cell(crisis),
    }


async def _question(
    session: Session,
    unit: Unit,
    tally: _Counts,
    audience: str,
    campaign_ids: Sequence[str],
    spec: QuestionSpec,
    base: int,
    k: int,
    rng: random.Random,
) -> Payload:
    key = (audience, spec.id)
    if spec.kind == "text":
        found = tally.themes.get(key, Counter())
        order = (*unit.theme_keys, OVERIG) if spec.themes else ()
    else:
        found = tally.values.get(key, Counter())
        order = spec.keys
    # Zero rows belong in the table (suppression treats them), unknown keys too (an option
    # removed from the flow after people chose it).
    distribution = {name: found.get(name, 0) for name in order}
    distribution.update({name: n for name, n in sorted(found.items()) if name not in order})
    if spec.kind in ("scale", "choice") and base >= k:
        # One answer per respondent: neighbouring scale points and small options can be
        # added up without counting anyone twice.
        distribution, _ = merge_small(distribution, k, scale=spec.kind == "scale")
    elif (spec.kind == "multi_choice" or spec.themes) and base >= k:
        distribution = await _merge_multi(session, campaign_ids, spec, distribution, k)
    cells = _suppress(distribution, base, k)
    quotes: list[str] = []
    words: list[str] = []
    if spec.kind == "text" and base >= 2 * k:
        start = f"{rng.getrandbits(128):032x}"
        pool = await queries.sample_texts(session, campaign_ids, spec.id, QUOTE_POOL, start)
        # The sample holds no crisis-flagged answer; the rule checks the text once more, for
        # as many candidates as it takes to find QUOTE_LIMIT quotes.
        quotes = select_quotes(pool, base, k, rng, limit=QUOTE_LIMIT, may_show=_may_quote)
        if spec.themes and unit.matcher is not None and distribution.get(OVERIG):
            texts = await queries.sample_texts(
                session, campaign_ids, spec.id, WORD_SAMPLE, start, unthemed_only=True
            )
            # The words of the answers the "overig" count counts: stored without a theme.
            ranked = top_unmatched_words(texts, None, WORD_LIMIT, min_count=k)
            words = [word for word, _ in ranked]
    return {
        "base": base,
        "respondents": encode_cell(total_cell(base, k)),
        "values": [[name, encode_cell(cell)] for name, cell in cells.items()],
        "quotes": quotes,
        "words": words,
    }
