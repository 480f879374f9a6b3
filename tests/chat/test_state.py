"""Typed chat state: each mode round-trips through the stored (mode, context) pair; what
cannot be read is a clean reset to Idle with a message, never a crash."""

from __future__ import annotations

import pytest

from bot.chat import state
from bot.chat.events import Send
from bot.runtime import Runtime
from storage import repo
from tests.chat.conftest import Talk

RESET = "Ik weet niet meer precies waar we waren. Tik op /start om verder te gaan."
STATES = [
    state.Idle(),
    state.Consent(campaign_id="c" * 32),
    state.MemberName(),
    state.MemberOrg(),
    state.Agreeing(step_key="stap-3", question_id="q1"),
    state.Erasing(nonce="ab12cd34"),
    state.Paused(conversation_id="d" * 32),
    state.CampaignLabel(label="school"),
    state.CampaignLabel(label=None),
    state.CampaignSchemes(label="school", audience="ouders", step_key="stap-6"),
]


@pytest.mark.parametrize("chat_state", STATES, ids=lambda s: type(s).__name__)
def test_every_state_round_trips(chat_state: state.ChatState) -> None:
    mode, context = state.dump(chat_state)
    assert state.load(mode, context) == (chat_state, False)


def test_idle_is_stored_as_no_mode() -> None:
    assert state.dump(state.Idle()) == (None, {})
    assert state.load(None, {}) == (state.Idle(), False)


@pytest.mark.parametrize(
    ("mode", "context"),
    [
        ("bogus", {}),  # a mode this code does not know
        ("consent", {}),  # a field missing
        ("agreed", {"agree": ["stap-3"]}),
        (None, {"unknown": "x"}),
        ("erasing", {"nonce": 5}),  # a field of the wrong type
        ("paused", {"conversation_id": "x", "extra": 1}),
    ],
)
def test_unreadable_state_is_reset_to_idle(mode: str | None, context: dict[str, object]) -> None:
    assert state.load(mode, context) == (state.Idle(), True)


@pytest.mark.parametrize(
    ("mode", "context", "expected"),
    [
        ("consent", {"campaign": "c1"}, state.Consent(campaign_id="c1")),
        (
            "agreed",
            {"agree": ["stap-3", "q1"]},
            state.Agreeing(step_key="stap-3", question_id="q1"),
        ),
        ("member_name", {"label": "x"}, state.MemberName()),
        ("member_org", {}, state.MemberOrg()),
        (None, {"erase": "ab12cd34", "paused": "p1"}, state.Erasing(nonce="ab12cd34")),
        (None, {"paused": "p1"}, state.Paused(conversation_id="p1")),
        (None, {"label": "school"}, state.CampaignLabel(label="school")),
    ],
)
def test_the_untyped_state_of_the_previous_release_is_kept(
    mode: str | None, context: dict[str, object], expected: state.ChatState
) -> None:
    """Users mid-way when typed state is deployed keep their place."""
    assert state.load(mode, context) == (expected, False)


async def _store(runtime: Runtime, user_id: int, mode: str, context: dict[str, object]) -> None:
    async with runtime.sessions.begin() as session:
        chat = await repo.chat_session(session, runtime.subject(str(user_id)))
        chat.mode, chat.context = mode, context


async def _stored(runtime: Runtime, user_id: int) -> tuple[str | None, dict[str, object]]:
    async with runtime.sessions.begin() as session:
        chat = await repo.chat_session(session, runtime.subject(str(user_id)))
        return chat.mode, chat.context


async def test_a_user_with_unreadable_state_is_told_and_reset(runtime: Runtime, talk: Talk) -> None:
    """State this code cannot read (a mode it does not know) is reset, and the user is told."""
    assert talk.user_id is not None
    await _store(runtime, talk.user_id, "bogus", {"step": 3})
    outs = await talk(text="Ons gezamenlijke antwoord")
    assert outs[0] == Send(RESET)
    assert await _stored(runtime, talk.user_id) == (None, {})
    # The next message is handled normally, without the notice.
    assert Send(RESET) not in await talk(text="nog iets")


async def test_a_typed_state_is_stored_and_read_back(runtime: Runtime, talk: Talk) -> None:
    """/vergeet stores its nonce as a typed state; 'Nee' on that prompt returns to Idle."""
    assert talk.user_id is not None
    outs = await talk(command="vergeet")
    mode, context = await _stored(runtime, talk.user_id)
    assert mode == "erasing"
    nonce = context["nonce"]
    prompt = outs[0]
    assert isinstance(prompt, Send)
    assert [b.data for row in prompt.buttons for b in row] == [f"e:ja:{nonce}", f"e:nee:{nonce}"]
    outs = await talk(button=f"e:nee:{nonce}", button_message_id=1)
    assert Send("Oké, er is niets gewist.") in outs
    assert await _stored(runtime, talk.user_id) == (None, {})
