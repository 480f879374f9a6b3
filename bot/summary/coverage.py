"""How much of a summary disclosure control hides: the share of figure cells suppressed.

Counted over every figure a reader sees: participants, their split and labels, the crisis
count, and per question the respondents and each row. Used by the summary benchmark and the
tests of the target "at most a quarter hidden" (#17.3).
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.privacy.disclosure import Cell
from bot.summary.model import Summary

__all__ = ["cells_of", "hidden_share"]


def cells_of(summary: Summary) -> Iterator[Cell]:
    for step in summary.steps:
        for round_ in step.rounds:
            for audience in round_.audiences:
                yield audience.participants
                yield audience.completed
                yield audience.partial
                yield audience.crisis
                yield from (cell for _, cell in audience.labels)
                for question in audience.questions:
                    if question.routing:
                        continue  # not shown in the report
                    yield question.respondents
                    yield from (row.cell for row in question.rows)


def hidden_share(summary: Summary) -> float:
    """Hidden cells / all cells (0.0 for a summary without figures)."""
    cells = list(cells_of(summary))
    return sum(cell.suppressed for cell in cells) / len(cells) if cells else 0.0
