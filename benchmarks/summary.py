"""Time the samenvatting and the plan export over many answers.

    python -m benchmarks.summary --answers 1000000 [--database-url URL]

Bulk-inserts one werkgroep with jongeren and ouders campaigns (several labels, two rounds) and
about ``--answers`` answer rows straight into the database, then times ``build_summary`` on a
fresh release and the Markdown + DOCX + CSV + XLSX export of the plan. It also measures how
much disclosure control hides (#17.3): the share of figure cells hidden on the playground's
demo data (``hidden_share_demo``), on 30 jongeren in one label (``hidden_share_30``) and on the
bulk data (``hidden_share_bulk``). The last line printed is one JSON object: answers,
respondents, generate_s, summary_s (the first summary; the crisis lexicon and the theme matchers are built before, as the bot has them by then: lexicon_load_s, matcher_build_s), summary_cpu_s (this process's CPU time during it), export_s, peak_rss_mb and those shares.

Without ``--database-url`` it uses a new SQLite file in a temporary directory. A PostgreSQL URL
must point at a database that may be emptied (its public schema is dropped first).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.engine import Catalog, load_catalog
from bot.privacy.crisis import load_lexicon
from bot.summary.build import build_summary
from bot.summary.coverage import hidden_share
from bot.summary.export import export_plan
from bot.summary.matchers import matcher_for
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import Answer, AnswerTheme, Campaign, Participant, Werkgroep
from storage.tallies import recounted

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "proef"
STEP = "stap-1"
LABELS = ("school-noord", "school-zuid", "jongerenwerk", "wijk-oost", "wijk-west")
BATCH = 20_000

# Typical free-text answers, so the themes and the quote sample look like real use.
TEXTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Veel jongeren hebben stress door school en toetsen.", ("school", "mentaal")),
    ("Er is weinig te doen in mijn buurt.", ("vrije-tijd", "wonen")),
    ("Alles wordt duurder, sommigen kunnen niet mee op stap.", ("geld",)),
    ("Ik denk dat veel jongeren zich alleen voelen.", ("mentaal",)),
    ("Het jongerencentrum is fijn, daar kan je gewoon zijn.", ("vrije-tijd",)),
    ("Meer plekken om te sporten, ook in de avond.", ("gezondheid",)),
    ("Mijn vrienden worden gepest op TikTok.", ("online", "vrienden")),
    ("Ouders hebben geen geld voor de sportclub.", ("geld", "gezondheid")),
    ("De bus rijdt 's avonds niet meer.", ("overig",)),
    ("Er zijn te weinig huizen voor starters.", ("wonen",)),
    ("Ik voel me niet veilig op straat in het donker.", ("veiligheid",)),
    ("Een bijbaantje vinden is lastig.", ("werk",)),
    ("Thuis is er vaak ruzie.", ("thuis",)),
    ("Het gaat eigenlijk best goed.", ("overig",)),
)


def _flow(audience: str, pronoun: str) -> dict[str, Any]:
    return {
        "kind": "flow",
        "id": f"{TEMPLATE}.{STEP}.{audience}",
        "title": f"Proef {audience}",
        "audience": audience,
        "plan": {"template": TEMPLATE, "step": STEP},
        "steps": [
            {
                "kind": "choice",
                "id": "leeftijd",
                "text": f"Hoe oud {pronoun}?",
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
                "max": 5,
            },
            {
                "kind": "multi_choice",
                "id": "onderwerpen",
                "text": "Waar denk je aan?",
                "summary_label": "Onderwerpen",
                "options": [
                    {"value": "school", "label": "School"},
                    {"value": "geld", "label": "Geld"},
                    {"value": "vrienden", "label": "Vrienden"},
                    {"value": "thuis", "label": "Thuis"},
                ],
            },
            {"kind": "yes_no", "id": "hulp", "text": "Weet je waar je hulp vindt?"},
            {
                "kind": "text",
                "id": "zorgen",
                "text": "Waar maak je je zorgen over?",
                "themes": True,
            },
            {"kind": "text", "id": "kansen", "text": "Wat gaat goed?", "themes": True},
            {"kind": "text", "id": "idee", "text": "Heb je nog een idee?"},
        ],
    }


FILES: dict[str, dict[str, Any]] = {
    "_template.yaml": {
        "kind": "template",
        "id": TEMPLATE,
        "title": "Proefplan",
        "steps": [
            {
                "key": STEP,
                "number": "1",
                "title": "Hoe gaat het?",
                "doel": "Weten hoe het gaat.",
                "resultaat": "We weten hoe het gaat.",
            }
        ],
    },
    "jongeren.yaml": _flow("jongeren", "ben je"),
    "ouders.yaml": _flow("ouders", "is uw kind"),
    "werkgroep.yaml": {
        "kind": "flow",
        "id": f"{TEMPLATE}.{STEP}.werkgroep",
        "title": "Werkgroep",
        "audience": "werkgroep",
        "plan": {"template": TEMPLATE, "step": STEP},
        "steps": [
            {"kind": "text", "id": "opgave", "text": "Wat is onze opgave?"},
            {"kind": "text", "id": "input", "text": "Wat horen we?", "discuss_input": True},
        ],
    },
}


def write_flows(directory: Path) -> Catalog:
    """The benchmark's plan template and flows, plus the shipped default taxonomy."""
    for name, content in FILES.items():
        (directory / name).write_text(yaml.safe_dump(content, allow_unicode=True), "utf-8")
    return load_catalog(directory, extra=[ROOT / "flows" / "_themes" / "default.yaml"])


def _respondent_rows(
    rng: random.Random, campaign_id: str, participant_id: str, day: date
) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    """The answer rows of one respondent, each with the themes of a free-text answer."""
    base = {"campaign_id": campaign_id, "participant_id": participant_id, "answered_on": day}

    def row(**values: Any) -> dict[str, Any]:
        values.setdefault("value_option", None)
        values.setdefault("value_number", None)
        values.setdefault("value_text", None)
        values.setdefault("crisis", False)
        return {"id": uuid.uuid4().hex, **base, **values}

    yield row(question_id="leeftijd", value_option=rng.choice(("jong", "oud"))), ()
    yield row(question_id="hoe-gaat-het", value_number=rng.randint(1, 5)), ()
    for option in rng.sample(("school", "geld", "vrienden", "thuis"), rng.randint(1, 3)):
        yield row(question_id="onderwerpen", value_option=option), ()
    yield row(question_id="hulp", value_option=rng.choice(("ja", "nee"))), ()
    for question in ("zorgen", "kansen", "idee"):
        if rng.random() < 0.8:
            sentence, themes = rng.choice(TEXTS)
            crisis = rng.random() < 0.002
            # Only questions with `themes: true` are tagged when stored.
            tagged = themes if question != "idee" else ()
            yield row(question_id=question, value_text=sentence, crisis=crisis), tagged


async def generate(
    url: str, answers: int, werkgroepen: int = 1, seed: int = 1
) -> tuple[list[str], int, int]:
    """Insert ``werkgroepen`` werkgroepen sharing about ``answers`` answers evenly.

    Returns (werkgroep ids, answers written, respondents). Each werkgroep has jongeren and
    ouders campaigns over five labels and two rounds. One transaction, so the summary's
    tallies are counted once at the end (on SQLite the triggers count along as well).
    """
    rng = random.Random(seed)
    engine = make_engine(url)
    ids = [uuid.uuid4().hex for _ in range(werkgroepen)]
    written = people = 0
    start_day = date(2024, 1, 8)
    answer_rows: list[dict[str, Any]] = []
    theme_rows: list[dict[str, Any]] = []
    participant_rows: list[dict[str, Any]] = []
    loaded: list[str] = []  # campaign ids, whose tallies are counted once at the end
    async with engine.begin() as connection, recounted(connection, loaded):

        async def flush() -> None:
            if participant_rows:
                await connection.execute(insert(Participant), participant_rows)
            if answer_rows:
                await connection.execute(insert(Answer), answer_rows)
            if theme_rows:
                await connection.execute(insert(AnswerTheme), theme_rows)
            participant_rows.clear()
            answer_rows.clear()
            theme_rows.clear()

        for number, werkgroep_id in enumerate(ids):
            campaigns = [
                {
                    "id": uuid.uuid4().hex,
                    "werkgroep_id": werkgroep_id,
                    "audience": audience,
                    "step_key": STEP,
                    "flow_id": f"{TEMPLATE}.{STEP}.{audience}",
                    "label": label,
                    "token_hash": uuid.uuid4().hex,
                    "round": round_,
                }
                for audience in ("jongeren", "ouders")
                for label in LABELS
                for round_ in (1, 2)
            ]
            await connection.execute(
                insert(Werkgroep),
                [{"id": werkgroep_id, "naam": f"Benchmark {number + 1}", "template_id": TEMPLATE}],
            )
            await connection.execute(insert(Campaign), campaigns)
            loaded += [campaign["id"] for campaign in campaigns]
            target = answers * (number + 1) // werkgroepen
            while written < target:
                campaign = rng.choice(campaigns)
                participant_id = uuid.uuid4().hex
                offset = rng.randrange(120) + 180 * (campaign["round"] - 1)
                day = start_day + timedelta(days=offset)
                participant_rows.append(
                    {
                        "id": participant_id,
                        "campaign_id": campaign["id"],
                        "pseudonym": None,
                        "created_on": day,
                        "completed": rng.random() < 0.85,
                    }
                )
                people += 1
                for row, themes in _respondent_rows(rng, campaign["id"], participant_id, day):
                    answer_rows.append(row)
                    theme_rows.extend(
                        {
                            "answer_id": row["id"],
                            "theme": t,
                            "campaign_id": row["campaign_id"],
                            "question_id": row["question_id"],
                        }
                        for t in themes
                    )
                    written += 1
                if len(answer_rows) >= BATCH:
                    await flush()
        await flush()
    await _analyze(engine)
    await engine.dispose()
    return ids, written, people


async def _analyze(engine: AsyncEngine) -> None:
    """Fresh statistics (and on PostgreSQL a visibility map for index-only scans), as a
    database that has been in use for a while would have."""
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        await autocommit.execute(text(vacuum))


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


async def run(
    answers: int,
    url: str | None,
    k: int,
    werkgroepen: int = 1,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        catalog = write_flows(directory)
        if url is None:
            url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        else:
            await _reset_postgres(url)
        await upgrade_async(url)
        started = time.perf_counter()
        ids, written, people = await generate(url, answers, werkgroepen)
        werkgroep_id = ids[0]
        generate_s = time.perf_counter() - started

        # The bot compiles the crisis lexicon at start-up (Runtime.build), so its first
        # /samenvatting does not pay for it; timed apart (the CLI's fresh process pays it once).
        started = time.perf_counter()
        load_lexicon()
        lexicon_s = time.perf_counter() - started
        # Likewise the theme matcher: the bot built it when it tagged the first typed answer.
        started = time.perf_counter()
        for taxonomy in catalog.taxonomies.values():
            matcher_for(taxonomy)
        matcher_s = time.perf_counter() - started
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        async with sessions() as session:
            started, cpu = time.perf_counter(), time.process_time()
            summary = await build_summary(session, catalog, werkgroep_id, k=k, actor="benchmark")
            summary_s = time.perf_counter() - started
            # This process's CPU (all threads: aiosqlite's worker too, not a PostgreSQL
            # server's): on a shared machine the wall time above grows with the load.
            summary_cpu_s = time.process_time() - cpu
            await session.commit()
        async with sessions() as session:
            # A second request reuses the release: this is what most /samenvatting calls cost.
            started = time.perf_counter()
            await build_summary(session, catalog, werkgroep_id, k=k, actor="benchmark")
            cached_s = time.perf_counter() - started
            await session.rollback()
        export_s = 0.0
        async with sessions() as session:
            for fmt in ("md", "docx", "csv", "xlsx"):
                started = time.perf_counter()
                await export_plan(session, catalog, werkgroep_id, fmt, k=k, actor="benchmark")
                export_s += time.perf_counter() - started
            await session.rollback()
        await engine.dispose()
    return {
        "answers": written,
        "respondents": people,
        "steps": len(summary.steps),
        "database": url.split(":", 1)[0],
        "werkgroepen": werkgroepen,
        "generate_s": round(generate_s, 2),
        "summary_s": round(summary_s, 3),
        "summary_cpu_s": round(summary_cpu_s, 3),
        "lexicon_load_s": round(lexicon_s, 3),
        "matcher_build_s": round(matcher_s, 3),
        "summary_cached_s": round(cached_s, 3),
        "export_s": round(export_s, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "hidden_share_bulk": round(hidden_share(summary), 3),
        **await coverage(k),
    }


async def coverage(k: int) -> dict[str, float]:
    """Hidden share on the playground's demo answers (40 jongeren, 30 ouders at armoede step
    3, walked through the real flows) and on 30 jongeren in one label."""
    from bot.config import load_settings
    from bot.playground.demo import PLAN, SAMPLE_RESPONDENTS, STEP, seed_sample_answers
    from bot.runtime import Runtime
    from storage.models import new_id

    shares: dict[str, float] = {}
    for name, sizes, label in (
        ("hidden_share_demo", SAMPLE_RESPONDENTS, None),
        ("hidden_share_30", {"jongeren": 30}, "school-noord"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            runtime = Runtime.build(load_settings(data_dir=Path(tmp), flows_dir=ROOT / "flows"))
            try:
                await upgrade_async(runtime.settings.resolved_database_url)
                async with runtime.sessions.begin() as session:
                    werkgroep = Werkgroep(id=new_id(), naam="Benchmark", template_id=PLAN)
                    session.add(werkgroep)
                    await session.flush()
                    for audience, count in sizes.items():
                        flow_id = f"{PLAN}.{STEP}.{audience}"
                        campaign = Campaign(
                            id=new_id(),
                            werkgroep_id=werkgroep.id,
                            audience=audience,
                            step_key=STEP,
                            flow_id=flow_id,
                            label=label,
                            token_hash=new_id(),
                        )
                        session.add(campaign)
                        await session.flush()
                        await seed_sample_answers(session, runtime, campaign.id, flow_id, count)
                async with runtime.sessions.begin() as session:
                    summary = await build_summary(
                        session, runtime.catalog, werkgroep.id, k=k, actor="benchmark"
                    )
                shares[name] = round(hidden_share(summary), 3)
            finally:
                await runtime.database.dispose()
    return shares


async def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--werkgroepen",
        type=int,
        default=1,
        help="spread the answers over this many werkgroepen (default 1: the worst case)",
    )
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.answers, args.database_url, args.k, args.werkgroepen))
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
