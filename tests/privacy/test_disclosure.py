"""Disclosure control: small groups stay hidden and hidden values cannot be worked out."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.disclosure import (
    SUPPRESSED_REASON,
    Cell,
    Table2D,
    check_dimensions,
    select_quotes,
    should_release,
    suppress_1d,
    suppress_2d,
    total_cell,
    validate_k,
)
from bot.privacy.errors import DisclosureError, PrivacyError

FAST = settings(max_examples=200, deadline=None)
Grid = list[list[int | None]]


# --- k -----------------------------------------------------------------------------------------


def test_k_below_five_is_refused() -> None:
    """k=4 is refused; 5 and the default 10 are accepted."""
    with pytest.raises(ValueError, match="at least 5"):
        validate_k(4)
    assert validate_k(5) == 5
    assert validate_k(10) == 10


def test_k_must_be_a_whole_number() -> None:
    """A boolean or a float is not a group size."""
    with pytest.raises(TypeError):
        validate_k(True)
    with pytest.raises(TypeError):
        validate_k(10.0)  # type: ignore[arg-type]


def test_every_function_checks_k() -> None:
    """No suppression or release decision is made with a k below 5."""
    with pytest.raises(ValueError):
        total_cell(3, 4)
    with pytest.raises(ValueError):
        suppress_1d({"a": 3}, 4)
    with pytest.raises(ValueError):
        suppress_2d({("a", "b"): 3}, 4)
    with pytest.raises(ValueError):
        should_release(10, None, 4)
    with pytest.raises(ValueError):
        select_quotes(["x"], 100, 4, random.Random(1))


# --- respondent counts and 1-D ---------------------------------------------------------------


def test_nine_respondents_hidden_ten_shown() -> None:
    """At k=10, a label with 9 respondents is suppressed and one with 10 is shown."""
    assert total_cell(9, 10) == Cell(count=None, reason="te weinig antwoorden")
    assert total_cell(9, 10).suppressed
    assert total_cell(10, 10) == Cell(count=10)
    assert not total_cell(10, 10).suppressed
    assert total_cell(0, 10) == Cell(count=0)


def test_one_small_answer_takes_the_next_smallest_with_it() -> None:
    """With 9, 10 and 30 answers and the total shown, 9 and 10 are both hidden."""
    cells = suppress_1d({"geld": 9, "school": 10, "thuis": 30}, 10)
    assert cells == {"geld": Cell.hidden(), "school": Cell.hidden(), "thuis": Cell(30)}
    assert cells["school"].reason == SUPPRESSED_REASON


def test_two_small_answers_that_add_up_to_less_than_k_need_a_third() -> None:
    """Hidden cells must together hold k answers, else the reader learns a small group."""
    cells = suppress_1d({"a": 2, "b": 3, "c": 12, "d": 40}, 10)
    assert [label for label, cell in cells.items() if cell.suppressed] == ["a", "b", "c"]
    assert cells["d"] == Cell(40)


def test_zero_is_shown_unless_the_whole_list_is_small() -> None:
    """A 0 is shown in a large list; in a list of 4 answers everything is hidden."""
    assert suppress_1d({"a": 0, "b": 12, "c": 15}, 10) == {
        "a": Cell(0),
        "b": Cell(12),
        "c": Cell(15),
    }
    assert all(cell.suppressed for cell in suppress_1d({"a": 0, "b": 4}, 10).values())
    assert suppress_1d({"a": 0, "b": 0}, 10) == {"a": Cell(0), "b": Cell(0)}


def test_negative_counts_are_refused() -> None:
    """A negative count is a bug upstream, never silently shown."""
    with pytest.raises(ValueError):
        suppress_1d({"a": -1}, 10)
    with pytest.raises(ValueError):
        total_cell(-1, 10)


# --- 2-D ----------------------------------------------------------------------------------------


def test_two_way_table_hides_small_cells_and_their_partners() -> None:
    """A 3 among large counts is hidden together with enough cells to keep it uncertain."""
    counts = {
        ("jongere", "geld"): 3,
        ("jongere", "school"): 25,
        ("ouder", "geld"): 30,
        ("ouder", "school"): 40,
    }
    table = suppress_2d(counts, 10)
    assert table.rows == ("jongere", "ouder")
    assert table.columns == ("geld", "school")
    assert table.total == Cell(98)
    hidden = {key for key, cell in table.cells.items() if cell.suppressed}
    assert ("jongere", "geld") in hidden
    assert len(hidden) >= 2
    assert _determined(table, counts) == []


def test_a_small_row_hides_its_zeros_too() -> None:
    """'0 of the 4 ouders chose A' tells what the 4 chose, so the zeros go as well."""
    counts = {
        ("ouder", "a"): 0,
        ("ouder", "b"): 4,
        ("jongere", "a"): 20,
        ("jongere", "b"): 30,
    }
    table = suppress_2d(counts, 10)
    assert table.cell("ouder", "a").suppressed
    assert table.cell("ouder", "b").suppressed
    assert table.row_totals["ouder"].suppressed


def test_an_empty_row_stays_visible() -> None:
    """A row nobody is in shows zeros: there is nothing to protect."""
    table = suppress_2d({("a", "x"): 20, ("a", "y"): 30}, 10, rows=["a", "b"])
    assert table.cell("b", "x") == Cell(0)
    assert table.row_totals["b"] == Cell(0)
    assert table.cell("a", "x") == Cell(20)


def test_small_grand_total_hides_everything() -> None:
    """A table that rests on fewer than k respondents shows nothing at all."""
    table = suppress_2d({("a", "x"): 0, ("a", "y"): 4}, 5)
    assert table.total.suppressed
    assert all(cell.suppressed for cell in table.cells.values())


def test_unknown_labels_are_refused() -> None:
    """Counts for a row that is not in the given row order are a bug."""
    with pytest.raises(ValueError, match="unknown rows"):
        suppress_2d({("z", "x"): 3}, 5, rows=["a"], columns=["x"])


def test_a_third_dimension_is_refused() -> None:
    """Audience × age band is allowed; adding school makes it a DisclosureError."""
    check_dimensions([])
    check_dimensions(["doelgroep", "leeftijd"])
    with pytest.raises(DisclosureError, match="at most 2"):
        check_dimensions(["doelgroep", "leeftijd", "school"])
    assert issubclass(DisclosureError, PrivacyError)


# --- releases (no differencing) ---------------------------------------------------------------


def test_release_rules() -> None:
    """Release first, after k new (or removed) respondents, or after an all-hidden release."""
    assert should_release(3, None, 10)
    assert should_release(10, 3, 10)
    assert not should_release(11, 10, 10)
    assert not should_release(19, 10, 10)
    assert should_release(20, 10, 10)
    assert not should_release(12, 20, 10)
    assert should_release(10, 20, 10)


# --- quotes ------------------------------------------------------------------------------------

NUMBERS = ("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht")
QUOTES = [f"Antwoord nummer {word}" for word in NUMBERS]


def test_quotes_need_twice_k_respondents() -> None:
    """At k=10, 19 respondents give no quotes and 20 do."""
    assert select_quotes(QUOTES, 19, 10, random.Random(1)) == []
    chosen = select_quotes(QUOTES, 20, 10, random.Random(1))
    assert len(chosen) == 5
    assert set(chosen) <= set(QUOTES)


def test_quotes_come_in_random_order() -> None:
    """Over a few seeds the quotes do not keep the order in which they were given."""
    orders = {tuple(select_quotes(QUOTES, 40, 10, random.Random(s), limit=8)) for s in range(5)}
    assert len(orders) > 1
    assert any(order != tuple(QUOTES) for order in orders)


def test_quotes_are_redacted_deduplicated_and_skip_disclosures() -> None:
    """Personal details are removed again, doubles appear once, crisis texts never."""
    quotes = ["Bel me op 06-12345678", "Te duur", "Te duur", "mijn vader slaat me", "  "]
    chosen = select_quotes(quotes, 50, 10, random.Random(3), limit=10)
    assert sorted(chosen) == ["Bel me op [telefoonnummer]", "Te duur"]


def test_negative_limit_is_refused() -> None:
    """A negative limit is a programming mistake."""
    with pytest.raises(ValueError):
        select_quotes(QUOTES, 40, 10, random.Random(1), limit=-1)


# --- property tests ------------------------------------------------------------------------------


@FAST
@given(
    counts=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 40), min_size=1, max_size=8),
    k=st.integers(5, 15),
)
def test_1d_hidden_values_cannot_be_derived(counts: dict[str, int], k: int) -> None:
    """Shown cells are 0 or ≥ k; with the total shown, hidden cells are 0 or ≥ 2 holding ≥ k."""
    cells = suppress_1d(counts, k)
    assert list(cells) == list(counts)
    shown = {label: cell.count for label, cell in cells.items() if not cell.suppressed}
    assert all(count == counts[label] for label, count in shown.items())
    assert all(count == 0 or count >= k for count in shown.values())
    hidden = [counts[label] for label, cell in cells.items() if cell.suppressed]
    total_hidden = total_cell(sum(counts.values()), k).suppressed
    # Behind a hidden total everything is hidden; beside a shown total the usual rule holds.
    assert len(hidden) == len(counts) if total_hidden else _safely_hidden(hidden, k)


def _safely_hidden(hidden: Sequence[int], k: int) -> bool:
    """Nothing, or ≥ 2 cells holding ≥ k together: one hidden cell is the total minus the rest."""
    return not hidden or (len(hidden) >= 2 and sum(hidden) >= k)


@st.composite
def tables(draw: st.DrawFn, max_side: int, max_count: int) -> dict[tuple[str, str], int]:
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    values = st.one_of(st.integers(0, 9), st.integers(0, max_count))
    return {(f"r{i}", f"c{j}"): draw(values) for i in range(rows) for j in range(cols)}


@FAST
@given(counts=tables(max_side=5, max_count=60), k=st.integers(5, 15))
def test_2d_shown_cells_and_lines_follow_the_rules(
    counts: dict[tuple[str, str], int], k: int
) -> None:
    """Shown figures are true and 0 or ≥ k; every shown total hides 0 or ≥ 2 cells holding ≥ k."""
    table = suppress_2d(counts, k)
    shown, truth = _published(table), _extended(counts, table.rows, table.columns)
    m, n = len(table.rows), len(table.columns)
    for i in range(m + 1):
        for j in range(n + 1):
            value = shown[i][j]
            assert value is None or value == truth[i][j]
            assert value is None or value == 0 or value >= k
    unsafe_lines = [
        total
        for inner, total in _lines(m, n)
        if shown[total[0]][total[1]] is not None
        and not _safely_hidden([truth[i][j] for i, j in inner if shown[i][j] is None], k)
    ]
    assert unsafe_lines == []


@FAST
@given(counts=tables(max_side=3, max_count=30), k=st.integers(5, 15))
def test_2d_no_hidden_value_is_determined(counts: dict[tuple[str, str], int], k: int) -> None:
    """Brute force: for every hidden cell another non-negative filling fits all shown figures."""
    assert _determined(suppress_2d(counts, k), counts) == []


def test_the_brute_force_finds_a_determined_cell() -> None:
    """The checker itself is not vacuous: one hidden cell in a shown row is caught."""
    truth = [[3, 20, 23], [12, 15, 27], [15, 35, 50]]
    shown: Grid = [[None, 20, 23], [12, 15, 27], [15, 35, 50]]
    assert _determined_cells(shown, truth) == [(0, 0)]
    # Two hidden zeros on a cycle can still be pinned down by non-negativity.
    truth = [[1, 15, 5, 21], [0, 6, 0, 6], [0, 6, 20, 26], [1, 27, 25, 53]]
    shown = [[None, 15, None, 21], [None, None, 0, 6], [None, None, 20, 26], [None, 27, None, 53]]
    assert _determined_cells(shown, truth) == [(1, 0), (1, 1), (2, 0), (2, 1)]


# --- helpers: what a reader sees, and a brute-force attacker ---------------------------------------


def _published(table: Table2D) -> Grid:
    grid: Grid = [
        [table.cells[(r, c)].count for c in table.columns] + [table.row_totals[r].count]
        for r in table.rows
    ]
    grid.append([table.column_totals[c].count for c in table.columns] + [table.total.count])
    return grid


def _extended(
    counts: Mapping[tuple[str, str], int], rows: Sequence[str], cols: Sequence[str]
) -> list[list[int]]:
    grid = [[counts.get((r, c), 0) for c in cols] for r in rows]
    for line in grid:
        line.append(sum(line))
    grid.append([sum(line[j] for line in grid) for j in range(len(cols) + 1)])
    return grid


def _lines(m: int, n: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    lines = [([(i, j) for j in range(n)], (i, n)) for i in range(m + 1)]
    lines += [([(i, j) for i in range(m)], (m, j)) for j in range(n + 1)]
    return lines


def _determined(table: Table2D, counts: Mapping[tuple[str, str], int]) -> list[tuple[int, int]]:
    return _determined_cells(_published(table), _extended(counts, table.rows, table.columns))


def _determined_cells(shown: Grid, truth: list[list[int]]) -> list[tuple[int, int]]:
    """Hidden cells (totals included) whose true value is the only one consistent with what is
    shown: every line adds up, every count is a whole number ≥ 0."""
    m, n = len(shown) - 1, len(shown[0]) - 1
    unknown = [(i, j) for i in range(m + 1) for j in range(n + 1) if shown[i][j] is None]
    lines = [[*inner, total] for inner, total in _lines(m, n)]
    ceiling = truth[m][n] + 1
    return [
        query
        for query in unknown
        if not _other_filling_exists(
            [query, *(p for p in unknown if p != query)], shown, truth, lines, ceiling
        )
    ]


def _other_filling_exists(
    order: list[tuple[int, int]],
    shown: Grid,
    truth: list[list[int]],
    lines: list[list[tuple[int, int]]],
    ceiling: int,
) -> bool:
    """Depth-first search for a consistent filling in which ``order[0]`` differs from the truth.

    Values are tried nearest to the truth first, and a line with one unknown left fixes it.
    """
    value: dict[tuple[int, int], int] = {}
    query = order[0]
    truth_of_query = truth[query[0]][query[1]]
    lines_of: dict[tuple[int, int], list[list[tuple[int, int]]]] = {}
    for line in lines:
        for position in line:
            lines_of.setdefault(position, []).append(line)

    def get(p: tuple[int, int]) -> int | None:
        return value.get(p, shown[p[0]][p[1]])

    def consistent(line: list[tuple[int, int]]) -> bool:
        known = [get(p) for p in line]
        inner, total = known[:-1], known[-1]
        if total is not None and None not in inner:
            return sum(v for v in inner if v is not None) == total
        return total is None or sum(v for v in inner if v is not None) <= total

    def assign(p: tuple[int, int], x: int) -> bool:
        value[p] = x
        if all(consistent(line) for line in lines_of[p]) and search():
            return True
        del value[p]
        return False

    def search() -> bool:
        open_cells = [p for p in order if get(p) is None]
        if not open_cells:
            return True
        for line in lines:
            missing = [p for p in line if get(p) is None]
            if len(missing) == 1:
                p = missing[0]
                rest = sum(v for q in line[:-1] if q != p and (v := get(q)) is not None)
                total = get(line[-1])
                x = rest if p == line[-1] else (total or 0) - rest
                if p == query and x == truth_of_query:
                    return False
                return 0 <= x <= ceiling and assign(p, x)
        p = open_cells[0]
        true = truth[p[0]][p[1]]
        choices = [x for x in range(ceiling + 1) if p != query or x != true]
        return any(assign(p, x) for x in sorted(choices, key=lambda x: (abs(x - true), x)))

    return search()
