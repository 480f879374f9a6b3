"""Everything the local Bot API server knows, shared by the Bot API and the play-user side."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from typing import Any

from tgstub.chats import CallbackRecord, ChatRecord, ChatStore
from tgstub.errors import bad_request, forbidden
from tgstub.faults import FaultInjector
from tgstub.files import FileStore
from tgstub.objects import Json, user_json
from tgstub.updates import PendingUpdate, UpdateQueue
from tgstub.webhook import WebhookDelivery


class LocalState:
    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_name: str,
        webhook_retry_delay: float,
        webhook_timeout: float,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("token must look like '<digits>:<secret>', e.g. '123456:TEST'")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_user: Json = {
            **user_json(self.bot_id, bot_name, username=bot_username, is_bot=True),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.chats = ChatStore()
        self.files = FileStore()
        self.queue = UpdateQueue()
        self.webhook = WebhookDelivery(
            self.queue, retry_delay=webhook_retry_delay, timeout=webhook_timeout
        )
        self.faults = FaultInjector()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.menu_buttons: dict[int | None, Json] = {}
        self.calls: Counter[str] = Counter()
        # Every Bot API call in order: (lower-case method, chat_id or None).
        self.call_log: list[tuple[str, int | str | None]] = []
        self._query_ids = itertools.count(random.randrange(10**17, 10**18))

    @property
    def bot_public(self) -> Json:
        """The bot as it appears in `from` of its messages (no capability flags)."""
        return user_json(
            self.bot_id,
            self.bot_user["first_name"],
            username=self.bot_user.get("username"),
            is_bot=True,
        )

    def next_query_id(self) -> str:
        return str(next(self._query_ids))

    def target_chat(self, chat_id: int | str) -> ChatRecord:
        """A chat the bot may write to, or the error Telegram gives for it."""
        record = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if record is None:
            raise bad_request("chat not found")
        if record.blocked:
            raise forbidden("bot was blocked by the user")
        return record

    def push_update(self, update: Json) -> PendingUpdate | None:
        """Queue an update from anywhere; chats it mentions become known to the bot."""
        for value in update.values():
            if isinstance(value, dict):
                self.chats.learn(value.get("chat"))
                message = value.get("message")
                if isinstance(message, dict):
                    self.chats.learn(message.get("chat"))
        return self.queue.push(update)


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code or ""
