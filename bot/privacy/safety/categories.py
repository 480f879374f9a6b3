"""The kinds of danger the detector tells apart, and the signal it returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

__all__ = ["CATEGORIES", "CrisisCategory", "CrisisSignal"]

CrisisCategory = Literal["suicide", "self_harm", "abuse", "sexual", "online_sexual", "unsafe_home"]

# Also the order of urgency: a signal's primary category is the first of these it has, and the
# help reply leads with the line for it.
CATEGORIES: tuple[CrisisCategory, ...] = (
    "suicide",
    "self_harm",
    "sexual",
    "online_sexual",
    "abuse",
    "unsafe_home",
)


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    """Which kinds of danger a text mentions. Never holds the text itself."""

    categories: frozenset[CrisisCategory]
    primary: CrisisCategory

    def __post_init__(self) -> None:
        if self.primary not in self.categories:
            raise ValueError(f"primary {self.primary!r} is not one of the signal's categories")

    @classmethod
    def of(cls, categories: Iterable[str]) -> CrisisSignal:
        """The signal for ``categories``; the most urgent one is primary."""
        found = frozenset(cast(CrisisCategory, c) for c in categories)
        unknown = found - set(CATEGORIES)
        if not found or unknown:
            raise ValueError(f"expected known crisis categories, got {sorted(found)}")
        primary = next(c for c in CATEGORIES if c in found)
        return cls(found, primary)
