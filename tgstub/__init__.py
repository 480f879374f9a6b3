"""A local Telegram Bot API server for tests, benchmarks and the browser playground.

It speaks enough of the Bot API for a python-telegram-bot Application (polling or webhook), and
lets "play users" talk to the bot from Python (`LocalBotApi.user`) or over HTTP (`/_sim/...`).
Everything lives in memory; nothing leaves 127.0.0.1.
"""

from tgstub.errors import ApiError
from tgstub.faults import Fault, Hold
from tgstub.files import TINY_OGG, TINY_PNG
from tgstub.http_botapi import STATE_KEY
from tgstub.server import LocalBotApi
from tgstub.state import LocalState
from tgstub.users import BotMessage, CallbackAnswer, SentDocument, SimUser

__all__ = [
    "STATE_KEY",
    "TINY_OGG",
    "TINY_PNG",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "Fault",
    "Hold",
    "LocalBotApi",
    "LocalState",
    "SentDocument",
    "SimUser",
]
