"""Values crossing the edge: one incoming user event, and what to send back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One user event from any channel.

    ``principal`` is the opaque, channel-qualified identity the user's keys are derived from
    (Telegram: the user id in decimal; the web channel: ``web:<session id>``); it defaults to
    the Telegram user id. ``user_id`` is the Telegram user id, ``None`` on channels without
    one: werkgroep, coordinator and beheerder features then refuse.
    """

    update_id: int
    user_id: int | None
    language_code: str | None = None
    private: bool = True
    text: str | None = None
    command: str | None = None
    args: tuple[str, ...] = ()
    button: str | None = None
    button_message_id: int | None = None
    media: str | None = None
    principal: str = ""

    def __post_init__(self) -> None:
        if not self.principal:
            if self.user_id is None:
                raise ValueError("an Incoming needs a principal or a Telegram user id")
            object.__setattr__(self, "principal", str(self.user_id))


@dataclass(frozen=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Send:
    """A message in HTML (everything from users or flows is escaped by the renderer)."""

    text: str
    buttons: Keyboard = ()
    # A question message: the edge removes the buttons of the previous question when it sends
    # the next one, so an old question's keyboard does not linger.
    question: bool = False
    rtl: bool = False


@dataclass(frozen=True)
class EditButtons:
    """New buttons for a sent message; with ``text`` (HTML) its text is replaced as well."""

    message_id: int
    buttons: Keyboard = ()
    text: str | None = None


@dataclass(frozen=True)
class SendPhoto:
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class SendDocument:
    data: bytes
    filename: str
    caption: str = ""


@dataclass(frozen=True)
class SetMenu:
    """Telegram's "/" menu of one private chat: (command, description) pairs in the user's
    language; empty: the chat's own menu is removed and the default menu applies again."""

    chat_id: int
    commands: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Toast:
    """The short notice answering a button press."""

    text: str = ""


Out = Send | EditButtons | SendPhoto | SendDocument | SetMenu | Toast


@dataclass
class Replies:
    items: list[Out] = field(default_factory=list)
    toast: Toast | None = None

    def send(self, text: str, buttons: Keyboard = (), question: bool = False) -> None:
        self.items.append(Send(text, buttons, question))

    def add(self, *items: Out) -> None:
        self.items.extend(items)
