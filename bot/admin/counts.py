"""Response counts of campaigns as a coordinator may see them (issue 15, item 6).

``/campagnes``, ``samenspraak campagne list``, ``werkgroep show`` and the message after closing
a campaign all show how many people started and finished a campaign. A raw count tells a
coordinator the moment one new person answered ("4 begonnen" becomes "5 begonnen"), which the
summary's release gate exists to hide. So these counts follow the same two rules as every
figure of the summary:

* **Release gate.** The figures of a campaign are released, stored in ``summary_releases``
  (scope ``counts:<campaign id>``), and shown again unchanged until the number of people who
  started or the number who finished moved by at least k since that release. The first look
  releases what is there.
* **Shown coarsely.** A released figure is shown through
  :func:`bot.privacy.disclosure.coordinator_count`: "minder dan 10" below k, else rounded down
  to a multiple of k ("20 of meer").

What leaves this module is the shown figure as a number: the released count rounded down to
a multiple of k, 0 when fewer than k (:class:`ShownCounts`). Edges format it with
``coordinator_count`` and the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.privacy.disclosure import validate_k
from storage import Session
from storage import summary as releases

__all__ = ["COUNTS_SCOPE", "Counts", "ShownCounts", "gated", "release", "shown_counts"]

COUNTS_SCOPE = "counts:"
PAYLOAD_VERSION = 1


@dataclass(frozen=True, slots=True)
class Counts:
    """People who started and who finished a campaign."""

    participants: int
    completed: int


@dataclass(frozen=True, slots=True)
class ShownCounts:
    """Released counts rounded down to a multiple of k (0: fewer than k), and that k."""

    participants: int
    completed: int
    k: int


def release(current: Counts, previous: Mapping[str, Any] | None, k: int) -> dict[str, Any] | None:
    """The new release for ``current``, or None when the last one must be shown again.

    A release moves only when the started or the finished count changed by at least k since
    it was made. A change of k does not open the gate: across it the larger k counts.
    """
    validate_k(k)
    if previous is not None and previous.get("v") == PAYLOAD_VERSION:
        gate_k = max(k, int(previous.get("k") or k))
        moved = max(
            abs(current.participants - int(previous["participants"])),
            abs(current.completed - int(previous["completed"])),
        )
        if moved < gate_k:
            return None
    return {
        "v": PAYLOAD_VERSION,
        "participants": current.participants,
        "completed": current.completed,
        "k": k,
    }


def gated(payload: Mapping[str, Any], k: int) -> ShownCounts:
    """What a release shows under ``k``: each count rounded down to a multiple of k."""
    validate_k(k)

    def coarse(n: int) -> int:
        return 0 if n < k else n - n % k

    return ShownCounts(coarse(int(payload["participants"])), coarse(int(payload["completed"])), k)


async def shown_counts(
    session: Session, campaigns: Sequence[tuple[str, str, Counts]], k: int
) -> dict[str, ShownCounts]:
    """Per campaign id (given as ``(campaign id, werkgroep id, counts)``): what may be shown.

    Stores a new release where the gate opens; the caller commits.
    """
    by_werkgroep: dict[str, list[tuple[str, Counts]]] = defaultdict(list)
    for campaign_id, werkgroep_id, counts in campaigns:
        by_werkgroep[werkgroep_id].append((campaign_id, counts))
    result: dict[str, ShownCounts] = {}
    for werkgroep_id, items in by_werkgroep.items():
        scopes = {campaign_id: COUNTS_SCOPE + campaign_id for campaign_id, _ in items}
        stored = await releases.load_releases(session, werkgroep_id, list(scopes.values()))
        for campaign_id, counts in items:
            previous = stored.get(scopes[campaign_id])
            payload = release(counts, previous, k)
            if payload is not None:
                await releases.save_release(
                    session, werkgroep_id, scopes[campaign_id], counts.participants, payload
                )
            else:
                assert previous is not None  # release() only keeps an existing release
                payload = dict(previous)
            result[campaign_id] = gated(payload, k)
    return result
