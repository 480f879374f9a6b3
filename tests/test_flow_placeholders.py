"""Placeholders in flows (issue 18 item 19): a question may say {regelingen} only when the flow
declares it with a default text; info text and unknown placeholders are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.engine.schema import Flow, fill_placeholders


def _flow(steps: list[dict[str, Any]], placeholders: dict[str, str] | None = None) -> Any:
    data: dict[str, Any] = {
        "kind": "flow",
        "id": "proef.stap-1.jongeren",
        "title": "Proef",
        "audience": "jongeren",
        "plan": {"template": "proef", "step": "stap-1"},
        "steps": steps,
    }
    if placeholders is not None:
        data["placeholders"] = placeholders
    return Flow.model_validate(data)


QUESTION = {"kind": "text", "id": "helpt", "text": "Helpt het? Denk aan {regelingen}."}


def test_declared_placeholder_is_accepted_and_filled() -> None:
    """A declared placeholder validates; filling replaces it and leaves other braces alone."""
    flow = _flow([QUESTION], {"regelingen": "de regelingen"})
    assert flow.placeholders == {"regelingen": "de regelingen"}
    assert fill_placeholders(QUESTION["text"], {"regelingen": "Meedoenpas"}) == (
        "Helpt het? Denk aan Meedoenpas."
    )
    assert fill_placeholders("{anders} blijft", {"regelingen": "x"}) == "{anders} blijft"


def test_undeclared_placeholder_is_refused() -> None:
    with pytest.raises(ValidationError, match="declare it under placeholders"):
        _flow([QUESTION])


def test_unknown_placeholder_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown placeholder 'school'"):
        _flow([QUESTION], {"regelingen": "x", "school": "y"})


def test_info_text_cannot_use_a_placeholder() -> None:
    info = {"kind": "info", "text": "Er zijn {regelingen}."}
    with pytest.raises(ValidationError, match="only questions can use a placeholder"):
        _flow([info, QUESTION], {"regelingen": "x"})


def test_input_questions_need_discuss_input() -> None:
    """input_questions (what /vastleggen shows first) is only for the discussion question."""
    question = {"kind": "text", "id": "oordeel", "text": "Wat vinden we?", "input_questions": ["a"]}
    with pytest.raises(ValidationError, match="input_questions needs discuss_input"):
        _flow([question])


def test_shipped_input_questions_exist_in_the_steps_consultations() -> None:
    """Every input_questions id of a shipped werkgroep flow is a question of that step's
    jongeren or ouders flow."""
    from bot.engine.loader import load_catalog
    from bot.engine.schema import Audience
    from bot.summary.build import questions_of

    catalog = load_catalog(Path(__file__).resolve().parents[1] / "flows")
    checked = 0
    for flow in catalog.flows.values():
        if flow.flow.audience != Audience.WERKGROEP:
            continue
        plan = flow.flow.plan
        asked = {
            q.id
            for other in catalog.flows_for(plan.template, plan.step)
            if other.audience != Audience.WERKGROEP
            for q in questions_of(other)
        }
        named = [q for q in questions_of(flow.flow) if q.input_questions]
        checked += len(named)
        for question in named:
            assert set(question.input_questions) <= asked, (flow.flow.id, question.id)
    assert checked >= 5


def test_participant_questions_ask_one_thing() -> None:
    """No jongeren or ouders question tacks a second question on ("…? Of wat …?", "…?
    Beter of slechter …?", "kent u, of heeft u …"), and stap 6's comparison names its subject."""
    from bot.engine.loader import load_catalog
    from bot.engine.schema import Audience
    from bot.summary.build import questions_of

    catalog = load_catalog(Path(__file__).resolve().parents[1] / "flows")
    texts = {
        (loaded.flow.id, question.id): question.text
        for loaded in catalog.flows.values()
        if loaded.flow.audience != Audience.WERKGROEP
        for question in questions_of(loaded.flow)
    }
    for key, text in texts.items():
        assert "? Of " not in text and "? Beter of slechter" not in text, key
        assert ", of heeft u" not in text and ", of heb je" not in text, key
    assert texts[("armoede.stap-6.jongeren", "vergeleken")].startswith(
        "Kunnen jongeren met weinig geld nu beter of slechter meedoen"
    )
    assert "{regelingen}" in texts[("armoede.stap-6.ouders", "helpt")]
