"""Hostile and random input (hypothesis): broken flow files, odd Unicode, forged buttons.

* Whatever is in a flow file, loading the flows either succeeds or raises FlowError whose
  problems name the file; nothing else escapes.
* Whatever a user types, the engine answers with a value or a hint and never raises; free text
  is stored only in cleaned form.
* Whatever callback data arrives, the dialog does not raise, writes no answer and changes no
  conversation.

Bugs these tests found (ids R1–R5 in docs/reliability.md) are fixed and pinned by the
regression tests at the end; the property tests tolerate none of them.
"""

from __future__ import annotations

import copy
import itertools
import json
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.chat.conversation import current_token
from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Out
from bot.config import load_settings
from bot.engine import (
    Back,
    Conversation,
    Done,
    Engine,
    Finished,
    Input,
    Invalid,
    NextQuestion,
    Pick,
    Reply,
    Skip,
    load_catalog,
)
from bot.engine.runner import _CONTROL, clean_text, parse_answer
from bot.engine.schema import (
    END,
    ChoiceStep,
    InfoStep,
    MultiChoiceStep,
    Question,
    ScaleStep,
    TextStep,
    options_of,
)
from bot.errors import FlowError
from bot.privacy.redact import redact
from bot.runtime import Runtime
from storage.models import Answer, ConversationRow
from tests.conftest import FLOWS, prepared_database
from tests.reliability.helpers import CONSULTATION, PEPPER, Plan, create_campaign

PROPERTY = settings(max_examples=60, deadline=None)
# The database fixtures are made once per test and the examples share them on purpose: the
# participant stays mid-conversation, and every example checks that it changed nothing.
DB_PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# --- flow files -------------------------------------------------------------------------------

MINIMAL_TEMPLATE = """\
kind: template
id: armoede
title: Armoede
steps:
  - {key: stap-3, number: "3", title: Signalen, doel: Weten wat er speelt, resultaat: Een beeld}
"""
REAL_FLOW: dict[str, Any] = yaml.safe_load(
    (FLOWS / "armoede" / "stap-3-jongeren.yaml").read_text(encoding="utf-8")
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["flow", "template", "text", "choice", "scale", "leeftijd", "einde", "-1"]),
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(sorted(REAL_FLOW)), children, max_size=5
        )
    ),
    max_leaves=25,
)
garbage = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=600).map(str.encode),
    documents.map(lambda doc: yaml.safe_dump(doc, allow_unicode=True).encode()),
)


def _slots(node: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in a parsed YAML document."""
    if isinstance(node, dict):
        for key in list(node):
            found.append((node, key))
            _slots(node[key], found)
    elif isinstance(node, list):
        for index in range(len(node)):
            found.append((node, index))
            _slots(node[index], found)
    return found


@st.composite
def mutated_flows(draw: st.DrawFn) -> bytes:
    """The real jongeren consultation with one to three random edits."""
    document = copy.deepcopy(REAL_FLOW)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(document, [])
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["delete", "replace", "duplicate"]))
        if action == "delete":
            del container[key]
        elif action == "duplicate" and isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
        else:
            container[key] = draw(documents)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()


@contextmanager
def flow_dir(content: bytes) -> Iterator[tuple[Path, Path]]:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "_template.yaml").write_text(MINIMAL_TEMPLATE, encoding="utf-8")
        fuzzed = root / "fuzzed.yaml"
        fuzzed.write_bytes(content)
        yield root, fuzzed


def loads_or_names_the_file(content: bytes) -> None:
    """Loading succeeds (and the engine starts every flow), or FlowError names the file."""
    with flow_dir(content) as (root, fuzzed):
        try:
            catalog = load_catalog(root)
        except FlowError as error:
            assert error.problems
            assert all(problem.startswith(str(root)) for problem in error.problems), error
            assert any(problem.startswith(str(fuzzed)) for problem in error.problems), error
            return
        engine = Engine(catalog)
        for flow_id in catalog.flows:
            engine.start(flow_id)


@PROPERTY
@given(content=garbage)
@example(content=b"\xff\xfe\x00garbage")
@example(content=b"kind: flow\nid: [unclosed")
@example(content=b"? [a, b]\n: 1\n")
def test_garbage_in_a_flow_file_is_a_flow_error_naming_it(content: bytes) -> None:
    """Random bytes, text or YAML in a flow file: FlowError naming the file, nothing else."""
    loads_or_names_the_file(content)


@settings(max_examples=30, deadline=None)
@given(content=mutated_flows())
def test_randomly_edited_flow_loads_or_is_a_flow_error_naming_it(content: bytes) -> None:
    """A real flow with random edits either loads and starts, or FlowError names the file."""
    loads_or_names_the_file(content)


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 8)}]\n" for i in range(6)
)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(ALIAS_BOMB, id="alias-bomb"),
        pytest.param("kind: flow\x00\n", id="nul-byte"),
        pytest.param("!!python/object/apply:os.system ['true']\n", id="python-tag"),
        pytest.param("\ufeffkind: flow\n\tid: x\n", id="bom-and-tab"),
        pytest.param("", id="empty"),
        pytest.param("kind: flow\n" * 3, id="duplicate-keys"),
        pytest.param("kind: template\nid: armoede\ntitle: x\nsteps: []\n", id="second-template"),
    ],
)
def test_pathological_flow_files_are_flow_errors(content: str) -> None:
    """Known YAML traps (alias bomb, NUL, Python tags, BOM, empty) give FlowError naming the file."""
    loads_or_names_the_file(content.encode())


# --- typed text -------------------------------------------------------------------------------

NASTY = [
    *"\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    *"\u061c\ufeff\u2060\x00\x07\x1b\x7f\x85\x9f\t\n\r \u00a0\u0301",
    "e\u0301",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇳🇱",
    "²",
    "①",
    "٣",
    "９",
    "1",
    "2",
    "--",
    ",",
    "ja",
    "nee",
    "مرحبا",
    "שלום",
    "Zeg ik liever niet",
]
typed = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=4), max_size=40).map("".join),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["x", "9", "👍", "\u200b", "a\u0301", " ", "1,"]),
        st.integers(1000, 12000),
    ),
)


def promised_clean(value: str) -> bool:
    """What clean_text promises: no control or direction characters it knows, trimmed."""
    return not _CONTROL.search(value) and value == value.strip()


def valid_value(step: Question, value: object) -> bool:
    """A parsed answer fits its question: a hint about this question, clean free text within the
    length limit, a number on the scale, or options the question offers."""
    if isinstance(value, Invalid):
        return value.question is step
    if isinstance(step, TextStep):
        return (
            isinstance(value, str)
            and bool(value)
            and len(value) <= step.max_length
            and promised_clean(value)
        )
    if isinstance(step, ScaleStep):
        return isinstance(value, int) and step.min <= value <= step.max
    allowed = {option.value for option in options_of(step)}
    if isinstance(value, list):
        return set(value) <= allowed
    return value in allowed


def questions(engine: Engine) -> list[Question]:
    flow = engine.flow(CONSULTATION)
    return [step for step in flow.steps if not isinstance(step, InfoStep)]


@PROPERTY
@given(index=st.integers(0, 100), text=typed)
@example(index=0, text="\u202e2\u200b")
@example(index=4, text="x" * 5000)
def test_typed_text_gives_a_value_or_a_hint(small_engine: Engine, index: int, text: str) -> None:
    """Any typed text at any question gives a value or a hint; free text comes back clean."""
    steps = questions(small_engine)
    step = steps[index % len(steps)]
    value = parse_answer(step, Reply(text))
    assert valid_value(step, value), f"{step.id}: {text!r} -> {value!r}"


def inputs(engine: Engine) -> st.SearchStrategy[Input]:
    values = sorted(
        {option.value for step in questions(engine) for option in options_of(step)}
        | {"1", "99", "²", ""}
    )
    return st.one_of(
        typed.map(Reply),
        st.sampled_from(values).map(Pick),
        st.sampled_from([Done(), Back(), Skip()]),
    )


@PROPERTY
@given(data=st.data())
def test_any_sequence_of_inputs_keeps_the_conversation_sound(
    small_engine: Engine, data: st.DataObject
) -> None:
    """Any sequence of inputs keeps a valid state that survives a JSON round trip."""
    machine = small_engine.machines[CONSULTATION]
    conversation, _ = small_engine.start(CONSULTATION)
    for given_input in data.draw(st.lists(inputs(small_engine), max_size=30)):
        outcome = small_engine.advance(conversation, given_input)
        assert isinstance(outcome, NextQuestion | Invalid | Finished)
        # The conversation rests at a question or at the end, never at an info step.
        assert conversation.state == END or not isinstance(
            machine.flow.steps[machine.index[conversation.state]], InfoStep
        )
        assert set(conversation.answers) <= set(machine.index)
        texts = [value for value in conversation.answers.values() if isinstance(value, str)]
        assert all(promised_clean(text) for text in texts), texts
        stored = json.loads(json.dumps(conversation.to_data()))
        restored = Conversation.from_data(CONSULTATION, conversation.state, stored)
        shown = small_engine.current(restored)
        assert isinstance(shown, Finished) == (conversation.state == END)


# --- the dialog on a real database ------------------------------------------------------------


@dataclass
class Chat:
    """A participant of the jongeren consultation, talking to the real dialog."""

    runtime: Runtime
    dialog: Dialog
    plan: Plan
    user_id: int = 6500
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, **fields: Any) -> list[Out]:
        incoming = Incoming(update_id=next(self.ids), user_id=self.user_id, **fields)
        return await self.dialog.handle(incoming)

    async def row(self) -> ConversationRow:
        async with self.runtime.sessions() as session:
            (row,) = (await session.scalars(select(ConversationRow))).all()
        return row

    async def at(self, question_id: str) -> ConversationRow:
        """Answer the planned answers until ``question_id`` is asked."""
        for _ in range(len(self.plan.path)):
            row = await self.row()
            if row.state == question_id:
                return row
            await self.send(text=self.plan.typed[row.state])
        raise AssertionError(f"{question_id} was never asked")

    async def snapshot(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Every answer and every conversation, as plain values."""
        answers: list[tuple[Any, ...]]
        conversations: list[tuple[Any, ...]]
        async with self.runtime.sessions() as session:
            answers = sorted(
                (a.id, a.question_id, a.value_option, a.value_number, a.value_text)
                for a in await session.scalars(select(Answer))
            )
            conversations = sorted(
                (c.id, c.state, json.dumps(c.data, sort_keys=True), c.finished)
                for c in await session.scalars(select(ConversationRow))
            )
        return answers, conversations


@pytest.fixture
async def chat(tmp_path: Path, flows_dir: Path, small_engine: Engine) -> AsyncIterator[Chat]:
    """A migrated SQLite database with one participant who has just said 'Ik doe mee'."""
    url = await prepared_database("sqlite", tmp_path)
    runtime = Runtime.build(
        load_settings(
            database_url=url, pepper=PEPPER, flows_dir=flows_dir, data_dir=tmp_path / "data"
        )
    )
    token, _ = await create_campaign(runtime.sessions)
    chat = Chat(runtime, Dialog(runtime), Plan.make(small_engine))
    await chat.send(command="start", args=(token,))
    await chat.send(button="j:ja", button_message_id=1)
    yield chat
    await runtime.close()


def first_of(engine: Engine, kind: type) -> str:
    step = next(s for s in questions(engine) if isinstance(s, kind))
    assert step.id is not None
    return step.id


@DB_PROPERTY
@given(text=typed)
@example(text="\u202eabc\u200b\x00 ")
@example(text="\u00b7\u00a7b$@i\n~\u00e0")
async def test_typed_text_is_stored_only_cleaned(chat: Chat, text: str) -> None:
    """Random free text is stored cleaned (no control or direction characters, trimmed) and
    redacted, exactly as the answer path promises: nothing else changes it."""
    question_id = first_of(chat.runtime.engine, TextStep)
    await chat.at(question_id)
    await chat.send(text=text)
    async with chat.runtime.sessions() as session:
        stored = (
            await session.scalars(
                select(Answer.value_text).where(Answer.question_id == question_id)
            )
        ).all()
    step = next(s for s in questions(chat.runtime.engine) if s.id == question_id)
    parsed = parse_answer(step, Reply(text))
    # Text that cleans to nothing gets a hint and stores nothing; anything else is stored cleaned
    # and redacted (random text can look like a handle: "@i" is stored as "[gebruikersnaam]").
    assert stored == ([] if isinstance(parsed, Invalid) else [redact(str(parsed)).text])
    assert all(value is not None and promised_clean(value) for value in stored)
    if stored:
        await chat.send(command="terug")  # back to the question for the next example
    assert (await chat.row()).state == question_id


KINDS = ["o", "d", "s", "b", "t", "v", "j", "l", "p", "g", "e", "c", "x", "y", "r", "", "oo", "ø"]
ARGS = st.one_of(
    st.text(max_size=20),
    st.integers(-5, 99).map(str),
    st.sampled_from(["²", "①", "٣", "９", "00", "-1", "ja", "nee", "nl", "xx", ""]),
)


def at_most_64_bytes(data: str) -> str:
    while len(data.encode()) > 64:
        data = data[:-1]
    return data


def callback_data(token: str) -> st.SearchStrategy[str]:
    tokens = st.one_of(
        st.just(token),
        st.text(alphabet="0123456789abcdef", min_size=8, max_size=8),
        st.text(max_size=12),
    )
    structured = st.builds(
        lambda kind, tok, arg, parts: ":".join([kind, tok, arg][:parts]),
        st.sampled_from(KINDS),
        tokens,
        ARGS,
        st.integers(1, 3),
    )
    raw = st.one_of(
        st.text(max_size=64),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
        structured,
    )
    return raw.map(at_most_64_bytes)


def legitimate(data: str, token: str, options: int) -> bool:
    """Buttons the user really had: skip, back, Klaar and a valid option of the current
    question."""
    kind, _, rest = data.partition(":")
    given_token, _, argument = rest.partition(":")
    if given_token != token:
        return False
    if kind in ("s", "b", "d"):
        return True
    if kind == "o" and argument.isdigit():
        try:
            return int(argument) < options
        except ValueError:
            return False
    return False


@DB_PROPERTY
@given(data=st.data())
async def test_random_callback_data_changes_no_answer_or_conversation(
    chat: Chat, data: st.DataObject
) -> None:
    """Random or forged button data mid-conversation changes no answer or conversation."""
    row = await chat.at(first_of(chat.runtime.engine, MultiChoiceStep))
    token = current_token(row)
    current = next(s for s in chat.runtime.engine.flow(CONSULTATION).steps if s.id == row.state)
    count = len(options_of(current))  # type: ignore[arg-type]
    button = data.draw(
        callback_data(token).filter(lambda d: not legitimate(d, token, count)), label="button"
    )
    before = await chat.snapshot()
    await chat.send(button=button, button_message_id=data.draw(st.integers(0, 2**31 - 1)))
    assert await chat.snapshot() == before


# --- regression tests for the bugs these properties found (R1–R5, fixed) ----------------------


@pytest.mark.parametrize(
    "text", ["²", "①", "--5", "9" * 5000], ids=["superscript", "circled", "double-minus", "huge"]
)
def test_odd_digits_typed_get_a_hint_not_an_exception(small_engine: Engine, text: str) -> None:
    """'²', '①', '--5' or 5,000 nines typed at a choice or scale question give a hint."""
    steps = [
        s
        for s in questions(small_engine)
        if isinstance(s, ChoiceStep | ScaleStep | MultiChoiceStep)
    ]
    assert {s.id: isinstance(parse_answer(s, Reply(text)), Invalid) for s in steps} == {
        s.id: True for s in steps
    }
    assert {type(s) for s in steps} == {ChoiceStep, ScaleStep, MultiChoiceStep}


@pytest.mark.parametrize(
    "template", ["g:²", "o:{token}:²", "o:{token}:①"], ids=["werkgroep", "option", "circled"]
)
async def test_forged_button_with_odd_digits_is_refused(chat: Chat, template: str) -> None:
    """A forged button whose number is '²' gets the 'old question' notice, no exception."""
    row = await chat.at(first_of(chat.runtime.engine, ChoiceStep))
    before = await chat.snapshot()
    outs = await chat.send(button=template.format(token=current_token(row)), button_message_id=1)
    assert outs and await chat.snapshot() == before


@pytest.mark.parametrize(
    "text",
    ["a\x85b", "a\x9bb", "\u061cabc", "e\u200b\u0301"],
    ids=["next-line", "csi", "arabic-letter-mark", "nfc-after-removal"],
)
def test_clean_text_removes_every_control_and_direction_mark(text: str) -> None:
    """C1 control characters and the Arabic letter mark are removed, and the result is NFC."""
    cleaned = clean_text(text)
    assert all(unicodedata.category(c) != "Cc" or c in "\t\n\r" for c in cleaned)
    assert "\u061c" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)


async def test_erase_button_without_a_fresh_prompt_erases_nothing(chat: Chat) -> None:
    """A forged 'e:ja' without a fresh /vergeet prompt erases nothing."""
    await chat.at(chat.plan.path[2])
    before = await chat.snapshot()
    assert before[0]
    await chat.send(button="e:ja", button_message_id=1)
    assert await chat.snapshot() == before


@pytest.mark.parametrize(
    "nesting", ["[" * 3000 + "]" * 3000, "{a: " * 3000 + "1" + "}" * 3000], ids=["lists", "maps"]
)
def test_deeply_nested_yaml_is_a_flow_error(nesting: str) -> None:
    """A flow file nested thousands of levels deep gives FlowError naming it."""
    loads_or_names_the_file(f"kind: flow\nid: {nesting}\n".encode())
