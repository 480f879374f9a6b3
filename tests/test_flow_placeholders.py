"""Placeholders in flows (issue 18 item 19): a question may say {regelingen} only when the flow
declares it with a default text; info text and unknown placeholders are refused."""

from __future__ import annotations

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
