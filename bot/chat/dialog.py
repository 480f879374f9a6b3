"""Route one user event to the right journey, inside one database transaction.

Per event: claim the update id (a redelivery is ignored), load the user's chat session (by
pseudonym, locked) and its typed state, decide and store (with the replies in the outbox, for
Telegram), commit; the caller sends the replies only after that, so a user never sees a question
whose previous answer was not saved, and a saved answer always gets its reply.

This module only routes: the handler modules say what they answer (their ``ROUTES``) and the
dialog refuses, at construction, two handlers for one command, button kind or chat state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot.chat import commands, conversation, coordinator, state, voices
from bot.chat.callbacks import CallbackData, Codec
from bot.chat.events import Incoming, Out, Toast
from bot.chat.turn import DiscussionInput, Handler, Routes, Turn, crisis_reply
from bot.chat.wire import dump_outs
from bot.runtime import Runtime
from bot.translate import negotiate, translator
from storage import outbox as outbox_repo
from storage import repo

K = TypeVar("K")


@dataclass(frozen=True)
class OutboxSlot:
    """Where the replies go: the sealed chat id, and how long the handler keeps them to itself."""

    chat: bytes
    held_until: datetime


@dataclass(frozen=True)
class Handled:
    outs: list[Out]
    outbox_id: int | None = None  # the outbox row holding ``outs`` (without the toast)


HANDLER_MODULES = (commands, conversation, coordinator, voices)
ROUTES = (commands.ROUTES, conversation.ROUTES, coordinator.ROUTES, voices.ROUTES)


class Dialog:
    def __init__(
        self,
        runtime: Runtime,
        routes: Iterable[Routes] = ROUTES,
        discussion: DiscussionInput = voices.input_for_discussion,
    ) -> None:
        self.runtime = runtime
        self.discussion = discussion
        self.commands: dict[str, Handler] = {}
        self.buttons: dict[type[CallbackData], Handler] = {}
        self.modes: dict[type[state.State], Handler] = {}
        self.codec = Codec()
        for route in routes:
            _merge(self.commands, route.commands, "command")
            _merge(self.modes, route.modes, "chat state")
            for kind in route.buttons:
                self.codec.register(kind)  # refuses a kind (or prefix) registered twice
            _merge(self.buttons, route.buttons, "button kind")

    async def handle(self, incoming: Incoming) -> list[Out]:
        """Decide and store; the caller delivers the replies (the web channel renders them)."""
        return (await self.handle_into_outbox(incoming, None)).outs

    async def handle_into_outbox(self, incoming: Incoming, outbox: OutboxSlot | None) -> Handled:
        """Decide and store; with ``outbox`` the replies are also written to the outbox in the
        same transaction, so a crash after the commit cannot lose them."""
        if not incoming.private:
            return Handled([])
        outbox_id = None
        async with self.runtime.sessions.begin() as session:
            if not await repo.claim_update(session, incoming.update_id):
                return Handled([])
            chat = await repo.chat_session(session, self.runtime.subject(incoming.principal))
            locale = chat.locale or negotiate(
                incoming.language_code, self.runtime.settings.default_locale
            )
            current, unreadable = state.load(chat.mode, chat.context)
            turn = Turn(
                self.runtime,
                session,
                incoming,
                chat,
                translator(locale),
                state=current,
                discussion=self.discussion,
            )
            if unreadable:
                turn.replies.send(
                    turn.say(
                        "Ik weet niet meer precies waar we waren. Tik op /start om verder te gaan."
                    )
                )
            await self._route(turn)
            chat.mode, chat.context = state.dump(turn.state)
            body = dump_outs(turn.replies.items) if outbox is not None else []
            if outbox is not None and body:
                outbox_id = await outbox_repo.enqueue(session, outbox.chat, body, outbox.held_until)
        items = list(turn.replies.items)
        if incoming.button is not None:
            items.append(turn.replies.toast or Toast())
        return Handled(items, outbox_id)

    async def _route(self, turn: Turn) -> None:
        incoming = turn.incoming
        # Safety first: help lines come before anything else, in every state.
        helpline = crisis_reply(turn)
        if helpline is not None:
            turn.replies.send(helpline)
        if incoming.command is not None:
            handler = self.commands.get(incoming.command.lower())
            if handler is None:
                turn.replies.send(
                    turn.say("Dit commando ken ik niet. Tik op /help om te zien wat je kunt doen.")
                )
                return
            await handler(turn)
        elif incoming.button is not None:
            turn.button = self.codec.unpack(incoming.button)
            button_handler = self.buttons.get(type(turn.button)) if turn.button else None
            if button_handler is None:
                turn.stale()
                return
            await button_handler(turn)
        elif incoming.media is not None:
            await conversation.media(turn)
        elif incoming.text is not None:
            mode_handler = self.modes.get(type(turn.state))
            await (mode_handler or conversation.answer_text)(turn)


def _merge(into: dict[K, Handler], new: Mapping[K, Handler], what: str) -> None:
    for key, handler in new.items():
        if key in into:
            raise ValueError(f"two handlers for {what} {key!r}")
        into[key] = handler
