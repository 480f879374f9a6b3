"""A local Telegram Bot API server for tests, benchmarks and the browser playground.

It speaks enough of the Bot API for a python-telegram-bot Application (polling or webhook), and
lets "play users" talk to the bot from Python (`LocalBotApi.user`) or over HTTP (`/_sim/...`).
Everything lives in memory; nothing leaves 127.0.0.1.
"""

from bot.localapi.errors import ApiError
from bot.localapi.faults import Fault
from bot.localapi.files import TINY_OGG, TINY_PNG
from bot.localapi.http_botapi import STATE_KEY
from bot.localapi.server import LocalBotApi
from bot.localapi.state import LocalState
from bot.localapi.users import BotMessage, CallbackAnswer, SentDocument, SimUser

__all__ = [
    "STATE_KEY",
    "TINY_OGG",
    "TINY_PNG",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "Fault",
    "LocalBotApi",
    "LocalState",
    "SentDocument",
    "SimUser",
]
