"""Bot API method implementations; importing the package registers them all in METHODS."""

from bot.localapi.methods import bot_info, media, messages, updates
from bot.localapi.methods.registry import METHODS, RawResult

__all__ = ["METHODS", "RawResult", "bot_info", "media", "messages", "updates"]
