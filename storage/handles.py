"""The names the rest of the bot uses for database handles, so only storage imports SQLAlchemy.

``Database`` is the connection pool (one per process), ``Sessions`` opens units of work on it,
``DatabaseError`` is what any failed database call raises.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError as DatabaseError
from sqlalchemy.ext.asyncio import AsyncEngine as Database
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Sessions = async_sessionmaker[AsyncSession]

__all__ = ["Database", "DatabaseError", "Sessions", "ping"]


async def ping(database: Database) -> None:
    """Raise unless the database answers a trivial query."""
    async with database.connect() as connection:
        await connection.execute(text("SELECT 1"))
