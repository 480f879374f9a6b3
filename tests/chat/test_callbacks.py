"""Typed button data: every kind packs and unpacks to itself within 64 bytes; anything else
(unknown, forged, old version, wrong shape) unpacks to nothing and the dialog answers it as a
stale button; two handlers for one kind are refused when the dialog is built."""

from __future__ import annotations

import dataclasses

import pytest

from bot.chat import callbacks
from bot.chat.callbacks import CallbackData, Codec, Option
from bot.chat.dialog import ROUTES, Dialog
from bot.chat.events import Toast
from bot.chat.turn import Routes, Turn
from bot.runtime import Runtime
from tests.chat.conftest import Talk

STALE = "Deze knop hoort bij een oude vraag. Kijk naar het laatste bericht."
KINDS = [
    kind
    for kind in vars(callbacks).values()
    if isinstance(kind, type) and issubclass(kind, CallbackData) and kind is not CallbackData
]


# The longest value each field takes in the bot: ids are 32 hex digits (storage.models.new_id),
# step keys at most 32 characters (the flow schema), tokens and nonces 8 hex digits.
LONGEST = {
    "token": "f" * 8,
    "nonce": "f" * 8,
    "answer": "nee",
    "code": "nl",
    "audience": "jongeren",
    "step_key": "s" * 32,
}


def sample(kind: type[CallbackData]) -> CallbackData:
    values: dict[str, object] = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        if field.type in (int, "int"):
            values[field.name] = 999
        else:
            values[field.name] = LONGEST.get(field.name, "f" * 32)
    return kind(**values)


def all_kinds() -> Codec:
    codec = Codec()
    for kind in KINDS:
        codec.register(kind)
    return codec


def test_there_is_one_kind_per_button() -> None:
    """Every button kind of the bot is a typed class, each with its own prefix."""
    assert len({kind.prefix for kind in KINDS}) == len(KINDS) >= 18


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_round_trips_within_64_bytes(kind: type[CallbackData]) -> None:
    data = sample(kind)
    packed = data.pack()
    assert len(packed.encode()) <= 64
    assert all_kinds().unpack(packed) == data


def test_version_one_keeps_the_wire_format_of_buttons_already_sent() -> None:
    """Buttons in users' chats from before typed data still work after a deploy."""
    assert Option("ab12cd34", 2).pack() == "o:ab12cd34:2"
    assert all_kinds().unpack("j:ja") == callbacks.Consent("ja")


def test_packing_refuses_what_would_not_come_back() -> None:
    with pytest.raises(ValueError, match="64"):
        callbacks.CloseAsk("x" * 70).pack()
    with pytest.raises(ValueError):
        callbacks.Language("nl:en").pack()
    with pytest.raises(ValueError):
        Option("token", -1).pack()


@dataclasses.dataclass(frozen=True)
class OptionV2(CallbackData, prefix="o", version=2):
    token: str
    index: int


@pytest.mark.parametrize(
    "data",
    [
        "zz:1",  # unknown kind
        "o.2:ab12cd34:1",  # a version this code does not write
        "o:ab12cd34",  # a field missing
        "o:ab12cd34:1:2",  # a field too many
        "o:ab12cd34:²",  # isdigit() but no plain number
        "o:ab12cd34:①",
        "g:-1",
        "p:1234567",  # more digits than any index
        "",
        ":",
    ],
)
def test_unknown_forged_and_old_data_unpack_to_nothing(data: str) -> None:
    assert all_kinds().unpack(data) is None


def test_a_new_version_refuses_the_old_one() -> None:
    codec = Codec()
    codec.register(OptionV2)
    assert OptionV2("ab12cd34", 1).pack() == "o.2:ab12cd34:1"
    assert codec.unpack("o.2:ab12cd34:1") == OptionV2("ab12cd34", 1)
    assert codec.unpack("o:ab12cd34:1") is None


@pytest.mark.parametrize("data", ["zz:1", "o.2:ab12cd34:1", "g:²", "e:ja", "j:ja:extra", "y"])
async def test_the_dialog_answers_bad_data_as_a_stale_button(talk: Talk, data: str) -> None:
    assert await talk(button=data, button_message_id=1) == [Toast(STALE)]


async def _nothing(_: Turn) -> None:
    return None


def test_two_handlers_for_one_button_kind_are_refused(runtime: Runtime) -> None:
    Dialog(runtime)  # the bot's own routes are fine
    with pytest.raises(ValueError, match="prefix 'o'"):
        Dialog(runtime, (*ROUTES, Routes(buttons={Option: _nothing})))
    with pytest.raises(ValueError, match="prefix 'o'"):
        Dialog(runtime, (*ROUTES, Routes(buttons={OptionV2: _nothing})))


def test_two_handlers_for_one_command_or_state_are_refused(runtime: Runtime) -> None:
    from bot.chat.state import Agreeing

    with pytest.raises(ValueError, match="command 'start'"):
        Dialog(runtime, (*ROUTES, Routes(commands={"start": _nothing})))
    with pytest.raises(ValueError, match="chat state"):
        Dialog(runtime, (*ROUTES, Routes(modes={Agreeing: _nothing})))
