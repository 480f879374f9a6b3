"""The summary benchmark still runs end to end (a small load, SQLite)."""

from __future__ import annotations

from benchmarks.summary import run


async def test_benchmark_reports_one_json_result() -> None:
    """A small run reports answers, timings and memory, and every step was summarised."""
    result = await run(3_000, None, 10, werkgroepen=2)
    assert result["answers"] >= 3_000
    assert result["respondents"] > 300
    assert result["steps"] == 1
    for key in ("summary_s", "summary_cached_s", "export_s", "peak_rss_mb"):
        assert result[key] > 0
    # #17.3: at most a quarter of the figure cells hidden on the demo data and on 30 in a label.
    assert 0 < result["hidden_share_demo"] <= 0.25
    assert 0 <= result["hidden_share_30"] <= 0.25
