"""Every shipped flow can be walked from start to finish, and every branch is taken."""

from __future__ import annotations

import random

from bot.engine import Catalog, Done, Engine, Finished, NextQuestion, Pick, Reply, Skip
from bot.engine.schema import (
    ChoiceStep,
    MultiChoiceStep,
    Question,
    ScaleStep,
    TextStep,
    YesNoStep,
    options_of,
)
from bot.engine.validate import step_ids

WALKS_PER_FLOW = 60


def _answers_for(question: Question, rng: random.Random) -> list[object]:
    """One generated input sequence answering ``question`` (possibly skipping it)."""
    if not question.required and rng.random() < 0.15:
        return [Skip()]
    if isinstance(question, TextStep):
        return [Reply(rng.choice(["Meer sportplekken.", "Geen idee", "Het gaat goed."]))]
    if isinstance(question, ScaleStep):
        return [Pick(str(rng.randint(question.min, question.max)))]
    if isinstance(question, MultiChoiceStep):
        values = [option.value for option in question.options]
        limit = question.max_choices or len(values)
        count = rng.randint(max(1, question.min_choices), max(1, min(limit, len(values))))
        return [*(Pick(value) for value in rng.sample(values, count)), Done()]
    assert isinstance(question, ChoiceStep | YesNoStep)
    return [Pick(rng.choice(options_of(question)).value)]


def _walk(engine: Engine, flow_id: str, rng: random.Random, taken: set[tuple[str, str]]) -> int:
    conversation, outcome = engine.start(flow_id)
    steps = 0
    while isinstance(outcome, NextQuestion):
        source = conversation.state
        for given in _answers_for(outcome.question, rng):
            outcome = engine.advance(conversation, given)  # type: ignore[arg-type]
        assert not hasattr(outcome, "reason"), (flow_id, source, outcome)
        taken.add((source, conversation.state))
        steps += 1
        assert steps < 200, f"{flow_id} does not finish"
    assert isinstance(outcome, Finished) and conversation.finished
    return steps


def _branch_edges(engine: Engine, flow_id: str) -> set[tuple[str, str]]:
    """(question, target) for every branch, with info steps in between passed through."""
    machine = engine.machines[flow_id]
    flow = machine.flow
    ids = step_ids(flow)
    edges = set()
    for index, step in enumerate(flow.steps):
        for branch in getattr(step, "branches", []):
            target = branch.goto
            while (
                target != "end" and getattr(flow.steps[machine.index[target]], "kind", "") == "info"
            ):
                target = (
                    machine.default_path_from(target)[0]
                    if machine.default_path_from(target)
                    else "end"
                )
            edges.add((ids[index], target))
    return edges


def test_every_flow_finishes_and_every_branch_is_taken(catalog: Catalog, engine: Engine) -> None:
    """Generated answers walk each flow to the end; across the walks each branch is taken."""
    assert len(catalog.flows) >= 20
    missing = {}
    for flow_id in sorted(catalog.flows):
        rng = random.Random(flow_id)
        taken: set[tuple[str, str]] = set()
        for _ in range(WALKS_PER_FLOW):
            _walk(engine, flow_id, rng, taken)
        not_taken = _branch_edges(engine, flow_id) - taken
        if not_taken:
            missing[flow_id] = sorted(not_taken)
    assert missing == {}


def test_consultations_share_question_ids_between_audiences(catalog: Catalog) -> None:
    """The jongeren and ouders variants of a step ask the same free-text questions by id."""
    pairs = 0
    for template in catalog.templates.values():
        for step in template.steps:
            jongeren = catalog.flow_for(template.id, step.key, "jongeren")
            ouders = catalog.flow_for(template.id, step.key, "ouders")
            if jongeren is None or ouders is None:
                continue
            pairs += 1

            def free_text(flow):  # type: ignore[no-untyped-def]
                return {s.id for s in flow.steps if isinstance(s, TextStep) and s.themes}

            assert free_text(jongeren) == free_text(ouders), (template.id, step.key)
            assert free_text(jongeren), (template.id, step.key)
    assert pairs >= 8
