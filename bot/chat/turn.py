"""One event's handling: the ``Turn`` every handler gets, and what handlers share.

The leaf of the chat package: handler modules import this (and ``events``, ``render``,
``callbacks``, ``state``), never each other; ``dialog`` wires them together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.chat import state
from bot.chat.callbacks import CallbackData, Language, button
from bot.chat.events import EditButtons, Incoming, Keyboard, Out, Replies, Toast
from bot.chat.view import Say, Voice
from bot.engine.schema import Flow
from bot.privacy.crisis import CrisisSignal
from bot.runtime import Runtime
from bot.translate import Translator, language_names
from storage import Session, members
from storage.chat_sessions import ChatRecord
from storage.models import Member

K = TypeVar("K", bound=CallbackData)

# What jongeren and ouders said at a plan step, shown to the werkgroep before the question that
# discusses it. Injected by the dialog so answering a question does not depend on the
# coordinator's summary commands.
DiscussionInput = Callable[["Turn", str, Flow], Awaitable[list[Out]]]


@dataclass
class Turn:
    """Everything one event's handling needs; lives for one transaction."""

    runtime: Runtime
    session: Session
    incoming: Incoming
    chat: ChatRecord
    t: Translator
    discussion: DiscussionInput
    state: state.ChatState = field(default_factory=state.Idle)
    # The decoded button of this event (set by the router).
    button: CallbackData | None = None
    replies: Replies = field(default_factory=Replies)
    # Whether this event addressed the user with *u* (None: it did not say); remembered by the
    # dialog so first aid speaks the same register without the database.
    formal: bool | None = None
    # What the user typed signals a crisis: the edge already sent the help lines (first aid);
    # a flow pauses instead of asking the next question.
    crisis: CrisisSignal | None = None
    # The languages ``crisis`` was checked in besides the text's own: a typed answer is checked
    # again in the same ones when it is stored, so the detector's memo answers that check.
    crisis_languages: tuple[str, ...] = ()
    # Work that must run after the transaction committed (e.g. compacting SQLite after a cut).
    after_commit: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def locale(self) -> str:
        return self.t.locale

    def say(self, msgid: str, **params: object) -> str:
        """``msgid`` translated, its ``%(name)s`` placeholders filled, as escaped HTML."""
        return Say(self.t)(msgid, **params)

    def voice(self, formal: bool = False, *, html: bool = True) -> Voice:
        return Voice(self.t, formal, html=html)

    def pressed(self, kind: type[K]) -> K:
        """The pressed button, as the kind the router dispatched on."""
        assert isinstance(self.button, kind)
        return self.button

    def stale(self) -> None:
        """Answer a press on an old, forged or unknown button: nothing changes."""
        self.replies.toast = Toast(stale_button(self.t))

    def edit_pressed(self, buttons: Keyboard = ()) -> None:
        """Replace (by default: remove) the buttons of the message whose button was pressed."""
        if self.incoming.button_message_id is not None:
            self.replies.add(EditButtons(self.incoming.button_message_id, buttons))

    async def member(self) -> Member | None:
        """The active werkgroep membership of this user, if any."""
        if self.chat.member_ref is None or self.incoming.user_id is None:
            return None
        return await members.active_by_ref(
            self.session, self.incoming.user_id, self.chat.member_ref, self.runtime.member_ref
        )


Handler = Callable[[Turn], Awaitable[None]]


@dataclass(frozen=True)
class Routes:
    """What one handler module answers: commands by name, buttons by kind, text by state."""

    commands: Mapping[str, Handler] = field(default_factory=dict)
    buttons: Mapping[type[CallbackData], Handler] = field(default_factory=dict)
    modes: Mapping[type[state.State], Handler] = field(default_factory=dict)


def stale_button(t: Translator) -> str:
    return t.gettext("Deze knop hoort bij een oude vraag. Kijk naar het laatste bericht.")


def language_buttons() -> Keyboard:
    return tuple((button(name, Language(code)),) for code, name in language_names().items())


def telegram_user(turn: Turn) -> int | None:
    """The Telegram user id, or a refusal sent: werkgroep features need a Telegram identity."""
    if turn.incoming.user_id is None:
        turn.replies.send(turn.say("Dit kan alleen in de Telegram-app."))
    return turn.incoming.user_id
