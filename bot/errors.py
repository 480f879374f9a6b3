"""Exceptions of the ``bot`` package.

    SamenspraakError
    ├── ConfigError        a setting is missing or invalid; start-up stops with its message
    └── FlowError          a flow file is broken; start-up and ``flows check`` stop with it

User mistakes (a wrong answer, an unknown command) are values returned by the engine, not
exceptions.
"""

from __future__ import annotations


class SamenspraakError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(SamenspraakError):
    """A configuration mistake; the message names the setting and the fix."""


class FlowError(SamenspraakError):
    """One or more problems in flow files; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
