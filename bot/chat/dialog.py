"""Route one user event to the right journey, inside one database transaction.

Before that, and without the database, the edge sends :meth:`Dialog.first_aid` (the help
lines for a crisis signal or ``/hulp``, see :mod:`bot.chat.safety`); inside the transaction the
signal is on the turn (``turn.crisis``) so a flow pauses instead of pushing on, and no help
line is sent a second time.

Per event: claim the update id (a redelivery is ignored), load the user's chat session (by
pseudonym, locked) and its typed state, decide and store (with the replies in the outbox, for
Telegram), commit; the caller sends the replies only after that, so a user never sees a question
whose previous answer was not saved, and a saved answer always gets its reply.

This module only routes: the handler modules say what they answer (their ``ROUTES``) and the
dialog refuses, at construction, two handlers for one command, button kind or chat state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.chat import commands, conversation, coordinator, feedback, pause, safety, state, voices
from bot.chat.callbacks import CallbackData, Codec
from bot.chat.events import Incoming, Out, Toast
from bot.chat.turn import DiscussionInput, Handler, Routes, Turn
from bot.chat.wire import dump_outs
from bot.runtime import Runtime
from bot.translate import negotiate, translator
from storage import Session, chat_sessions, fast, repo
from storage import outbox as outbox_repo

K = TypeVar("K")
V = TypeVar("V", covariant=True)
# A read of the stored state by chat-session key, inside the event's transaction.
Look = Callable[[Session, str], Awaitable[V]]


@dataclass(frozen=True)
class OutboxSlot:
    """Where the replies go: the sealed chat id, and how long the handler keeps them to itself."""

    chat: bytes
    held_until: datetime


@dataclass(frozen=True)
class Handled(Generic[V]):
    outs: list[Out]
    outbox_id: int | None = None  # the outbox row holding ``outs`` (without the toast)
    # What ``look`` saw of the stored state at the end of the transaction (None without one).
    view: V | None = None


HANDLER_MODULES = (commands, conversation, coordinator, feedback, pause, voices)
ROUTES = tuple(module.ROUTES for module in HANDLER_MODULES)
# Stored languages and registers (u for ouders) remembered in memory for first aid without the
# database (least recent out).
REMEMBERED_LOCALES = 10_000


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
        # A plain dict in recency order (re-inserted on use), its values shared: an entry per
        # user seen costs a key and a slot, not an OrderedDict node and a tuple of its own.
        self._locales: dict[str, tuple[str, bool]] = {}
        self._registers: dict[tuple[str, bool], tuple[str, bool]] = {}
        for route in routes:
            _merge(self.commands, route.commands, "command")
            _merge(self.modes, route.modes, "chat state")
            for kind in route.buttons:
                self.codec.register(kind)  # refuses a kind (or prefix) registered twice
            _merge(self.buttons, route.buttons, "button kind")

    def first_aid(self, incoming: Incoming) -> list[Out]:
        """The help lines to send before :meth:`handle`, without the database: in the user's
        stored language and register when this process has seen them, else in their Telegram
        language with *je*."""
        locale, formal = self._locales.get(incoming.principal, (None, False))
        return safety.first_aid(
            incoming,
            locale or self._telegram_locale(incoming),
            self._telegram_locale(incoming),
            formal=formal,
        )

    def locale_of(self, incoming: Incoming) -> str:
        remembered = self._locales.get(incoming.principal)
        return remembered[0] if remembered else self._telegram_locale(incoming)

    def _telegram_locale(self, incoming: Incoming) -> str:
        return negotiate(incoming.language_code, self.runtime.settings.default_locale)

    def _remember(self, principal: str, locale: str, formal: bool | None) -> None:
        previous = self._locales.pop(principal, None)
        if formal is None:  # this event did not show the register: keep what was seen
            formal = previous[1] if previous is not None else False
        register = (locale, formal)
        self._locales[principal] = self._registers.setdefault(register, register)
        while len(self._locales) > REMEMBERED_LOCALES:
            del self._locales[next(iter(self._locales))]  # the least recently seen

    async def handle(self, incoming: Incoming) -> list[Out]:
        """Everything but the first aid (the caller sends that first): decide and store; the
        caller delivers the replies (the web channel renders them)."""
        return (await self.handle_into_outbox(incoming, None)).outs

    async def handle_and_look(self, incoming: Incoming, look: Look[V]) -> Handled[V]:
        """:meth:`handle`, and ``look(session, subject)`` at the stored state before the commit:
        a page shows where the session stands without a second transaction to read it."""
        return await self._decide(incoming, None, look)

    async def handle_into_outbox(
        self, incoming: Incoming, outbox: OutboxSlot | None
    ) -> Handled[None]:
        """Decide and store; with ``outbox`` the replies are also written to the outbox in the
        same transaction, so a crash after the commit cannot lose them."""
        return await self._decide(incoming, outbox, None)

    async def _decide(
        self, incoming: Incoming, outbox: OutboxSlot | None, look: Look[V] | None
    ) -> Handled[V]:
        if not incoming.private or safety.answered_here(incoming):
            return Handled([])
        outbox_id = None
        async with fast.unit_of_work(self.runtime.sessions) as session:
            if not await repo.claim_update(session, incoming.update_id):
                return Handled([])
            chat = await chat_sessions.load(session, self.runtime.subject(incoming.principal))
            locale = chat.locale or negotiate(
                incoming.language_code, self.runtime.settings.default_locale
            )
            current, unreadable = state.load(chat.mode, chat.context)
            languages = safety.crisis_languages(locale, self._telegram_locale(incoming))
            turn = Turn(
                self.runtime,
                session,
                incoming,
                chat,
                translator(locale),
                state=current,
                discussion=self.discussion,
                crisis=safety.crisis_signal(incoming, *languages),
                crisis_languages=languages,
            )
            if unreadable:
                turn.replies.send(
                    turn.say(
                        "Ik weet niet meer precies waar we waren. Tik op /start om verder te gaan."
                    )
                )
            await self._route(turn)
            chat.mode, chat.context = state.dump(turn.state)
            await chat_sessions.save(session, chat)
            body = dump_outs(turn.replies.items) if outbox is not None else []
            if outbox is not None and body:
                outbox_id = await outbox_repo.enqueue(session, outbox.chat, body, outbox.held_until)
            view = None
            if look is not None:
                await session.flush()  # the look sees this event's changes, deletions too
                view = await look(session, chat.subject)
        self._remember(incoming.principal, turn.locale, turn.formal)
        for job in turn.after_commit:
            await job()
        items = list(turn.replies.items)
        if incoming.button is not None:
            items.append(turn.replies.toast or Toast())
        return Handled(items, outbox_id, view)

    async def _route(self, turn: Turn) -> None:
        incoming = turn.incoming
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
