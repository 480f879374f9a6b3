"""`flows check`: broken flows fail with the file, line, flow, step and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.engine import load_catalog
from bot.errors import FlowError

TEMPLATE = """kind: template
id: t
title: T
steps:
  - {key: s1, number: "1", title: Stap, doel: Doel, resultaat: Resultaat}
"""

HEAD = """kind: flow
id: t.s1.werkgroep
title: Test
audience: werkgroep
plan: {template: t, step: s1}
steps:
"""


def problems_for(tmp_path: Path, steps: str, head: str = HEAD) -> list[str]:
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(head + steps)
    with pytest.raises(FlowError) as caught:
        load_catalog(tmp_path)
    return caught.value.problems


def test_unknown_goto(tmp_path: Path) -> None:
    """A goto to a missing step names the file:line, flow, step and the valid targets."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: choice
    id: a
    text: A?
    options: [{value: x, label: X}, {value: y, label: Y}]
    branches:
      - if: {equals: x}
        goto: nergens
      - goto: end
""",
    )
    assert "flow.yaml:13" in problem
    assert "flow t.s1.werkgroep, step a" in problem
    assert "goto 'nergens' is not a step" in problem and "fix: use one of the step ids" in problem


def test_unreachable_step(tmp_path: Path) -> None:
    """A step no path leads to is reported with its line."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: text
    id: a
    text: A?
    next: end
  - kind: text
    id: b
    text: B?
""",
    )
    assert "flow.yaml:11" in problem and "step b" in problem and "unreachable" in problem


def test_duplicate_id(tmp_path: Path) -> None:
    """Two steps with one id are refused."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: text
    id: a
    text: A?
  - kind: text
    id: a
    text: B?
""",
    )
    assert "flow.yaml:11" in problem and "duplicate id 'a'" in problem


def test_unknown_field(tmp_path: Path) -> None:
    """A misspelt field is an error naming the field and its line, not silently ignored."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: text
    id: a
    text: A?
    tipps: [x]
""",
    )
    assert "flow.yaml:10" in problem and "steps.0.tipps" in problem and "step a" in problem
    assert "remove it or correct its spelling" in problem


def test_branch_without_fallback(tmp_path: Path) -> None:
    """Branches must end in a fallback for answers no condition matches."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: yes_no
    id: a
    text: A?
    branches:
      - if: {equals: ja}
        goto: b
  - kind: text
    id: b
    text: B?
""",
    )
    assert "branches without a fallback" in problem and "step a" in problem


def test_condition_value_must_be_an_option(tmp_path: Path) -> None:
    """A branch testing a value the question cannot have is refused."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: yes_no
    id: a
    text: A?
    branches:
      - if: {equals: misschien}
        goto: end
      - goto: end
""",
    )
    assert "'misschien' is not an option of 'a'" in problem


def test_unknown_template(tmp_path: Path) -> None:
    """A flow must belong to an existing template step."""
    head = HEAD.replace("step: s1", "step: s9")
    (problem,) = problems_for(tmp_path, "  - {kind: text, id: a, text: 'A?'}\n", head)
    assert "plan.step 's9' is not a step of t" in problem


def test_invalid_yaml(tmp_path: Path) -> None:
    """A YAML syntax error is reported with its line."""
    (problem,) = problems_for(tmp_path, "  - kind: text\n    id: [a\n")
    assert "flow.yaml:" in problem and "invalid YAML" in problem


def test_cli_check_exits_1_on_broken_flow(tmp_path: Path) -> None:
    """`samenspraak flows check PATH` prints the problems and exits 1."""
    (tmp_path / "_template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.yaml").write_text(HEAD + "  - {kind: text, id: a, text: 'A?', next: x}\n")
    result = CliRunner().invoke(app, ["flows", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "next 'x' is not a step of this flow" in result.output


def test_a_loop_without_exit(tmp_path: Path) -> None:
    """A step whose `next` points at itself can never finish: refused with a fix."""
    (problem,) = problems_for(
        tmp_path,
        """  - kind: text
    id: a
    text: A?
    next: a
""",
    )
    assert "step a" in problem and "can never finish" in problem
