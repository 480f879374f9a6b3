"""Keep SQL statements, parameters and result rows out of every log."""

from __future__ import annotations

import logging

# Loggers that write SQL statements, their parameters or result rows below WARNING: aiosqlite
# logs every call with its arguments at DEBUG (answer text, pseudonyms), SQLAlchemy's engine
# logs result rows at DEBUG. A filter on the logger itself drops those records whatever level
# anyone configures later, so no logging configuration can turn them back on.
SQL_LOGGERS = (
    "aiosqlite",
    "sqlalchemy.engine",
    "sqlalchemy.engine.Engine",
    "asyncpg",
    "asyncpg.pool",
)


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_WARNINGS_ONLY = _WarningsOnly()


def silence_sql_loggers() -> None:
    """Make the SQL loggers drop everything below WARNING, for good (idempotent)."""
    for name in SQL_LOGGERS:
        logger = logging.getLogger(name)
        if _WARNINGS_ONLY not in logger.filters:
            logger.addFilter(_WARNINGS_ONLY)


silence_sql_loggers()
