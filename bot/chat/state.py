"""What free text means right now for one user: a typed chat state, one class per mode.

Stored in ``ChatSession.mode`` (the discriminator; ``None`` is :class:`Idle`) and
``ChatSession.context`` (the other fields). :func:`load` validates what is stored; anything it
cannot read — a mode this code does not know, a missing or extra field, state written by an
older release — becomes :class:`Idle`, and the caller tells the user.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class State(BaseModel):
    """The base of every chat state."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Idle(State):
    mode: Literal["idle"] = "idle"


class Consent(State):
    """The privacy notice was shown; nothing is stored before the 'Ik doe mee' tap."""

    mode: Literal["consent"] = "consent"
    campaign_id: str


class MemberName(State):
    mode: Literal["member_name"] = "member_name"


class MemberOrg(State):
    mode: Literal["member_org"] = "member_org"


class Agreeing(State):
    """A coordinator types the werkgroep's agreed answer to one plan question."""

    mode: Literal["agreed"] = "agreed"
    step_key: str
    question_id: str


class Erasing(State):
    """/vergeet asked for confirmation; only a tap carrying this nonce erases."""

    mode: Literal["erasing"] = "erasing"
    nonce: str


class Paused(State):
    """/stop: the conversation /start resumes."""

    mode: Literal["paused"] = "paused"
    conversation_id: str


class CampaignLabel(State):
    """/campagne LABEL: the label waits for the audience and step buttons."""

    mode: Literal["campaign_label"] = "campaign_label"
    label: str | None = None


ChatState = Annotated[
    Idle | Consent | MemberName | MemberOrg | Agreeing | Erasing | Paused | CampaignLabel,
    Field(discriminator="mode"),
]
_ADAPTER: TypeAdapter[ChatState] = TypeAdapter(ChatState)


def load(mode: str | None, context: dict[str, Any] | None) -> tuple[ChatState, bool]:
    """The stored state, and whether it was unreadable (and so reset to :class:`Idle`)."""
    if mode is None and not context:
        return Idle(), False
    try:
        return _ADAPTER.validate_python({**(context or {}), "mode": mode or "idle"}), False
    except ValidationError:
        return Idle(), True


def dump(state: ChatState) -> tuple[str | None, dict[str, Any]]:
    """(mode, context) as stored."""
    context = state.model_dump(exclude={"mode"})
    return (None if isinstance(state, Idle) else state.mode), context
