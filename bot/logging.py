"""Production logging: our own INFO lines, libraries at WARNING.

httpx logs every request URL at INFO, and the Bot API URL contains the token, so httpx and
python-telegram-bot stay at WARNING whatever the level. Our code never logs message text, user
ids or secrets; a filter also masks anything shaped like a bot token, as a second line of defence.
The SQL drivers' loggers (aiosqlite writes every statement with its parameters at DEBUG) drop
everything below WARNING at any configured level (:func:`storage.logs.silence_sql_loggers`).
"""

from __future__ import annotations

import logging
import re

from storage.logs import silence_sql_loggers

TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# transitions logs every state change at INFO: noise, and a cost on the hot path.
QUIET = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "aiohttp.access",
    "asyncio",
    "transitions",
)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_SHAPE.search(message):
            record.msg = TOKEN_SHAPE.sub("[token]", message)
            record.args = ()
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # SQL loggers write parameters and rows (answer text, pseudonyms): never below WARNING.
    silence_sql_loggers()
