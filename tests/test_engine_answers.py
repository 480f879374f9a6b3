"""How participants answer in practice: typed option text in their own language, misspelled or
by number; exclusive options; a question counter that never jumps up; button labels that fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Conversation, Engine, Invalid, NextQuestion, Pick, Reply, load_catalog
from bot.engine.b1 import lint_catalog
from bot.engine.runner import Outcome
from bot.errors import FlowError

TEMPLATE = """kind: template
id: t
title: T
steps:
  - {key: s1, number: "1", title: Stap, doel: Doel, resultaat: Resultaat}
"""

FLOW = """kind: flow
id: t.s1.ouders
title: Test
audience: ouders
plan: {template: t, step: s1}
steps:
  - kind: choice
    id: hoe-vaak
    text: Hoe vaak?
    options:
      - {value: nooit, label: Nooit}
      - {value: soms, label: Soms}
      - {value: vaak, label: Vaak}
  - kind: multi_choice
    id: wat
    text: Wat merkt u?
    options:
      - {value: geld, label: Geldzorgen}
      - {value: stress, label: Stress}
      - {value: niets, label: Niets hiervan, exclusive: true}
  - kind: yes_no
    id: nog-iets
    text: Wilt u nog iets vertellen?
    branches:
      - if: {equals: ja}
        goto: wat-nog
      - goto: cijfer
  - kind: text
    id: wat-nog
    text: Wat wilt u nog vertellen?
  - kind: scale
    id: cijfer
    text: Welk cijfer?
"""

TURKISH = {"Nooit": "Asla", "Soms": "Bazen", "Vaak": "Sık sık"}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(FLOW)
    return Engine(load_catalog(tmp_path))


def typed(engine: Engine, text: str, translate: dict[str, str] | None = None) -> Outcome:
    conversation, _ = engine.start("t.s1.ouders")
    lookup = (lambda label: translate.get(label, label)) if translate else None
    return engine.advance(conversation, Reply(text), lookup)


def recorded(outcome: Outcome) -> object:
    assert isinstance(outcome, NextQuestion) and outcome.recorded is not None, outcome
    return outcome.recorded.value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sık sık", "vaak"),  # the Turkish button text itself
        ("sik sik", "vaak"),  # without the Turkish letters
        ("BAZEN", "soms"),
        ("Vaak", "vaak"),  # Dutch still works for a Turkish parent
        ("3", "vaak"),  # the option number
        ("3.", "vaak"),
        ("bazn", "soms"),  # a small misspelling
    ],
)
def test_typed_answer_matches_translated_labels(engine: Engine, text: str, value: str) -> None:
    """A parent answering in Turkish can type what the button says, in any case or accents,
    slightly misspelled, or the option's number."""
    assert recorded(typed(engine, text, TURKISH)) == value


@pytest.mark.parametrize("text", ["misschien", "4", "0", "s"])
def test_typed_answer_that_fits_no_option_is_refused(engine: Engine, text: str) -> None:
    """Text far from every option, or a number out of range, is asked again (never guessed)."""
    outcome = typed(engine, text, TURKISH)
    assert isinstance(outcome, Invalid) and outcome.reason == "choose_option"


def _at_multi(engine: Engine) -> Conversation:
    conversation, _ = engine.start("t.s1.ouders")
    engine.advance(conversation, Pick("soms"))
    return conversation


def test_exclusive_option_clears_the_others_and_the_reverse(engine: Engine) -> None:
    """Ticking 'Niets hiervan' clears 'Geldzorgen' and 'Stress'; ticking one of those again
    clears 'Niets hiervan'."""
    conversation = _at_multi(engine)
    engine.advance(conversation, Pick("geld"))
    engine.advance(conversation, Pick("stress"))
    outcome = engine.advance(conversation, Pick("niets"))
    assert isinstance(outcome, NextQuestion) and outcome.selected == ("niets",)
    outcome = engine.advance(conversation, Pick("stress"))
    assert isinstance(outcome, NextQuestion) and outcome.selected == ("stress",)


def test_typed_exclusive_with_others_is_refused(engine: Engine) -> None:
    """Typing '1, 3' where 3 is 'Niets hiervan' is a contradiction: asked again, naming it."""
    conversation = _at_multi(engine)
    outcome = engine.advance(conversation, Reply("1, 3"))
    assert isinstance(outcome, Invalid) and outcome.reason == "exclusive"
    assert outcome.params == {"option": "Niets hiervan"}
    assert recorded(engine.advance(conversation, Reply("3"))) == ["niets"]


def _walk(engine: Engine, answers: list[object]) -> list[tuple[int, int]]:
    conversation, outcome = engine.start("t.s1.ouders")
    seen = []
    for answer in answers:
        assert isinstance(outcome, NextQuestion)
        seen.append((outcome.position, outcome.total))
        given = Reply(answer) if isinstance(answer, str) else Pick(str(answer))
        outcome = engine.advance(conversation, given)
        if isinstance(outcome, NextQuestion) and outcome.recorded is None:  # a multi toggle
            outcome = engine.advance(conversation, Reply(str(answer)))
    return seen


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (["soms", "1", "ja", "meer geld", "4"], [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]),
        (["soms", "1", "nee", "4"], [(1, 5), (2, 5), (3, 5), (4, 4)]),
    ],
)
def test_counter_never_grows(
    engine: Engine, answers: list[object], expected: list[tuple[int, int]]
) -> None:
    """'Vraag n van m' counts the longest path still possible: on the short path the total
    shrinks at the branch, and the last question is always 'n van n'."""
    assert _walk(engine, answers) == expected


def _problems(tmp_path: Path, options: str, kind: str = "choice") -> list[str]:
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(
        FLOW.split("steps:")[0] + f"steps:\n  - kind: {kind}\n    id: q\n    text: Q?\n"
        f"    options:\n{options}"
    )
    with pytest.raises(FlowError) as caught:
        load_catalog(tmp_path)
    return caught.value.problems


def test_long_label_needs_a_short_button_text(tmp_path: Path) -> None:
    """An option label over 40 characters without `short` is refused with the fix."""
    long = "Respect voor iedereen, wie je ook leuk vindt"
    (problem,) = _problems(
        tmp_path, f"      - {{value: a, label: '{long}'}}\n      - {{value: b, label: B}}\n"
    )
    assert "option 'a': label of 44 characters is too long for a button" in problem
    assert "add `short:`" in problem


def test_short_button_text_is_validated(tmp_path: Path) -> None:
    """`short` itself must fit a button (at most 40 characters)."""
    problems = _problems(
        tmp_path,
        "      - {value: a, label: A, short: '" + "x" * 41 + "'}\n      - {value: b, label: B}\n",
    )
    assert any("at most 40 characters" in problem for problem in problems)


def test_exclusive_only_in_multi_choice(tmp_path: Path) -> None:
    """`exclusive` on a single-choice option is refused."""
    (problem,) = _problems(
        tmp_path, "      - {value: a, label: A, exclusive: true}\n      - {value: b, label: B}\n"
    )
    assert "`exclusive` in a choice question" in problem


PARTICIPANT_HEAD = FLOW.split("steps:")[0] + "steps:\n"


def _participant_problems(tmp_path: Path, steps: str) -> list[str]:
    """What `flows check` reports beyond the graph rules (B1 and content lint)."""
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(PARTICIPANT_HEAD + steps)
    return [line for line in lint_catalog(load_catalog(tmp_path)) if "B1" not in line]


def test_free_text_for_participants_asks_for_no_names(tmp_path: Path) -> None:
    """A jongeren/ouders free-text question must say 'Noem geen namen' in the question."""
    (problem,) = _participant_problems(
        tmp_path, "  - kind: text\n    id: zorgen\n    text: Waar maakt u zich zorgen over?\n"
    )
    assert "must say 'Noem geen namen'" in problem and "step zorgen" in problem


def test_sensitive_question_can_be_declined(tmp_path: Path) -> None:
    """A sensitive choice needs 'Zeg ik liever niet'; in a multi_choice it must be exclusive."""
    problems = _participant_problems(
        tmp_path,
        """  - kind: choice
    id: geld
    text: Hoe vaak maakt u zich zorgen over geld?
    sensitive: true
    options: [{value: vaak, label: Vaak}, {value: nooit, label: Nooit}]
  - kind: multi_choice
    id: wat
    text: Wat merkt u?
    sensitive: true
    options: [{value: a, label: A}, {value: geen, label: Zeg ik liever niet}]
""",
    )
    assert any("step geld: a sensitive question without a way to decline" in p for p in problems)
    assert any("step wat: 'Zeg ik liever niet' can be ticked together" in p for p in problems)


def test_shipped_participant_flows_follow_the_rules() -> None:
    """The shipped flows pass these rules, and the jongeren money questions ask about jongeren
    around them, not about their own household."""
    catalog = load_catalog(Path(__file__).resolve().parents[1] / "flows")
    assert lint_catalog(catalog) == []
    jongeren = catalog.flows["armoede.stap-3.jongeren"].flow
    texts = {step.id: step.text for step in jongeren.steps if step.id}
    assert "om je heen" in texts["zorgen-vaak"] and "jij je" not in texts["zorgen-vaak"]
    assert "jongeren om je heen" in texts["meedoen"]
