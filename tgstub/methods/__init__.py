"""Bot API method implementations; importing the package registers them all in METHODS."""

from tgstub.methods import bot_info, media, messages, updates
from tgstub.methods.registry import METHODS, RawResult

__all__ = ["METHODS", "RawResult", "bot_info", "media", "messages", "updates"]
