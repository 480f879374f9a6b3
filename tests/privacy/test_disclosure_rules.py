"""Figures that hold: merging before suppressing, honest reasons, and counts for coordinators.

Each attack test plays the reader who knows the rules and subtracts what is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.privacy.disclosure import (
    OTHER_ANSWERS,
    PROTECTED_REASON,
    SUPPRESSED_REASON,
    Cell,
    coordinator_count,
    merge_small,
    suppress_1d,
    suppress_1d_explained,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _possible_values(
    cells: Mapping[str, Cell], counts: Mapping[str, int], k: int
) -> dict[str, set[int]]:
    """What a reader can still believe of each hidden cell, knowing the total and the reasons.

    "te weinig antwoorden" next to a "beschermen" cell means 1..k-1; a protecting cell is 0 or
    at least k; where every hidden cell has the same reason the reader only knows they are
    not negative (the model of tests/privacy/test_disclosure.py).
    """
    hidden = [label for label, cell in cells.items() if cell.suppressed]
    mass = sum(counts[label] for label in hidden)
    labelled = any(cells[label].reason == PROTECTED_REASON for label in hidden)

    def domain(label: str) -> set[int]:
        if not labelled:
            return set(range(mass + 1))
        if cells[label].reason == PROTECTED_REASON:
            return {0, *range(k, mass + 1)}
        return set(range(1, min(k, mass + 1)))

    domains = {label: domain(label) for label in hidden}
    possible: dict[str, set[int]] = {}
    for label in hidden:
        sums = {0}
        for other in hidden:
            if other != label:
                sums = {a + b for a in sums for b in domains[other] if a + b <= mass}
        possible[label] = {v for v in domains[label] if mass - v in sums}
    return possible


def test_a_cell_hidden_only_to_protect_says_so() -> None:
    """3 is too small; 12 is hidden only so the total cannot give the 3 away, and says so."""
    cells = suppress_1d_explained({"geld": 3, "school": 12, "thuis": 40}, 10)
    assert cells == {
        "geld": Cell.hidden(SUPPRESSED_REASON),
        "school": Cell.hidden(PROTECTED_REASON),
        "thuis": Cell(40),
    }
    assert PROTECTED_REASON == "verborgen om een kleine groep te beschermen"


def test_naming_the_protector_never_pins_down_the_small_cell() -> None:
    """Attack: 1 and 10 hidden, total 41 shown, k=10. Were the 10 labelled as protection, the
    reader would know the other is 1..9 and this one ≥ 10, so 1 + 10 = 11: both pinned down.
    The reasons stay the same for both, and neither value follows."""
    counts = {"a": 1, "b": 10, "c": 30}
    cells = suppress_1d_explained(counts, 10)
    assert cells["a"].reason == cells["b"].reason == SUPPRESSED_REASON
    assert cells["c"] == Cell(30)
    assert all(len(values) > 1 for values in _possible_values(cells, counts, 10).values())


@FAST
@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1, max_size=5),
    st.sampled_from([5, 10]),
)
def test_explained_hides_the_same_cells_and_pins_down_none(counts: dict[str, int], k: int) -> None:
    """The same cells as suppress_1d are hidden, and with the reasons shown no hidden cell has
    only one possible value."""
    explained = suppress_1d_explained(counts, k)
    plain = suppress_1d(counts, k)
    assert {key for key, c in explained.items() if c.suppressed} == {
        key for key, c in plain.items() if c.suppressed
    }
    if sum(counts.values()) >= k:
        for label, values in _possible_values(explained, counts, k).items():
            assert len(values) > 1, (label, counts, explained)


def test_scale_points_are_merged_with_their_neighbours() -> None:
    """2, 3, 10, 8, 7 on a 1–5 scale: four cells would be hidden; low/high hides none."""
    merged, members = merge_small({"1": 2, "2": 3, "3": 10, "4": 8, "5": 7}, 10, scale=True)
    assert merged == {"1–3": 15, "4–5": 15}
    assert members == {"1–3": ("1", "2", "3"), "4–5": ("4", "5")}
    # 1–2 / 3 / 4–5 would leave the middle (4) hidden: the most even low/high split wins.
    merged, _ = merge_small({"1": 12, "2": 3, "3": 4, "4": 3, "5": 15}, 10, scale=True)
    assert merged == {"1–3": 19, "4–5": 18}
    # A middle that holds k stays apart.
    merged, _ = merge_small({"1": 8, "2": 4, "3": 10, "4": 6, "5": 9}, 10, scale=True)
    assert merged == {"1–2": 12, "3": 10, "4–5": 15}


def test_small_options_become_andere_antwoorden() -> None:
    """3, 4 and 5 answers go together (12); the large option stays on its own."""
    merged, members = merge_small({"a": 3, "b": 4, "c": 5, "d": 30}, 10, scale=False)
    assert merged == {"d": 30, OTHER_ANSWERS: 12}
    assert members == {OTHER_ANSWERS: ("a", "b", "c")}
    # Nothing to hide: nothing merged. Everything in "andere": not merged either.
    assert merge_small({"a": 12, "b": 30}, 10, scale=False) == ({"a": 12, "b": 30}, {})
    assert merge_small({"a": 3, "b": 4}, 10, scale=False) == ({"a": 3, "b": 4}, {})


def test_merged_counts_add_up_to_the_same_respondents() -> None:
    """Merging never invents or loses an answer."""
    counts = {"a": 1, "b": 9, "c": 2, "d": 11, "e": 40}
    merged, _ = merge_small(counts, 10, scale=False)
    assert sum(merged.values()) == sum(counts.values())
    merged, _ = merge_small(counts, 10, scale=True)
    assert sum(merged.values()) == sum(counts.values())


def test_coordinator_count_below_k_and_in_steps_of_k() -> None:
    """Below k: "minder dan 10" (zero too); from k on: rounded down to a multiple of k."""
    assert [coordinator_count(n, 10) for n in (0, 1, 9)] == ["minder dan 10"] * 3
    assert coordinator_count(10, 10) == "10 of meer"
    assert coordinator_count(29, 10) == "20 of meer"
    assert coordinator_count(30, 10) == "30 of meer"
    assert coordinator_count(12, 10, gettext=lambda text: text.replace("of meer", "or more")) == (
        "10 or more"
    )


def test_one_new_respondent_does_not_show_in_a_coordinator_count() -> None:
    """Attack from /campagnes: "4 begonnen" then "5 begonnen" timed one person. Now a shown
    count changes only at a multiple of k, and two different shown counts differ by ≥ k."""
    k = 10
    shown = [coordinator_count(n, k) for n in range(0, 101)]
    assert shown[4] == shown[5] and shown[13] == shown[14]
    changes = [n for n in range(1, 101) if shown[n] != shown[n - 1]]
    assert changes == list(range(k, 101, k))
