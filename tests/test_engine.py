"""The flow engine: every step kind, back, skip, branches, invalid input, finishing, resuming."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import (
    Back,
    Conversation,
    Done,
    Engine,
    Finished,
    Invalid,
    NextQuestion,
    Pick,
    Reply,
    Skip,
    load_catalog,
)

TEMPLATE = """
kind: template
id: t
title: T
steps:
  - {key: s1, number: "1", title: Stap, doel: Doel, resultaat: Resultaat}
"""

FLOW = """
kind: flow
id: t.s1.werkgroep
title: Test
audience: werkgroep
plan: {template: t, step: s1}
steps:
  - kind: info
    text: Welkom.
  - kind: text
    id: opgave
    text: Wat is de opgave?
    max_length: 20
  - kind: choice
    id: urgentie
    text: Hoe urgent?
    options:
      - {value: hoog, label: Heel urgent}
      - {value: laag, label: Niet urgent}
    branches:
      - if: {equals: laag}
        goto: waarom
      - goto: partners
  - kind: text
    id: waarom
    text: Waarom niet?
  - kind: multi_choice
    id: partners
    text: Welke partners?
    max_choices: 2
    options:
      - {value: gemeente, label: Gemeente}
      - {value: school, label: School}
      - {value: ggd, label: GGD}
  - kind: scale
    id: cijfer
    text: Welk cijfer?
    min: 1
    max: 5
  - kind: yes_no
    id: klaar
    text: Klaar?
    required: true
  - kind: info
    text: Bedankt.
"""


@pytest.fixture
def test_engine(tmp_path: Path) -> Engine:
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(FLOW)
    return Engine(load_catalog(tmp_path))


def ask(outcome: object) -> str:
    assert isinstance(outcome, NextQuestion), outcome
    assert outcome.question.id is not None
    return outcome.question.id


def test_start_shows_info_then_first_question(test_engine: Engine) -> None:
    """Starting passes through the intro and rests on the first question, 'vraag 1 van 6': the
    total counts the longest path still possible (through 'waarom')."""
    conversation, outcome = test_engine.start("t.s1.werkgroep")
    assert ask(outcome) == "opgave"
    assert isinstance(outcome, NextQuestion)
    assert [step.text for step in outcome.preamble] == ["Welkom."]
    assert (outcome.position, outcome.total) == (1, 6)
    assert conversation.state == "opgave"


def test_text_answer_is_cleaned_and_recorded(test_engine: Engine) -> None:
    """Typed text loses control and zero-width characters and is recorded for storage."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    outcome = test_engine.advance(conversation, Reply("  Armoede\u200b\x07 "))
    assert ask(outcome) == "urgentie"
    assert isinstance(outcome, NextQuestion) and outcome.recorded is not None
    assert outcome.recorded.value == "Armoede"
    assert conversation.answers["opgave"] == "Armoede"


@pytest.mark.parametrize(
    ("given", "reason"),
    [(Reply("   "), "empty"), (Reply("x" * 21), "too_long"), (Pick("hoog"), "type_answer")],
)
def test_invalid_text_input_keeps_the_question(
    test_engine: Engine, given: object, reason: str
) -> None:
    """Empty, too long or a tapped option on a text question is refused with a reason."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    outcome = test_engine.advance(conversation, given)  # type: ignore[arg-type]
    assert isinstance(outcome, Invalid) and outcome.reason == reason
    assert conversation.state == "opgave" and conversation.answers == {}


def test_choice_accepts_tap_label_or_number_and_branches(test_engine: Engine) -> None:
    """A choice takes a tap, its label or its number; 'laag' branches to the follow-up."""
    for given in (Pick("laag"), Reply("niet urgent"), Reply("2")):
        conversation, _ = test_engine.start("t.s1.werkgroep")
        test_engine.advance(conversation, Reply("x"))
        assert ask(test_engine.advance(conversation, given)) == "waarom"
    conversation, _ = test_engine.start("t.s1.werkgroep")
    test_engine.advance(conversation, Reply("x"))
    assert ask(test_engine.advance(conversation, Pick("hoog"))) == "partners"


def test_choice_refuses_unknown_option(test_engine: Engine) -> None:
    """A forged option value or unmatched text is refused and nothing is stored."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    test_engine.advance(conversation, Reply("x"))
    assert isinstance(test_engine.advance(conversation, Pick("forged")), Invalid)
    outcome = test_engine.advance(conversation, Reply("misschien"))
    assert isinstance(outcome, Invalid) and outcome.reason == "choose_option"
    assert "urgentie" not in conversation.answers


def _to_partners(test_engine: Engine) -> Conversation:
    conversation, _ = test_engine.start("t.s1.werkgroep")
    test_engine.advance(conversation, Reply("x"))
    test_engine.advance(conversation, Pick("hoog"))
    return conversation


def test_multi_choice_toggles_then_confirms_in_option_order(test_engine: Engine) -> None:
    """Taps toggle options (shown as selected); Done stores them in the flow's option order."""
    conversation = _to_partners(test_engine)
    outcome = test_engine.advance(conversation, Pick("ggd"))
    assert isinstance(outcome, NextQuestion) and outcome.selected == ("ggd",)
    test_engine.advance(conversation, Pick("school"))
    test_engine.advance(conversation, Pick("school"))
    test_engine.advance(conversation, Pick("gemeente"))
    assert ask(test_engine.advance(conversation, Done())) == "cijfer"
    assert conversation.answers["partners"] == ["gemeente", "ggd"]


def test_multi_choice_limits(test_engine: Engine) -> None:
    """Done with nothing selected and a third pick beyond max_choices are refused."""
    conversation = _to_partners(test_engine)
    outcome = test_engine.advance(conversation, Done())
    assert isinstance(outcome, Invalid) and outcome.reason == "too_few"
    test_engine.advance(conversation, Pick("ggd"))
    test_engine.advance(conversation, Pick("school"))
    outcome = test_engine.advance(conversation, Pick("gemeente"))
    assert isinstance(outcome, Invalid) and outcome.params == {"max": 2}
    assert ask(test_engine.advance(conversation, Reply("1, GGD"))) == "cijfer"
    assert conversation.answers["partners"] == ["gemeente", "ggd"]


def test_scale_accepts_range_only(test_engine: Engine) -> None:
    """A scale stores an integer inside its range and refuses anything else."""
    conversation = _to_partners(test_engine)
    test_engine.advance(conversation, Reply("school"))
    for bad in ("0", "6", "vier", "-1"):
        outcome = test_engine.advance(conversation, Reply(bad))
        assert isinstance(outcome, Invalid) and outcome.params == {"min": 1, "max": 5}
    assert ask(test_engine.advance(conversation, Pick("4"))) == "klaar"
    assert conversation.answers["cijfer"] == 4


def test_yes_no_required_and_finish(test_engine: Engine) -> None:
    """A required yes/no cannot be skipped; 'Ja' finishes with the closing info."""
    conversation = _to_partners(test_engine)
    test_engine.advance(conversation, Reply("ggd"))
    test_engine.advance(conversation, Reply("3"))
    outcome = test_engine.advance(conversation, Skip())
    assert isinstance(outcome, Invalid) and outcome.reason == "required"
    outcome = test_engine.advance(conversation, Reply("Ja!"))
    assert isinstance(outcome, Finished)
    assert [step.text for step in outcome.preamble] == ["Bedankt."]
    assert conversation.finished and conversation.answers["klaar"] == "ja"
    assert isinstance(test_engine.advance(conversation, Reply("nog iets")), Finished)


def test_skip_records_nothing_and_moves_on(test_engine: Engine) -> None:
    """Skipping an optional question records None and shows the next question."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    outcome = test_engine.advance(conversation, Skip())
    assert ask(outcome) == "urgentie"
    assert isinstance(outcome, NextQuestion) and outcome.recorded is not None
    assert outcome.recorded.value is None


def test_back_returns_along_the_taken_branch_and_withdraws(test_engine: Engine) -> None:
    """Back after a branch returns to the branching question and withdraws its answer."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    test_engine.advance(conversation, Reply("x"))
    test_engine.advance(conversation, Pick("laag"))
    outcome = test_engine.advance(conversation, Back())
    assert ask(outcome) == "urgentie"
    assert isinstance(outcome, NextQuestion)
    assert outcome.withdrawn == ("urgentie",) and outcome.previous == "laag"
    assert "urgentie" not in conversation.answers
    assert ask(test_engine.advance(conversation, Pick("hoog"))) == "partners"


def test_back_at_first_question_is_refused(test_engine: Engine) -> None:
    """There is nothing before the first question."""
    conversation, _ = test_engine.start("t.s1.werkgroep")
    outcome = test_engine.advance(conversation, Back())
    assert isinstance(outcome, Invalid) and outcome.reason == "no_previous"


def test_resume_from_stored_state(test_engine: Engine) -> None:
    """A conversation rebuilt from its stored state and data continues where it was."""
    conversation = _to_partners(test_engine)
    stored = (conversation.state, conversation.to_data())
    resumed = Conversation.from_data("t.s1.werkgroep", *stored)
    outcome = test_engine.current(resumed)
    assert ask(outcome) == "partners"
    assert isinstance(outcome, NextQuestion) and outcome.position == 3
    assert ask(test_engine.advance(resumed, Reply("ggd"))) == "cijfer"


def test_resume_after_flow_change_skips_answered_questions(test_engine: Engine) -> None:
    """A stored state the flow no longer has restarts at the first unanswered question."""
    resumed = Conversation.from_data(
        "t.s1.werkgroep",
        "removed-step",
        {"answers": {"opgave": "x", "urgentie": "hoog"}, "history": ["opgave", "urgentie"]},
    )
    assert ask(test_engine.current(resumed)) == "partners"
