"""What free text means right now for one user: a typed chat state, one class per mode.

Stored in ``ChatSession.mode`` (the discriminator; ``None`` is :class:`Idle`) and
``ChatSession.context`` (the other fields). :func:`load` validates what is stored (and reads the
free context keys of the release before typed state); anything it cannot read — a mode this
code does not know, a missing, extra or mistyped field — becomes :class:`Idle`, and the caller
tells the user.
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


class CrisisPause(State):
    """A typed answer signalled a crisis: the help lines were sent and the next question waits
    for "Verder met de vragen" (or "Stoppen", which is /stop)."""

    mode: Literal["crisis_pause"] = "crisis_pause"
    conversation_id: str
    # Positions (in the flow's steps) of the info texts that come before the waiting question.
    info: tuple[int, ...] = ()


class FeedbackWriting(State):
    """/terugkoppeling: a coordinator types the feedback for one campaign (#17.5)."""

    mode: Literal["feedback"] = "feedback"
    campaign_id: str


class CampaignSchemes(State):
    """/campagne: the step's questions name local schemes; the next text names them."""

    mode: Literal["campaign_schemes"] = "campaign_schemes"
    label: str | None = None
    audience: str
    step_key: str


ChatState = Annotated[
    Idle
    | Consent
    | MemberName
    | MemberOrg
    | Agreeing
    | Erasing
    | Paused
    | CampaignLabel
    | CrisisPause
    | FeedbackWriting
    | CampaignSchemes,
    Field(discriminator="mode"),
]
_ADAPTER: TypeAdapter[ChatState] = TypeAdapter(ChatState)


def load(mode: str | None, context: dict[str, Any] | None) -> tuple[ChatState, bool]:
    """The stored state, and whether it was unreadable (and so reset to :class:`Idle`)."""
    context = context or {}
    if mode is None and not context:
        return Idle(), False
    for data in ({**context, "mode": mode or "idle"}, _untyped(mode, context)):
        try:
            return _ADAPTER.validate_python(data), False
        except ValidationError:
            continue
    return Idle(), True


def _untyped(mode: str | None, context: dict[str, Any]) -> dict[str, Any]:
    """The state a release before typed state stored as free context keys, in typed form, so
    users mid-way keep their place across the deploy. Anything else fails validation."""
    agree = context.get("agree")
    if mode == "consent":
        return {"mode": "consent", "campaign_id": context.get("campaign")}
    if mode == "agreed" and isinstance(agree, list) and len(agree) == 2:
        return {"mode": "agreed", "step_key": agree[0], "question_id": agree[1]}
    if mode in ("member_name", "member_org"):
        return {"mode": mode}
    if mode is None and "erase" in context:
        return {"mode": "erasing", "nonce": context["erase"]}
    if mode is None and "paused" in context:
        return {"mode": "paused", "conversation_id": context["paused"]}
    if mode is None and "label" in context:
        return {"mode": "campaign_label", "label": context["label"]}
    return {"mode": mode}


def dump(state: ChatState) -> tuple[str | None, dict[str, Any]]:
    """(mode, context) as stored."""
    context = state.model_dump(exclude={"mode"})
    return (None if isinstance(state, Idle) else state.mode), context
