"""The resources a running bot needs, created once at start-up and closed at shutdown.

Handlers reach them through this typed object rather than through ``bot_data`` look-ups.
Start-up fails early and precisely: a broken flow, a missing pepper or an invalid setting stops
the bot before it answers anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.engine import Catalog, Engine, load_catalog
from bot.privacy.crisis import load_lexicon
from bot.privacy.pseudonym import load_pepper, pseudonymize
from bot.summary.themes import ThemeMatcher
from storage.db import is_sqlite, make_engine, make_sessionmaker, upgrade_async


@dataclass
class Runtime:
    settings: Settings
    catalog: Catalog
    engine: Engine
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    pepper: bytes
    # From the settings, or learned from getMe at start-up; used for t.me deep links.
    bot_username: str | None = None
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
            await upgrade_async(url)

    def themes(self, template_id: str, text: str) -> frozenset[str]:
        """Themes of a free-text answer, tagged when it is stored so summaries count in SQL."""
        if template_id not in self._matchers:
            taxonomy = self.catalog.taxonomy_for(template_id)
            self._matchers[template_id] = ThemeMatcher(taxonomy) if taxonomy else None
        matcher = self._matchers[template_id]
        # Without a taxonomy every answer is "overig", so the summary still counts it.
        return matcher.tag(text) if matcher is not None else frozenset({"overig"})

    def subject(self, principal: int | str) -> str:
        """The keyed pseudonym under which everything about a chat user is stored.

        ``principal`` is a Telegram user id (as int or decimal string: same pseudonym) or a
        channel-qualified identity such as ``web:<session id>``.
        """
        return pseudonymize(self.pepper, principal)

    async def close(self) -> None:
        await self.database.dispose()


async def due_reminders(runtime: Runtime) -> list[tuple[int, str]]:
    """Members to remind now (Telegram user id, locale); moves each werkgroep's next date on."""
    from datetime import timedelta

    from sqlalchemy import select

    from storage.models import Member, Werkgroep, utcnow

    now = utcnow()
    due: list[tuple[int, str]] = []
    async with runtime.sessions.begin() as session:
        werkgroepen = (
            await session.scalars(
                select(Werkgroep)
                .where(Werkgroep.reminder_due_at.is_not(None), Werkgroep.reminder_due_at <= now)
                .with_for_update()
            )
        ).all()
        for werkgroep in werkgroepen:
            members = await session.scalars(
                select(Member).where(
                    Member.werkgroep_id == werkgroep.id, Member.removed_at.is_(None)
                )
            )
            due.extend(
                (m.telegram_user_id, m.locale or runtime.settings.default_locale) for m in members
            )
            werkgroep.reminder_due_at = now + timedelta(days=werkgroep.reminder_days or 90)
    return due
