"""Test data for summaries: flows as data, and rows inserted straight into the database."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine import Catalog
from bot.summary.themes import ThemeMatcher
from storage.models import (
    Answer,
    AnswerTheme,
    Campaign,
    Contribution,
    Member,
    Participant,
    Werkgroep,
)

TEMPLATE = "proef"
STEP = "stap-1"


def _consultation(audience: str, you: str) -> dict[str, Any]:
    return {
        "kind": "flow",
        "id": f"{TEMPLATE}.{STEP}.{audience}",
        "title": f"Proef voor {audience}",
        "audience": audience,
        "plan": {"template": TEMPLATE, "step": STEP},
        "steps": [
            {
                "kind": "choice",
                "id": "leeftijd",
                "text": f"Hoe oud {you}?",
                "segment": True,
                "summary_label": "Leeftijd",
                "options": [
                    {"value": "jong", "label": "Jonger dan 16"},
                    {"value": "oud", "label": "16 of ouder"},
                ],
            },
            {
                "kind": "scale",
                "id": "hoe-gaat-het",
                "text": "Hoe gaat het?",
                "summary_label": "Hoe het gaat",
                "min": 1,
                "max": 3,
                "min_label": "Slecht",
                "max_label": "Goed",
            },
            {
                "kind": "multi_choice",
                "id": "onderwerpen",
                "text": "Waar denk je vaak aan?",
                "summary_label": "Onderwerpen",
                "options": [
                    {"value": "school", "label": "School"},
                    {"value": "geld", "label": "Geld"},
                    {"value": "vrienden", "label": "Vrienden"},
                ],
            },
            {"kind": "yes_no", "id": "hulp", "text": "Weet je waar je hulp vindt?"},
            {
                "kind": "text",
                "id": "zorgen",
                "text": "Waar maak je je zorgen over?",
                "summary_label": "Zorgen",
                "themes": True,
            },
            {
                "kind": "text",
                "id": "kansen",
                "text": "Wat gaat goed?",
                "summary_label": "Kansen",
                "themes": True,
            },
            {"kind": "text", "id": "idee", "text": "Heb je nog een idee?"},
        ],
    }


FLOW_FILES: dict[str, dict[str, Any]] = {
    "_template.yaml": {
        "kind": "template",
        "id": TEMPLATE,
        "title": "Proefplan",
        "steps": [
            {
                "key": STEP,
                "number": "1",
                "title": "Hoe gaat het met jongeren?",
                "doel": "We weten hoe het met jongeren gaat.",
                "resultaat": "Een gedeeld beeld van zorgen en kansen.",
            },
            {
                "key": "stap-2",
                "number": "2",
                "title": "Wat gaan we doen?",
                "doel": "Kiezen wat we gaan doen.",
                "resultaat": "Een aanpak.",
            },
        ],
    },
    "jongeren.yaml": _consultation("jongeren", "ben je"),
    "ouders.yaml": _consultation("ouders", "is uw kind"),
    "werkgroep-1.yaml": {
        "kind": "flow",
        "id": f"{TEMPLATE}.{STEP}.werkgroep",
        "title": "Stap 1 voor de werkgroep",
        "audience": "werkgroep",
        "plan": {"template": TEMPLATE, "step": STEP},
        "steps": [
            {"kind": "text", "id": "opgave", "text": "Wat is onze opgave?"},
            {
                "kind": "choice",
                "id": "urgentie",
                "text": "Hoe urgent is het?",
                "options": [
                    {"value": "hoog", "label": "Heel urgent"},
                    {"value": "laag", "label": "Niet zo urgent"},
                ],
            },
            {
                "kind": "text",
                "id": "input",
                "text": "Wat zijn de gezamenlijke zorgen en kansen?",
                "discuss_input": True,
            },
        ],
    },
    "werkgroep-2.yaml": {
        "kind": "flow",
        "id": f"{TEMPLATE}.stap-2.werkgroep",
        "title": "Stap 2 voor de werkgroep",
        "audience": "werkgroep",
        "plan": {"template": TEMPLATE, "step": "stap-2"},
        "steps": [
            {
                "kind": "multi_choice",
                "id": "partners",
                "text": "Welke partners doen mee?",
                "options": [
                    {"value": "school", "label": "Onderwijs"},
                    {"value": "ggd", "label": "GGD"},
                ],
            }
        ],
    },
}


def write_flows(directory: Path, files: Mapping[str, Mapping[str, Any]]) -> None:
    for name, content in files.items():
        (directory / name).write_text(yaml.safe_dump(dict(content), allow_unicode=True), "utf-8")


# Free-text answers cycle through these; each tags with the shipped default taxonomy.
ZORGEN = (
    "Veel stress door school en toetsen.",
    "Ik voel me vaak eenzaam.",
    "Alles wordt duurder, geen geld voor de sportclub.",
    "De bus rijdt niet in de avond.",
    "Mijn vrienden worden gepest op TikTok.",
)
KANSEN = (
    "Het jongerencentrum is fijn.",
    "Meer plekken om te sporten.",
    "Goede mentor op school.",
)


@dataclass
class Seeder:
    """Inserts rows with the ORM in one flush per call; ids are random like in production."""

    session: AsyncSession
    catalog: Catalog
    matcher: ThemeMatcher = field(init=False)
    _serial: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        taxonomy = self.catalog.taxonomy_for(TEMPLATE)
        assert taxonomy is not None
        self.matcher = ThemeMatcher(taxonomy)

    async def werkgroep(self, naam: str = "Werkgroep Proefstad") -> Werkgroep:
        werkgroep = Werkgroep(id=uuid.uuid4().hex, naam=naam, template_id=TEMPLATE)
        self.session.add(werkgroep)
        await self.session.flush()
        return werkgroep

    async def campaign(
        self,
        werkgroep: Werkgroep,
        audience: str,
        label: str | None = None,
        round_number: int = 1,
        step: str = STEP,
    ) -> Campaign:
        campaign = Campaign(
            id=uuid.uuid4().hex,
            werkgroep_id=werkgroep.id,
            audience=audience,
            step_key=step,
            flow_id=f"{TEMPLATE}.{step}.{audience}",
            label=label,
            token_hash=uuid.uuid4().hex,
            round=round_number,
        )
        self.session.add(campaign)
        await self.session.flush()
        return campaign

    async def respondents(
        self,
        campaign: Campaign,
        count: int,
        *,
        day: date = date(2024, 3, 12),
        completed: bool = True,
        crisis_every: int = 0,
        answers: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Insert ``count`` respondents; answers vary with a serial number unless given."""
        participants = [
            Participant(
                id=uuid.uuid4().hex,
                campaign_id=campaign.id,
                pseudonym=uuid.uuid4().hex,
                created_on=day,
                completed=completed,
            )
            for _ in range(count)
        ]
        self.session.add_all(participants)
        await self.session.flush()  # no ORM relationships: parents first
        themes: list[AnswerTheme] = []
        for participant in participants:
            serial = next(self._serial)
            values = dict(answers) if answers is not None else default_answers(serial)
            crisis = bool(crisis_every) and serial % crisis_every == 0
            themes += self._answers(campaign, participant.id, values, day, crisis)
        await self.session.flush()
        self.session.add_all(themes)
        await self.session.flush()
        return [participant.id for participant in participants]

    def _answers(
        self,
        campaign: Campaign,
        participant_id: str,
        values: Mapping[str, Any],
        day: date,
        crisis: bool,
    ) -> list[AnswerTheme]:
        themes: list[AnswerTheme] = []
        base = {"campaign_id": campaign.id, "participant_id": participant_id, "answered_on": day}
        for question, value in values.items():
            if isinstance(value, list):
                self.session.add_all(
                    Answer(id=uuid.uuid4().hex, question_id=question, value_option=v, **base)
                    for v in value
                )
            elif isinstance(value, int):
                self.session.add(
                    Answer(id=uuid.uuid4().hex, question_id=question, value_number=value, **base)
                )
            elif question in ("zorgen", "kansen", "idee", "nog-iets-tekst"):
                answer = Answer(
                    id=uuid.uuid4().hex,
                    question_id=question,
                    value_text=value,
                    crisis=crisis and question == "zorgen",
                    **base,
                )
                self.session.add(answer)
                if question != "idee":
                    themes += [
                        AnswerTheme(
                            answer_id=answer.id,
                            theme=theme,
                            campaign_id=answer.campaign_id,
                            question_id=question,
                        )
                        for theme in self.matcher.tag(value)
                    ]
            else:
                self.session.add(
                    Answer(id=uuid.uuid4().hex, question_id=question, value_option=value, **base)
                )
        return themes

    async def member(
        self, werkgroep: Werkgroep, name: str, organisation: str, role: str = "member"
    ) -> Member:
        member = Member(
            id=uuid.uuid4().hex,
            werkgroep_id=werkgroep.id,
            telegram_user_id=int(uuid.uuid4().int % 10**9),
            role=role,
            name=name,
            organisation=organisation,
        )
        self.session.add(member)
        await self.session.flush()
        return member

    async def contribution(
        self, member: Member, question_id: str, value: Any, step: str = STEP
    ) -> None:
        self.session.add(
            Contribution(
                werkgroep_id=member.werkgroep_id,
                member_id=member.id,
                flow_id=f"{TEMPLATE}.{step}.werkgroep",
                step_key=step,
                question_id=question_id,
                value={"value": value},
            )
        )
        await self.session.flush()


def default_answers(serial: int) -> dict[str, Any]:
    """A varied but deterministic set of answers for respondent number ``serial``."""
    topics = ["school", "geld", "vrienden"]
    return {
        "leeftijd": "jong" if serial % 3 else "oud",
        "hoe-gaat-het": 1 + serial % 3,
        "onderwerpen": topics[: 1 + serial % 3],
        "hulp": "ja" if serial % 4 else "nee",
        "zorgen": f"{ZORGEN[serial % len(ZORGEN)]} (antwoord {serial})",
        "kansen": KANSEN[serial % len(KANSEN)],
        "idee": f"Idee nummer {serial}",
    }
