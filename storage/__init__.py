"""Persistence: SQLAlchemy models, repository functions and Alembic migrations.

``Session`` is the unit of work the rest of the bot passes around (opened by the edges, handed
to repository functions); the SQL itself stays in this package.
"""

from sqlalchemy.ext.asyncio import AsyncSession as Session

__all__ = ["Session"]
