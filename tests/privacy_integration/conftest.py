"""The real-bot harness of tests/e2e, for attacks that need the whole bot."""

from tests.e2e.conftest import harness

__all__ = ["harness"]
