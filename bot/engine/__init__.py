"""The pure flow engine: schema, loader, graph validation, state machines and runner.

Imports neither Telegram nor the database; see ``tests/test_architecture.py``.
"""

from bot.engine.loader import Catalog, LoadedFlow, flow_digest, load_catalog
from bot.engine.runner import (
    Back,
    Conversation,
    Done,
    Engine,
    Finished,
    Input,
    Invalid,
    NextQuestion,
    Pick,
    Recorded,
    Reply,
    Skip,
)

__all__ = [
    "Back",
    "Catalog",
    "Conversation",
    "Done",
    "Engine",
    "Finished",
    "Input",
    "Invalid",
    "LoadedFlow",
    "NextQuestion",
    "Pick",
    "Recorded",
    "Reply",
    "Skip",
    "flow_digest",
    "load_catalog",
]
