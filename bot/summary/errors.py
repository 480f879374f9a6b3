"""Exceptions of :mod:`bot.summary` (the tree is drawn in the package docstring)."""

from __future__ import annotations

from bot.errors import SamenspraakError


class SummaryError(SamenspraakError):
    """A summary, plan or export cannot be made as asked."""


class UnknownWerkgroep(SummaryError):
    """No werkgroep has this id."""

    def __init__(self, werkgroep_id: str) -> None:
        self.werkgroep_id = werkgroep_id
        super().__init__(f"unknown werkgroep {werkgroep_id!r}")


class UnknownStep(SummaryError):
    """The werkgroep's plan template has no such step (and no campaign uses it)."""

    def __init__(self, step_key: str, known: list[str]) -> None:
        self.step_key = step_key
        self.known = known
        super().__init__(f"unknown step {step_key!r}; use one of: {', '.join(known) or '(none)'}")
