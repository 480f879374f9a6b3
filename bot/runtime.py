"""The resources a running bot needs, created once at start-up and closed at shutdown.

Handlers reach them through this typed object rather than through ``bot_data`` look-ups.
Start-up fails early and precisely: a broken flow, a missing pepper or an invalid setting stops
the bot before it answers anyone.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.engine import Catalog, Engine, load_catalog
from bot.privacy.crisis import load_lexicon
from bot.privacy.pseudonym import chat_key, load_pepper, member_ref, participant_pseudonym
from storage import chat as chat_repo
from storage.db import (
    is_sqlite,
    make_engine,
    make_read_sessionmaker,
    make_sessionmaker,
    upgrade_async,
)
from storage.handles import Database, Sessions
from storage.models import Campaign, utcnow

log = logging.getLogger(__name__)
WARMED_UP = "warm-up done:"

if TYPE_CHECKING:
    from bot.summary.themes import ThemeMatcher


@dataclass
class Runtime:
    settings: Settings
    catalog: Catalog
    engine: Engine
    database: Database
    sessions: Sessions
    pepper: bytes
    # From the settings, or learned from getMe at start-up; used for t.me deep links.
    bot_username: str | None = None
    # The serving processes (samenspraak run, samenspraak web) set this: after the warm-up what
    # it built is frozen too (freeze_long_lived). Tests leave it off.
    freeze_after_warm_up: bool = False
    _matchers: dict[str, ThemeMatcher | None] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Everything that can fail on configuration, before any network or database use."""
        catalog = load_catalog(settings.resolved_flows_dir)
        url = settings.resolved_database_url
        env_pepper = settings.pepper.get_secret_value() if settings.pepper else None
        # Replicas sharing PostgreSQL must share one pepper, so only a single-machine SQLite
        # deployment may create its own pepper file.
        pepper = load_pepper(env_pepper, settings.data_dir, create=is_sqlite(url))
        database = make_engine(url)
        load_lexicon()  # compiled once here rather than on the first typed answer
        return cls(
            settings,
            catalog,
            Engine(catalog),
            database,
            make_sessionmaker(database),
            pepper,
            settings.bot_username,
        )

    async def prepare(self, migrate: bool | None = None) -> None:
        """Apply migrations (by default only for SQLite; PostgreSQL has its own job)."""
        url = self.settings.resolved_database_url
        if migrate if migrate is not None else is_sqlite(url):
            await upgrade_async(url, self.database)

    @cached_property
    def reads(self) -> Sessions:
        """Units of work that only read (a page's view of a session): on SQLite they do not wait
        for the writers."""
        return make_read_sessionmaker(self.database)

    def warm_up(self) -> None:
        """Build what the first free-text answer would otherwise build while a user waits: each
        taxonomy's theme matcher (0.3-0.5 s of CPU each) and the redaction lists. Run in a
        thread a few seconds after start-up (:func:`warm_up_soon`), so start-up does not pay
        for it either."""
        from bot.privacy.names import lexicon
        from bot.summary.matchers import matcher_for

        started = time.perf_counter()
        lexicon()
        for taxonomy in self.catalog.taxonomies.values():
            matcher_for(taxonomy)
        if self.freeze_after_warm_up:
            freeze_long_lived()
        # benchmarks.memory waits for this line: what is built here is built once, not per user.
        log.info("%s %.1f s", WARMED_UP, time.perf_counter() - started)

    def themes(self, template_id: str, text: str) -> frozenset[str]:
        """Themes of a free-text answer, tagged when it is stored so summaries count in SQL."""
        if template_id not in self._matchers:
            # Imported with the first free-text answer, not at start-up (see bot.chat.voices).
            from bot.summary.matchers import matcher_for

            taxonomy = self.catalog.taxonomy_for(template_id)
            self._matchers[template_id] = matcher_for(taxonomy) if taxonomy else None
        matcher = self._matchers[template_id]
        # Without a taxonomy every answer is "overig", so the summary still counts it.
        return matcher.tag(text) if matcher is not None else frozenset({"overig"})

    def subject(self, principal: str) -> str:
        """The chat-session key of a principal (never equal to a participant pseudonym).

        ``principal`` is the channel-qualified identity (a Telegram user id in decimal, or
        ``web:<session>``).
        """
        return chat_key(self.pepper, principal)

    def member_ref(self, member_id: str) -> str:
        """What the chat session stores for the membership in use (never the member id)."""
        return member_ref(self.pepper, member_id)

    def pseudonym(self, principal: str, campaign: Campaign) -> str:
        """The principal's participant pseudonym in ``campaign``'s (werkgroep, step, round)."""
        return participant_pseudonym(
            self.pepper, principal, campaign.werkgroep_id, campaign.step_key, campaign.round
        )

    async def close(self) -> None:
        await self.database.dispose()


# After the first users are answered: start-up is measured to the first reply (docs/performance.md).
WARM_UP_AFTER_SECONDS = 3.0


def freeze_long_lived() -> None:
    """Keep Python's cyclic garbage collector away from everything built so far.

    The flows, lexicons, language models, theme matchers, PTB and SQLAlchemy are millions of
    objects that live as long as the process. A full collection (generation 2) walked them all,
    60-150 ms with the event loop stopped, and Python starts one whenever enough new objects
    have survived: under load every few seconds, and several during the warm-up. Those pauses
    were the p99 of ``benchmarks.e2e`` at 50 updates/s (268-374 ms; 31 ms frozen; a full
    collection then takes 3-6 ms). ``gc.freeze()`` moves what exists now into a generation the
    collector never walks; objects created later are collected as before, and an object freed
    by its reference count (nearly all) is freed as before; only a reference cycle among
    objects frozen here would never be collected. Called by the serving processes after
    start-up and after the warm-up (:attr:`Runtime.freeze_after_warm_up`), never in tests.
    """
    gc.freeze()


async def warm_up_soon(runtime: Runtime, delay: float = WARM_UP_AFTER_SECONDS) -> None:
    """:meth:`Runtime.warm_up` in a thread after ``delay`` seconds (the web channel; the
    Telegram bot runs it as a job); the event loop keeps answering meanwhile (the thread gives
    the GIL up every few milliseconds)."""
    await asyncio.sleep(delay)
    await asyncio.to_thread(runtime.warm_up)


async def due_reminders(runtime: Runtime) -> list[tuple[int, str]]:
    """Members to remind now (Telegram user id, locale); moves each werkgroep's next date on."""
    async with runtime.sessions.begin() as session:
        return await chat_repo.due_reminders(session, utcnow(), runtime.settings.default_locale)
