"""Route one user event to the right journey, inside one database transaction.

Per event: claim the update id (a redelivery is ignored), load the user's chat session (by
pseudonym, locked), decide and store, commit; the caller sends the replies only after that, so
a user never sees a question whose previous answer was not saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.events import Button, Incoming, Out, Replies, Toast
from bot.chat.render import Voice
from bot.privacy.crisis import detect_crisis
from bot.privacy.helplines import HELPLINE_MESSAGE
from bot.runtime import Runtime
from bot.translate import Translator, negotiate, translator
from storage import repo
from storage.models import ChatSession, Member


@dataclass
class Turn:
    """Everything one event's handling needs; lives for one transaction."""

    runtime: Runtime
    session: AsyncSession
    incoming: Incoming
    chat: ChatSession
    t: Translator
    replies: Replies = field(default_factory=Replies)

    @property
    def locale(self) -> str:
        return self.t.locale

    def voice(self, formal: bool = False) -> Voice:
        return Voice(self.t, formal)

    async def member(self) -> Member | None:
        """The active werkgroep membership of this user, if any."""
        if self.chat.member_id is None:
            return None
        member = await self.session.get(Member, self.chat.member_id)
        if member is None or member.removed_at is not None:
            return None
        return member


Handler = Callable[[Turn], Awaitable[None]]


class Dialog:
    def __init__(self, runtime: Runtime) -> None:
        from bot.chat import commands, conversation, coordinator, voices

        self.runtime = runtime
        self.commands: dict[str, Handler] = {
            **commands.COMMANDS,
            **coordinator.COMMANDS,
            **voices.COMMANDS,
        }
        self.buttons: dict[str, Handler] = {
            **commands.BUTTONS,
            **conversation.BUTTONS,
            **coordinator.BUTTONS,
            **voices.BUTTONS,
        }
        self.modes: dict[str, Handler] = {**commands.MODES, **voices.MODES}
        self._answer_text = conversation.answer_text
        self._media = conversation.media

    async def handle(self, incoming: Incoming) -> list[Out]:
        if not incoming.private:
            return []
        async with self.runtime.sessions.begin() as session:
            if not await repo.claim_update(session, incoming.update_id):
                return []
            chat = await repo.chat_session(session, self.runtime.subject(incoming.principal))
            locale = chat.locale or negotiate(
                incoming.language_code, self.runtime.settings.default_locale
            )
            turn = Turn(self.runtime, session, incoming, chat, translator(locale))
            await self._route(turn)
        items = list(turn.replies.items)
        if incoming.button is not None:
            items.append(turn.replies.toast or Toast())
        return items

    async def _route(self, turn: Turn) -> None:
        incoming = turn.incoming
        if incoming.text and detect_crisis(incoming.text):
            # Safety first: help lines come before anything else, in every state.
            turn.replies.send(crisis_reply(turn))
        if incoming.command is not None:
            handler = self.commands.get(incoming.command.lower())
            if handler is None:
                turn.replies.send(
                    turn.t.gettext(
                        "Dit commando ken ik niet. Tik op /help om te zien wat je kunt doen."
                    )
                )
                return
            await handler(turn)
        elif incoming.button is not None:
            kind = incoming.button.split(":", 1)[0]
            handler = self.buttons.get(kind)
            if handler is None:
                turn.replies.toast = Toast(stale_button(turn.t))
                return
            await handler(turn)
        elif incoming.media is not None:
            await self._media(turn)
        elif incoming.text is not None:
            mode_handler = self.modes.get(turn.chat.mode or "")
            if mode_handler is not None:
                await mode_handler(turn)
            else:
                await self._answer_text(turn)


def stale_button(t: Translator) -> str:
    return t.gettext("Deze knop hoort bij een oude vraag. Kijk naar het laatste bericht.")


def crisis_reply(turn: Turn) -> str:
    from html import escape

    return escape(turn.t.gettext(HELPLINE_MESSAGE))


def language_buttons(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    from bot.translate import language_names

    names = language_names()
    return tuple((Button(name, f"l:{code}"),) for code, name in names.items())
