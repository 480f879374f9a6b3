"""The playground's demo werkgroep: seeded once, remembered in ``<data_dir>/speeltuin.json``.

On the first start the playground creates a werkgroep for plan ``armoede`` with a coordinator
and a member invite, and open campaigns for jongeren and ouders at step 3. Their tokens are kept
in a small JSON file next to the SQLite database, so a restart finds the same werkgroep (and
everything that was answered in it). Whatever has gone missing since (the database was removed,
a campaign was closed from the chat, an invite was revoked) is created again.

A fresh werkgroep also gets anonymous sample answers from a few dozen made-up jongeren and
ouders, walked through the real consultation flows by the engine, so ``/samenvatting`` has
something to show above the minimum group size. They are clearly fake (no pseudonym, no chat).
"""

from __future__ import annotations

import json
import logging
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.admin import service
from bot.engine import Done, Finished, Input, Invalid, NextQuestion, Pick, Recorded, Reply
from bot.engine.schema import Flow, MultiChoiceStep, Question, ScaleStep, TextStep, options_of
from bot.privacy.redact import redact
from bot.runtime import Runtime
from storage import Session, invites, repo
from storage.models import Campaign, Participant, Werkgroep, new_id

log = logging.getLogger(__name__)

DEMO_FILE = "speeltuin.json"
DEMO_NAAM = "Speeltuin: armoede in Voorbeelddorp"
PLAN = "armoede"
STEP = "stap-3"
ACTOR = "playground"
# Enough that the common answers pass the default minimum group size (10), so the summary
# shows figures and a chart; rare answers stay suppressed, as they would for real.
SAMPLE_RESPONDENTS = {"jongeren": 40, "ouders": 30}
SAMPLE_SEED = 3  # the same sample answers on every machine


@dataclass(frozen=True)
class DemoWerkgroep:
    """Tokens of the demo werkgroep; the page turns them into ``/start <token>``."""

    werkgroep_id: str
    naam: str
    coordinator: str
    member: str
    jongeren: str
    ouders: str


async def ensure_demo(
    runtime: Runtime,
    data_dir: Path,
    *,
    sample_answers: bool = True,
    bot_username: str | None = None,
) -> DemoWerkgroep:
    """The demo werkgroep of this data directory, created or repaired as needed."""
    path = data_dir / DEMO_FILE
    saved = _load(path)
    async with runtime.sessions.begin() as session:
        demo = await _repair(session, runtime, saved, bot_username) if saved else None
        if demo is None:
            demo = await _create(session, runtime, sample_answers, bot_username)
    if demo != saved:
        _save(path, demo)
    return demo


async def _create(
    session: Session, runtime: Runtime, sample_answers: bool, bot_username: str | None
) -> DemoWerkgroep:
    created = await service.create_werkgroep(
        session, runtime.catalog, DEMO_NAAM, PLAN, actor=ACTOR, bot_username=bot_username
    )
    tokens: dict[str, str] = {}
    for audience in ("jongeren", "ouders"):
        campaign = await service.create_campaign(
            session,
            runtime.catalog,
            created.id,
            audience,
            STEP,
            label="Speeltuin",
            actor=ACTOR,
            bot_username=bot_username,
        )
        tokens[audience] = campaign.token
        if sample_answers:
            await seed_sample_answers(
                session, runtime, campaign.id, campaign.flow_id, SAMPLE_RESPONDENTS[audience]
            )
    log.info("playground: demo werkgroep created")
    return DemoWerkgroep(
        werkgroep_id=created.id,
        naam=created.naam,
        coordinator=(await _demo_invite(session, created.id, "coordinator", bot_username)).token,
        member=(await _demo_invite(session, created.id, "member", bot_username)).token,
        jongeren=tokens["jongeren"],
        ouders=tokens["ouders"],
    )


async def _demo_invite(
    session: Session, werkgroep_id: str, role: str, bot_username: str | None
) -> service.InviteLink:
    # The demo is shared by everyone who opens the playground: its invites are multi-use.
    return await service.new_member_invite(
        session,
        werkgroep_id,
        role,
        actor=ACTOR,
        bot_username=bot_username,
        uses=service.MAX_USES,
        valid_days=service.MAX_VALID_DAYS,
    )


async def _repair(
    session: Session, runtime: Runtime, saved: DemoWerkgroep, bot_username: str | None
) -> DemoWerkgroep | None:
    """The saved demo with every broken token replaced; None when the werkgroep is gone."""
    werkgroep = await session.get(Werkgroep, saved.werkgroep_id)
    if werkgroep is None:
        return None
    tokens = asdict(saved)
    for role, key in (("coordinator", "coordinator"), ("member", "member")):
        invite = await repo.find_invite(session, tokens[key])
        if invite is None or not invites.usable(invite) or invite.werkgroep_id != werkgroep.id:
            issued = await _demo_invite(session, werkgroep.id, role, bot_username)
            tokens[key] = issued.token
    for audience in ("jongeren", "ouders"):
        campaign = await repo.find_campaign(session, tokens[audience])
        if not _usable(campaign, werkgroep.id):
            fresh = await service.create_campaign(
                session,
                runtime.catalog,
                werkgroep.id,
                audience,
                STEP,
                label="Speeltuin",
                actor=ACTOR,
                bot_username=bot_username,
            )
            tokens[audience] = fresh.token
    tokens["naam"] = werkgroep.naam
    return DemoWerkgroep(**tokens)


def _usable(campaign: Campaign | None, werkgroep_id: str) -> bool:
    return (
        campaign is not None
        and campaign.werkgroep_id == werkgroep_id
        and repo.campaign_is_open(campaign)
    )


def _load(path: Path) -> DemoWerkgroep | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return DemoWerkgroep(**{key: str(raw[key]) for key in DemoWerkgroep.__dataclass_fields__})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("playground: %s is unreadable; a new demo werkgroep is made", path.name)
        return None


def _save(path: Path, demo: DemoWerkgroep) -> None:
    """Write atomically, readable only by the owner: the tokens let anyone join the werkgroep."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(asdict(demo), handle, ensure_ascii=False, indent=2)
    os.replace(partial, path)


# --- sample answers -----------------------------------------------------------------------------

# Made-up answers in the participants' own words; no names, places or other personal details.
SAMPLE_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "jongeren": {
        "signalen": (
            "Sommige vrienden gaan nooit mee naar de stad of de bioscoop.",
            "Een klasgenoot heeft vaak geen ontbijt gehad.",
            "Ze zeggen dat ze geen zin hebben, maar eigenlijk is er geen geld.",
            "Sommigen hebben geen sportkleren voor gym.",
            "Mensen schamen zich en praten er niet over.",
            "Ze hebben een oude telefoon en worden daarom gepest.",
            "Niet mee op schoolreis omdat het te duur is.",
        ),
        "zorgen": (
            "Dat mijn ouders stress hebben over rekeningen.",
            "Dat ik geen bijbaan vind en dus niks kan kopen.",
            "Dat ik later mijn studie niet kan betalen.",
            "Ik maak me zorgen over de boodschappen, alles wordt duurder.",
            "Dat ik niet mee kan doen met sport.",
            "Dat mijn broertje geen verjaardagsfeestje kan geven.",
        ),
        "kansen": (
            "Het jongerenwerk is gratis en je kunt er altijd heen.",
            "Een tweedehands winkel voor schoolspullen.",
            "Gratis sporten na school, dat helpt echt.",
            "Een leraar die vraagt hoe het gaat.",
            "Ontbijt op school voor iedereen.",
            "Uitleg over geld op school, bijvoorbeeld over sparen.",
        ),
        "nog-iets-tekst": (
            "Luister ook naar jongeren die niet zo veel praten.",
            "Maak het niet ingewikkeld om hulp te vragen.",
        ),
    },
    "ouders": {
        "signalen": (
            "Mijn kind wil niet meer naar verjaardagen omdat we geen cadeau kunnen kopen.",
            "Kinderen in de klas hebben niet allemaal een laptop.",
            "Ik zie ouders die hun kind thuis houden bij een schoolreis.",
            "De voedselbank is drukker dan vorig jaar.",
            "Mijn kind vraagt niet meer om dingen, het weet dat er geen geld is.",
            "Veel gezinnen hebben schulden door de energierekening.",
        ),
        "zorgen": (
            "Dat mijn kind buiten de groep valt.",
            "De vaste lasten stijgen steeds en ik kom niet rond.",
            "Ik weet niet waar ik hulp kan vragen zonder dat iedereen het weet.",
            "Dat de stress thuis invloed heeft op mijn kinderen.",
            "Dat sport en muziek te duur worden.",
        ),
        "kansen": (
            "Het jeugdfonds betaalt de sportclub, dat is heel fijn.",
            "Een vast aanspreekpunt op school.",
            "Informatie over regelingen in gewone taal.",
            "Een ruilwinkel voor kleding en schoolspullen.",
            "Het buurthuis organiseert gratis activiteiten in de vakantie.",
        ),
        "nog-iets-tekst": (
            "Maak de aanvraag voor regelingen makkelijker.",
            "Betrek ook ouders die geen Nederlands spreken.",
        ),
    },
}
FALLBACK_TEXTS = (
    "Meer plekken om te sporten in de buurt.",
    "Iemand om mee te praten als het thuis moeilijk is.",
    "Betere uitleg over waar je hulp kunt krijgen.",
)


async def seed_sample_answers(
    session: Session, runtime: Runtime, campaign_id: str, flow_id: str, count: int
) -> None:
    """Let ``count`` made-up participants answer the flow in full, through the real engine."""
    flow = runtime.engine.flow(flow_id)
    texts = SAMPLE_TEXTS.get(flow.audience.value, {})
    rng = random.Random(f"{SAMPLE_SEED}:{flow_id}")
    for _ in range(count):
        participant = Participant(id=new_id(), campaign_id=campaign_id, pseudonym=None)
        session.add(participant)
        await session.flush()
        conversation, outcome = runtime.engine.start(flow_id)
        turns = 0
        while isinstance(outcome, NextQuestion):
            turns += 1
            if turns > MAX_TURNS:
                raise RuntimeError(f"{flow_id}: sample answers did not finish the flow")
            result: NextQuestion | Invalid | Finished = outcome
            for given in _inputs(outcome.question, rng, texts):
                result = runtime.engine.advance(conversation, given)
            if isinstance(result, Invalid):
                raise RuntimeError(f"{flow_id}: sample answer refused ({result.reason})")
            if result.recorded is not None:
                await _store(session, runtime, participant, flow, result.recorded)
            outcome = result
        participant.completed = True


MAX_TURNS = 200  # far more than any flow has questions; guards against a loop


def _inputs(
    question: Question, rng: random.Random, texts: dict[str, tuple[str, ...]]
) -> list[Input]:
    """What one made-up participant types or taps for this question."""
    if isinstance(question, TextStep):
        return [Reply(rng.choice(texts.get(question.id or "", FALLBACK_TEXTS)))]
    if isinstance(question, ScaleStep):
        values = [str(n) for n in range(question.min, question.max + 1)]
        return [Pick(rng.choices(values, weights=_popularity(question.id, len(values)))[0])]
    options = [option.value for option in options_of(question)]
    # "Zeg ik liever niet" and "Niets hiervan" are rare answers; the others are each given
    # a popularity of their own, so a few stand out above the minimum group size.
    weights = [
        0.1 if value in ("geen", "niets") else weight
        for value, weight in zip(options, _popularity(question.id, len(options)), strict=True)
    ]
    if isinstance(question, MultiChoiceStep):
        most = min(question.max_choices or 3, 3, len(options))
        wanted = rng.randint(min(max(question.min_choices, 1), most), most)
        pool = [value for value in options if value != "niets"] or options
        chosen: list[str] = []
        while len(chosen) < min(wanted, len(pool)):
            pick = rng.choices(pool, weights=[weights[options.index(v)] for v in pool])[0]
            if pick not in chosen:
                chosen.append(pick)
        return [*(Pick(value) for value in chosen), Done()]
    return [Pick(rng.choices(options, weights=weights)[0])]


def _popularity(question_id: str | None, size: int) -> list[float]:
    """Fixed weights per question: the same question gets the same favourites on every run."""
    rng = random.Random(f"{SAMPLE_SEED}:{question_id}")
    return [rng.choice((0.4, 1.0, 2.5, 4.0)) for _ in range(size)]


async def _store(
    session: Session,
    runtime: Runtime,
    participant: Participant,
    flow: Flow,
    recorded: Recorded,
) -> None:
    """Store like the chat does: free text redacted and theme-tagged."""
    question = next(
        step for step in flow.steps if getattr(step, "id", None) == recorded.question_id
    )
    value = recorded.value
    free_text = isinstance(question, TextStep)
    themes: frozenset[str] = frozenset()
    if free_text and isinstance(value, str):
        value = redact(value).text
        themes = runtime.themes(flow.plan.template, value)
    await repo.store_participant_answer(
        session, participant, recorded.question_id, value, free_text=free_text, themes=themes
    )
