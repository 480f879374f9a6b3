"""Typed button data: one small class per button kind, packed into Telegram's 64 bytes.

A kind is a frozen dataclass declared with a short prefix and a version::

    class Option(CallbackData, prefix="o"):
        token: str
        index: int

``Option("ab12cd34", 2).pack()`` is ``"o:ab12cd34:2"``; version 1 keeps the bare prefix (so
buttons already in users' chats stay valid), a later version writes ``"o.2:..."``. :meth:`Codec.unpack`
returns ``None`` for anything it does not recognise exactly — an unknown kind, an old version,
the wrong number of fields, a field that is not a plain ASCII number where one is expected — and
the dialog answers such a press as a stale button.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, Self

from bot.chat.events import Button

MAX_BYTES = 64
SEPARATOR = ":"
_PREFIX = re.compile(r"[a-z]{1,3}")
# Strict: str.isdigit() accepts "²" and "①", which int() then refuses.
_NUMBER = re.compile(r"[0-9]{1,6}")


class CallbackData:
    prefix: ClassVar[str]
    version: ClassVar[int]

    def __init_subclass__(cls, *, prefix: str, version: int = 1, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _PREFIX.fullmatch(prefix) or version < 1:
            raise ValueError(f"bad callback prefix {prefix!r} or version {version}")
        cls.prefix = prefix
        cls.version = version

    @classmethod
    def head(cls) -> str:
        return cls.prefix if cls.version == 1 else f"{cls.prefix}.{cls.version}"

    def pack(self) -> str:
        values = []
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            text = str(value)
            if SEPARATOR in text or (isinstance(value, int) and value < 0):
                raise ValueError(f"{type(self).__name__}.{field.name}: cannot pack {text!r}")
            values.append(text)
        data = SEPARATOR.join([self.head(), *values])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"{type(self).__name__}: {len(data.encode())} bytes > {MAX_BYTES}")
        return data

    @classmethod
    def parse(cls, values: list[str]) -> Self | None:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        if len(values) != len(fields):
            return None
        parsed: dict[str, object] = {}
        for field, text in zip(fields, values, strict=True):
            if field.type in (int, "int"):
                if not _NUMBER.fullmatch(text):
                    return None
                parsed[field.name] = int(text)
            else:
                parsed[field.name] = text
        return cls(**parsed)


def button(text: str, data: CallbackData) -> Button:
    return Button(text, data.pack())


class Codec:
    """Unpacks the kinds registered with it; refuses a second kind with a taken prefix."""

    def __init__(self) -> None:
        self._kinds: dict[str, type[CallbackData]] = {}

    def register(self, kind: type[CallbackData]) -> None:
        known = self._kinds.get(kind.prefix)
        if known is not None:
            raise ValueError(
                f"button prefix {kind.prefix!r} is taken: {known.__name__} and {kind.__name__}"
            )
        self._kinds[kind.prefix] = kind

    def unpack(self, data: str) -> CallbackData | None:
        head, *values = data.split(SEPARATOR)
        kind = self._kinds.get(head.partition(".")[0])
        if kind is None or head != kind.head():
            return None  # unknown, or another version than this code writes
        return kind.parse(values)


# --- the button kinds -------------------------------------------------------------------------
# One place for every prefix. Question buttons carry the question token (see render.py), so a
# press on an old question is recognised.


@dataclasses.dataclass(frozen=True)
class Option(CallbackData, prefix="o"):
    token: str
    index: int


@dataclasses.dataclass(frozen=True)
class Done(CallbackData, prefix="d"):
    token: str


@dataclasses.dataclass(frozen=True)
class Skip(CallbackData, prefix="s"):
    token: str


@dataclasses.dataclass(frozen=True)
class Back(CallbackData, prefix="b"):
    token: str


@dataclasses.dataclass(frozen=True)
class Tip(CallbackData, prefix="t"):
    token: str


@dataclasses.dataclass(frozen=True)
class Example(CallbackData, prefix="v"):
    token: str


@dataclasses.dataclass(frozen=True)
class Consent(CallbackData, prefix="j"):
    answer: str  # "ja" or "nee"


@dataclasses.dataclass(frozen=True)
class Language(CallbackData, prefix="l"):
    code: str


@dataclasses.dataclass(frozen=True)
class PlanStep(CallbackData, prefix="p"):
    index: int


@dataclasses.dataclass(frozen=True)
class WerkgroepChoice(CallbackData, prefix="g"):
    index: int


@dataclasses.dataclass(frozen=True)
class Erase(CallbackData, prefix="e"):
    answer: str  # "ja" or "nee"
    nonce: str


@dataclasses.dataclass(frozen=True)
class CampaignAudience(CallbackData, prefix="c"):
    audience: str


@dataclasses.dataclass(frozen=True)
class CampaignStep(CallbackData, prefix="k"):
    audience: str
    step_key: str


@dataclasses.dataclass(frozen=True)
class CloseAsk(CallbackData, prefix="x"):
    campaign_id: str


@dataclasses.dataclass(frozen=True)
class CloseConfirm(CallbackData, prefix="y"):
    campaign_id: str


@dataclasses.dataclass(frozen=True)
class RemoveMember(CallbackData, prefix="r"):
    member_id: str


@dataclasses.dataclass(frozen=True)
class AgreeStep(CallbackData, prefix="a"):
    step: int


@dataclasses.dataclass(frozen=True)
class AgreeQuestion(CallbackData, prefix="q"):
    step: int
    question: int


@dataclasses.dataclass(frozen=True)
class CampaignLink(CallbackData, prefix="wl"):
    """/campagnes: show an open campaign's link and QR code again."""

    campaign_id: str


@dataclasses.dataclass(frozen=True)
class CampaignAgain(CallbackData, prefix="wn"):
    """Open another campaign although one for the same step, audience and label is open."""

    audience: str
    step_key: str


@dataclasses.dataclass(frozen=True)
class CampaignDefault(CallbackData, prefix="wd"):
    """/campagne: open the campaign with the flow's default words for its placeholders."""

    audience: str
    step_key: str


@dataclasses.dataclass(frozen=True)
class Cancel(CallbackData, prefix="wc"):
    """ "Annuleren" under a confirmation: nothing happens, the chat state is cleared."""


@dataclasses.dataclass(frozen=True)
class AgreeMore(CallbackData, prefix="wm"):
    """/vastleggen: the whole input of jongeren and ouders, not only the question's figures."""

    step: int
    question: int


@dataclasses.dataclass(frozen=True)
class RemoveAsk(CallbackData, prefix="wr"):
    """/leden: "Verwijder" asks to confirm; the confirmation is :class:`RemoveMember`."""

    member_id: str


@dataclasses.dataclass(frozen=True)
class ContributionsAsk(CallbackData, prefix="wx"):
    """/leden: erase a member's contributions from the plan (asks to confirm first)."""

    member_id: str


@dataclasses.dataclass(frozen=True)
class ContributionsConfirm(CallbackData, prefix="wy"):
    member_id: str


@dataclasses.dataclass(frozen=True)
class PauseContinue(CallbackData, prefix="hv"):
    """After a crisis reply: "Verder met de vragen"."""


@dataclasses.dataclass(frozen=True)
class PauseStop(CallbackData, prefix="hs"):
    """After a crisis reply: "Stoppen" (as /stop)."""


# Closing the loop (#17.5): the participant's opt-in, and /terugkoppeling of a coordinator.
@dataclasses.dataclass(frozen=True)
class FeedbackOptIn(CallbackData, prefix="fo"):
    answer: str  # "ja" or "nee"
    campaign_id: str


@dataclasses.dataclass(frozen=True)
class FeedbackCampaign(CallbackData, prefix="fc"):
    campaign_id: str


@dataclasses.dataclass(frozen=True)
class FeedbackSend(CallbackData, prefix="fs"):
    feedback_id: str


@dataclasses.dataclass(frozen=True)
class FeedbackCancel(CallbackData, prefix="fx"):
    feedback_id: str


# The buttons of a question message: each carries the question's token.
QuestionButton = Option | Done | Skip | Back | Tip | Example


@dataclasses.dataclass(frozen=True)
class Rejoin(CallbackData, prefix="nr"):
    """A participant who opened a link of a step and round they already took part in:
    ``verder`` (continue where they were) or ``opnieuw`` (change their answers)."""

    action: str
    campaign_id: str
