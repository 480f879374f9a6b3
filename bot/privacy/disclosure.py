"""Statistical disclosure control for every count, table, quote and export shown to people.

Rules (see the privacy guide), all pure functions:

* **Minimum group size k** (default 10, never below 5, :func:`validate_k`).
* **Primary suppression.** A count of 1 to k-1 is hidden and shown as "te weinig antwoorden".
  A count of 0 is shown: it points at nobody. The exception is a breakdown that rests on
  fewer than k respondents: when the total of a table, or the row or column total a cell
  belongs to, is 1 to k-1, every cell of it is hidden, zeros too, because "0 of the 3 chose A"
  tells what the 3 chose. A row or column whose total is 0 stays visible: it is empty, and the
  shown total says so anyway.
* **Secondary suppression.** Shown totals must not reveal a hidden cell. In every row and column
  (and the 1-D list) whose total is shown, the hidden cells are none, or at least two that
  together hold at least k respondents: the reader then only learns that a group of at least
  k is split somehow. In 2-D tables rows and columns constrain each other, so "two per line"
  is not enough: a hidden cell is only safe when it lies on a cycle of hidden cells (row,
  column, row, …) along which the counts can shift by one without going below zero; otherwise
  the totals pin it down. :func:`suppress_2d` checks every hidden cell that way and closes each
  gap with the cheapest extra cells (smallest counts; a zero only when nothing else will do).
  A cell hidden for protection gets the same reason as a small one, so a reader cannot tell
  which of the two was small.
* **At most two dimensions** per breakdown (:func:`check_dimensions`).
* **No differencing over time.** :func:`should_release` says whether new figures may replace the
  last released ones. The summary layer stores the figures it last released per segment and
  shows those, byte for byte, until ``should_release`` allows a new release: asking twice with
  one new respondent in between gives the same output, so nobody can subtract one summary from
  the next to learn one person's answers.
* **Quotes** need at least 2k respondents, come in random order, are redacted once more, leave
  out disclosures of danger and carry no timestamps (:func:`select_quotes`).

Exceptions: :class:`~bot.privacy.errors.DisclosureError` for a breakdown that may not be made;
``ValueError`` for a k below 5 or a negative count (programming or configuration mistakes).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NewType

from bot.i18n import N_
from bot.privacy.crisis import detect_crisis
from bot.privacy.errors import DisclosureError
from bot.privacy.redact import redact

__all__ = [
    "MAX_DIMENSIONS",
    "MIN_K",
    "OTHER_ANSWERS",
    "PROTECTED_REASON",
    "SUPPRESSED_REASON",
    "Cell",
    "DisclosureError",
    "MinGroupSize",
    "Table2D",
    "check_dimensions",
    "coordinator_count",
    "merge_small",
    "select_quotes",
    "should_release",
    "suppress_1d",
    "suppress_1d_explained",
    "suppress_2d",
    "total_cell",
    "validate_k",
]

MIN_K = 5
MAX_DIMENSIONS = 2
SUPPRESSED_REASON = N_("te weinig antwoorden")
PROTECTED_REASON = N_("verborgen om een kleine groep te beschermen")
OTHER_ANSWERS = "_andere"  # no option value can start with "_"
"""Key of the merged row of small options ("andere antwoorden")."""

MinGroupSize = NewType("MinGroupSize", int)
"""A k that passed :func:`validate_k`."""


def _identity(text: str) -> str:
    return text


def validate_k(k: int) -> MinGroupSize:
    """Return ``k`` if it is an allowed minimum group size; refuse anything below 5."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"the minimum group size must be a whole number, not {k!r}")
    if k < MIN_K:
        raise ValueError(
            f"the minimum group size k must be at least {MIN_K} (got {k}); smaller groups can "
            "be recognised (SAMENSPRAAK_MIN_GROUP_SIZE)"
        )
    return MinGroupSize(k)


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure as it may be shown: a count, or nothing and the reason."""

    count: int | None
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @classmethod
    def shown(cls, count: int) -> Cell:
        return cls(count=count)

    @classmethod
    def hidden(cls, reason: str = SUPPRESSED_REASON) -> Cell:
        return cls(count=None, reason=reason)


def total_cell(n: int, k: int) -> Cell:
    """A respondent count: shown when 0 or at least k, else suppressed."""
    validate_k(k)
    _check_count(n)
    return Cell.shown(n) if n == 0 or n >= k else Cell.hidden()


def check_dimensions(dims: Sequence[str]) -> None:
    """Refuse a breakdown by more than two dimensions (e.g. audience × age band × school)."""
    if len(dims) > MAX_DIMENSIONS:
        raise DisclosureError(
            f"a breakdown may use at most {MAX_DIMENSIONS} dimensions, not {len(dims)} "
            f"({', '.join(dims)}): more dimensions make groups small enough to recognise people"
        )


def should_release(current_n: int, released_n: int | None, k: int) -> bool:
    """May figures for ``current_n`` respondents replace those released for ``released_n``?

    Yes when nothing was released yet, when the last release rested on fewer than k
    respondents (then everything in it was suppressed, so there is nothing to subtract), or
    when at least k respondents were added or removed since. Otherwise the caller shows the
    stored release again.
    """
    validate_k(k)
    _check_count(current_n)
    if released_n is None:
        return True
    _check_count(released_n)
    return released_n < k or abs(current_n - released_n) >= k


def select_quotes(
    quotes: Sequence[str],
    respondents: int,
    k: int,
    rng: random.Random,
    limit: int = 5,
    *,
    may_show: Callable[[str], bool] | None = None,
) -> list[str]:
    """Pick up to ``limit`` quotes in random order, or none when fewer than 2k responded.

    Quotes are redacted again (they were redacted before storage; rules improve) and quotes
    that carry a crisis signal are left out: their number is reported, never their words,
    since a disclosure is the kind of text that makes a young person recognisable. Pass plain
    text only: no timestamps or ids, so nothing ties a quote to a moment or a person.
    ``may_show`` is a further rule a quote must pass (the summary's
    :func:`~bot.summary.quotes.quote_may_be_shown`).

    The distinct texts are checked one at a time in a random order, and checking stops once
    ``limit`` quotes passed: a uniformly random choice of the usable quotes, in random order,
    that redacts only about as many texts as it shows (redaction is the costly part).
    """
    validate_k(k)
    _check_count(respondents)
    if limit < 0:
        raise ValueError(f"limit must not be negative (got {limit})")
    if respondents < 2 * k:
        return []
    candidates = list(dict.fromkeys(quotes))
    chosen: list[str] = []
    for quote in rng.sample(candidates, len(candidates)):
        if len(chosen) >= limit:
            break
        if may_show is not None and not may_show(quote):
            continue
        cleaned = redact(quote).text.strip()
        if cleaned and cleaned not in chosen and detect_crisis(cleaned) is None:
            chosen.append(cleaned)
    return chosen


# --- 1-D ---------------------------------------------------------------------------------------


def suppress_1d(counts: Mapping[str, int], k: int) -> dict[str, Cell]:
    """Suppress a one-dimensional breakdown whose total (the sum) is assumed to be shown.

    Treating the sum as known is the safe side: for a single-choice question it equals the
    respondent count, which the summary shows anyway (use :func:`total_cell` for it).
    """
    validate_k(k)
    for value in counts.values():
        _check_count(value)
    labels = list(counts)
    total = sum(counts.values())
    if 0 < total < k:
        return {label: Cell.hidden() for label in labels}
    hidden = {label for label in labels if 0 < counts[label] < k}
    while hidden and (len(hidden) < 2 or sum(counts[label] for label in hidden) < k):
        candidates = [label for label in labels if label not in hidden]
        if not candidates:
            break
        # The smallest non-zero count costs least; a zero adds nothing to the hidden mass.
        hidden.add(min(candidates, key=lambda label: (counts[label] == 0, counts[label])))
    return {
        label: Cell.hidden() if label in hidden else Cell.shown(counts[label]) for label in labels
    }


def suppress_1d_explained(counts: Mapping[str, int], k: int) -> dict[str, Cell]:
    """:func:`suppress_1d`, saying which hidden cells only protect a small one.

    The same cells are hidden as by :func:`suppress_1d`; a cell hidden for protection gets
    :data:`PROTECTED_REASON`. Telling the two kinds apart tells the reader more: a small
    cell holds 1 to k-1, a protecting one 0 or at least k. With one small cell of 1, one
    protecting cell of 10 and a total of 11 at k=10, that pins both down. So the labels are
    checked against what they reveal (:func:`_labelled_determined`); when they would pin a
    cell down, every hidden cell gets the one reason "te weinig antwoorden", exactly as
    :func:`suppress_1d` does. Two hidden cells with that reason can then be two small ones
    or such a pair, so the fallback itself gives nothing away.
    """
    cells = suppress_1d(counts, k)
    total = sum(counts.values())
    if 0 < total < k:
        return cells
    small = {label for label, value in counts.items() if 0 < value < k}
    hidden = {label for label, cell in cells.items() if cell.suppressed}
    if not hidden or hidden <= small or _labelled_determined(counts, small, hidden, k):
        return cells
    return {
        label: Cell.hidden(PROTECTED_REASON) if label in hidden - small else cell
        for label, cell in cells.items()
    }


def _labelled_determined(
    counts: Mapping[str, int], small: set[str], hidden: set[str], k: int
) -> bool:
    """Can a reader pin down a hidden cell, knowing the hidden total and each cell's label?

    Small cells lie in 1..k-1, protecting cells are 0 or at least k (every count of 1..k-1 is
    hidden as small). A cell is pinned down when only one of its values lets the others make
    up the rest of the hidden total.
    """
    mass = sum(counts[label] for label in hidden)
    labels = sorted(hidden)
    for label in labels:
        others_small = sum(1 for other in labels if other != label and other in small)
        others_guard = sum(1 for other in labels if other != label and other not in small)

        def others_can_make(
            rest: int, n_small: int = others_small, n_guard: int = others_guard
        ) -> bool:
            if rest < n_small:
                return False
            if rest <= n_small * (k - 1):
                return True
            # Beyond what the small ones can hold, guards must add 0 or ≥ k.
            return n_guard > 0 and rest >= n_small + k

        domain = range(1, k) if label in small else [0, *range(k, mass + 1)]
        possible = [value for value in domain if value <= mass and others_can_make(mass - value)]
        if len(possible) <= 1:
            return True
    return False


def merge_small(
    counts: Mapping[str, int], k: int, *, scale: bool
) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Merge what can be merged without losing meaning, before suppression.

    Only for answers that count each respondent once (a scale, a single choice). A scale is
    split into neighbouring groups: low / middle / high (1–2, 3, 4–5) or low / high, whichever
    leaves the fewest small groups, the finest split first. On a list of options, the small
    options (then the next smallest, until the group holds k) become "andere antwoorden", as
    long as one option with answers stays apart. Nothing is merged when nothing would be
    hidden. Returns the merged counts and, per merged key, the keys it holds.

    Merging shows a coarser table of the same answers instead of the fine one (never both),
    so the suppression that follows keeps all its guarantees.
    """
    validate_k(k)
    for value in counts.values():
        _check_count(value)
    if not any(0 < value < k for value in counts.values()):
        return dict(counts), {}
    keys = list(counts)
    if scale:
        return _merge_scale(keys, counts, k)
    group = sorted((key for key in keys if 0 < counts[key] < k), key=lambda key: counts[key])
    rest = sorted(
        (key for key in keys if counts[key] >= k), key=lambda key: (counts[key], keys.index(key))
    )
    while sum(counts[key] for key in group) < k and len(rest) > 1:
        group.append(rest.pop(0))
    if len(group) < 2 or not rest:
        return dict(counts), {}
    merged = {key: counts[key] for key in keys if key not in group}
    merged[OTHER_ANSWERS] = sum(counts[key] for key in group)
    return merged, {OTHER_ANSWERS: tuple(key for key in keys if key in group)}


def _merge_scale(
    keys: list[str], counts: Mapping[str, int], k: int
) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    n = len(keys)
    splits: list[list[list[str]]] = [[[key] for key in keys]]
    if n >= 5:
        # Equal ends around a middle: 5 points → 2 / 1 / 2, 7 → 2 / 3 / 2, 11 → 4 / 3 / 4.
        edge = n // 3 + (n % 3 == 2)
        splits.append([keys[:edge], keys[edge : n - edge], keys[n - edge :]])
    splits += [[keys[:cut], keys[cut:]] for cut in range(1, n)]

    def total(group: list[str]) -> int:
        return sum(counts[key] for key in group)

    def cost(split: list[list[str]]) -> tuple[int, int, int]:
        small = sum(1 for group in split if 0 < total(group) < k)
        return small, -len(split), -min(total(group) for group in split)

    best = min(splits, key=cost)
    merged: dict[str, int] = {}
    members: dict[str, tuple[str, ...]] = {}
    for group in best:
        key = group[0] if len(group) == 1 else f"{group[0]}–{group[-1]}"
        merged[key] = total(group)
        if len(group) > 1:
            members[key] = tuple(group)
    return merged, members


def coordinator_count(n: int, k: int, gettext: Callable[[str], str] = _identity) -> str:
    """A participant count as a coordinator may see it anywhere (chat, CLI, reminders).

    Below k: "minder dan k". From k on: rounded down to a multiple of k ("20 of meer"). The
    shown figure only changes when a multiple of k is crossed, so two looks at it differ by at
    least k people or not at all: subtracting them never isolates one person's arrival, and the
    counts behind the summary are released by the same k-step rule. No state is needed, so the
    chat, the CLI and the reminders give the same answer for the same n.
    """
    validate_k(k)
    _check_count(n)
    # Zero too: "nog niemand" turning into "minder dan 10" would time the first arrival.
    if n < k:
        return gettext(N_("minder dan %(k)s")) % {"k": k}
    return gettext(N_("%(n)s of meer")) % {"n": n - n % k}


# --- 2-D ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table2D:
    """A suppressed two-way table with row, column and grand totals."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[tuple[str, str], Cell]
    row_totals: Mapping[str, Cell]
    column_totals: Mapping[str, Cell]
    total: Cell

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]


def suppress_2d(
    counts: Mapping[tuple[str, str], int],
    k: int,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> Table2D:
    """Suppress a two-way table (missing combinations count 0) and its totals.

    ``rows`` and ``columns`` fix the order and may add empty rows or columns; by default they
    are taken from ``counts`` in order of first appearance.
    """
    validate_k(k)
    for value in counts.values():
        _check_count(value)
    row_labels = tuple(rows) if rows is not None else tuple(dict.fromkeys(r for r, _ in counts))
    col_labels = (
        tuple(columns) if columns is not None else tuple(dict.fromkeys(c for _, c in counts))
    )
    unknown = [key for key in counts if key[0] not in row_labels or key[1] not in col_labels]
    if unknown:
        raise ValueError(f"counts for unknown rows or columns: {unknown[:3]}")

    grid = _extended_grid(counts, row_labels, col_labels)
    hidden = _protect(grid, k)
    m, n = len(row_labels), len(col_labels)

    def cell(i: int, j: int) -> Cell:
        return Cell.hidden() if (i, j) in hidden else Cell.shown(grid[i][j])

    return Table2D(
        rows=row_labels,
        columns=col_labels,
        cells={
            (r, c): cell(i, j) for i, r in enumerate(row_labels) for j, c in enumerate(col_labels)
        },
        row_totals={r: cell(i, n) for i, r in enumerate(row_labels)},
        column_totals={c: cell(m, j) for j, c in enumerate(col_labels)},
        total=cell(m, n),
    )


Position = tuple[int, int]


def _extended_grid(
    counts: Mapping[tuple[str, str], int], rows: Sequence[str], cols: Sequence[str]
) -> list[list[int]]:
    """The table plus a totals column (index n) and a totals row (index m)."""
    grid = [[counts.get((r, c), 0) for c in cols] for r in rows]
    for line in grid:
        line.append(sum(line))
    grid.append([sum(line[j] for line in grid) for j in range(len(cols) + 1)])
    return grid


def _lines(m: int, n: int) -> list[tuple[list[Position], Position]]:
    """Every row and column of the extended grid as (inner cells, total cell).

    In the extended grid each line's inner cells add up to its last cell, also in the totals
    row and column (the row totals add up to the grand total).
    """
    lines = [([(i, j) for j in range(n)], (i, n)) for i in range(m + 1)]
    lines += [([(i, j) for i in range(m)], (m, j)) for j in range(n + 1)]
    return lines


def _protect(grid: list[list[int]], k: int) -> set[Position]:
    m, n = len(grid) - 1, len(grid[0]) - 1
    everything = {(i, j) for i in range(m + 1) for j in range(n + 1)}
    grand = grid[m][n]
    if 0 < grand < k:
        return everything

    def small(value: int) -> bool:
        return 0 < value < k

    hidden: set[Position] = set()
    for i, j in everything:
        value = grid[i][j]
        if small(value):
            hidden.add((i, j))
        elif value == 0 and i < m and j < n:
            row_total, col_total = grid[i][n], grid[m][j]
            # A zero in a small group says what the others chose; in an empty row it says nothing.
            if row_total and col_total and (small(row_total) or small(col_total)):
                hidden.add((i, j))

    lines = _lines(m, n)
    while True:
        if _enforce_line_rules(grid, hidden, lines, k):
            continue
        exposed = _first_determined(grid, hidden)
        if exposed is None:
            return hidden
        found = _movable_cycle(grid, hidden, exposed, allow_shown=True)
        if found is None:
            # No set of extra cells can make this value uncertain; hide the whole table.
            return everything
        hidden |= found[1]


def _enforce_line_rules(
    grid: list[list[int]],
    hidden: set[Position],
    lines: list[tuple[list[Position], Position]],
    k: int,
) -> bool:
    """Hide one more cell in the first line whose shown total exposes its hidden cells."""
    for inner, total in lines:
        if total in hidden:
            continue
        hidden_inner = [p for p in inner if p in hidden]
        if not hidden_inner:
            continue
        mass = sum(grid[i][j] for i, j in hidden_inner)
        if len(hidden_inner) >= 2 and mass >= k:
            continue
        candidates = [p for p in inner if p not in hidden]
        if candidates:
            hidden.add(min(candidates, key=lambda p: (grid[p[0]][p[1]] == 0, grid[p[0]][p[1]], p)))
        else:
            hidden.add(total)
        return True
    return False


def _first_determined(grid: list[list[int]], hidden: set[Position]) -> Position | None:
    """A hidden cell whose value follows from what is shown, or None."""
    for position in sorted(hidden):
        if _movable_cycle(grid, hidden, position, allow_shown=False) is None:
            return position
    return None


def _movable_cycle(
    grid: list[list[int]], hidden: set[Position], target: Position, allow_shown: bool
) -> tuple[int, set[Position]] | None:
    """The cheapest way to make ``target`` uncertain: (cost, shown cells to hide), or None.

    In the extended grid every row and column adds up to its last cell. Adding 1 and taking 1
    alternately along a cycle of cells (row, column, row, …) keeps every total, so a reader
    who sees the totals cannot tell the two fillings apart, provided no count drops below 0.
    Conversely, if another filling exists at all, such a cycle exists (a difference of two
    fillings splits into cycles). So ``target`` is uncertain exactly when it lies on a cycle of
    hidden cells that can move by one in some direction.

    With ``allow_shown`` the cycle may also run through shown cells; the cost is their total
    count (hiding a zero costs more than the whole table: it barely protects).
    """
    options = []
    for direction in (1, -1):
        if _can_move(grid, target, direction):
            found = _alternating_path(grid, hidden, target, direction, allow_shown)
            if found is not None:
                options.append(found)
    return min(options, key=lambda option: (option[0], sorted(option[1])), default=None)


def _can_move(grid: list[list[int]], position: Position, step: int) -> bool:
    """Can this cell take ``step`` in the cycle without a count dropping below 0?

    A total sits on the other side of its line's equation, so it moves the opposite way of
    the cells it sums (the grand total sums totals, so it moves the same way again).
    """
    m, n = len(grid) - 1, len(grid[0]) - 1
    i, j = position
    sign = -1 if (i == m) != (j == n) else 1
    return sign * step > 0 or grid[i][j] >= 1


def _alternating_path(
    grid: list[list[int]],
    hidden: set[Position],
    target: Position,
    direction: int,
    allow_shown: bool,
) -> tuple[int, set[Position]] | None:
    """Dijkstra from the target's column back to its row, alternating -step and +step."""
    m, n = len(grid) - 1, len(grid[0]) - 1
    zero_cost = grid[m][n] + 1
    start: tuple[str, int] = ("c", target[1])
    goal: tuple[str, int] = ("r", target[0])
    best: dict[tuple[str, int], int] = {start: 0}
    previous: dict[tuple[str, int], tuple[tuple[str, int], Position]] = {}
    queue: list[tuple[int, tuple[str, int]]] = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best[node]:
            continue
        kind, index = node
        # Leaving a column the cycle takes a step against the target, leaving a row with it.
        if kind == "c":
            step = -direction
            moves = [(("r", i), (i, index)) for i in range(m + 1)]
        else:
            step = direction
            moves = [(("c", j), (index, j)) for j in range(n + 1)]
        for other, position in moves:
            if position == target or not _can_move(grid, position, step):
                continue
            value = grid[position[0]][position[1]]
            if position in hidden:
                price = 0
            elif allow_shown:
                price = value or zero_cost
            else:
                continue
            if cost + price < best.get(other, cost + price + 1):
                best[other] = cost + price
                previous[other] = (node, position)
                heapq.heappush(queue, (cost + price, other))
    if goal not in best:
        return None
    added: set[Position] = set()
    node = goal
    while node != start:
        node, position = previous[node]
        if position not in hidden:
            added.add(position)
    return best[goal], added


def _check_count(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count must be a whole number of at least 0, not {value!r}")
