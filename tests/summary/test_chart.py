"""The zorgen/kansen chart: a real PNG, hidden cells left out, no pyplot global state."""

from __future__ import annotations

import io
import subprocess
import sys

from PIL import Image

from bot.privacy.disclosure import Cell
from bot.summary.chart import render_chart
from bot.summary.model import AudienceSummary, QuestionSummary, Row, StepSummary
from tests.summary.test_render import make_summary


def test_chart_is_a_png_of_reasonable_size() -> None:
    """The chart starts with the PNG signature, is more than a blank image, and opens."""
    step = make_summary().steps[0]
    png = render_chart(step)
    assert png is not None
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
    width, height = Image.open(io.BytesIO(png)).size
    assert width > 400 and height > 150


def test_nothing_to_draw_gives_none() -> None:
    """When every theme count is hidden (or there are no theme questions) there is no chart."""
    hidden = QuestionSummary(
        question_id="zorgen",
        label="Zorgen",
        kind="text",
        respondents=Cell.hidden(),
        rows=(Row("geld", "Geld", Cell.hidden(), None),),
        themes=True,
    )
    audience = AudienceSummary(
        "jongeren", Cell.hidden(), Cell.hidden(), Cell.hidden(), Cell.shown(0), (hidden,)
    )
    summary = make_summary()
    round_ = summary.steps[0].rounds[0]
    step = StepSummary(
        "stap-1",
        "1",
        "Titel",
        (type(round_)(round_.round, (audience,), None),),
    )
    assert render_chart(step) is None
    assert render_chart(StepSummary("stap-2", "2", "Leeg", ())) is None


def test_chart_leaves_no_global_matplotlib_state() -> None:
    """Drawing imports no pyplot and leaves matplotlib's global settings as they were."""
    code = (
        "import sys, matplotlib; before = matplotlib.rcParams.copy();"
        "from bot.summary.chart import render_chart;"
        "from tests.summary.test_render import make_summary;"
        "assert render_chart(make_summary().steps[0]);"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.rcParams.copy() == before)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]


def test_legend_colours_match_the_bars_of_each_audience() -> None:
    """Each audience's legend swatch has the colour its bars get, whichever panel has bars."""
    from matplotlib.colors import to_hex

    from bot.summary.chart import COLOURS, legend_handles
    from bot.summary.render import Formatter

    handles = legend_handles(["jongeren", "ouders"], Formatter(lambda text: text, "nl"))
    assert [to_hex(h.get_facecolor()) for h in handles] == [to_hex(c) for c in COLOURS[:2]]
    assert [h.get_label() for h in handles] == ["Jongeren", "Ouders"]


def test_hidden_bars_say_verborgen_and_text_is_readable() -> None:
    """A hidden theme gets the word "verborgen" instead of a bar (never a zero), and no text
    in the chart is smaller than 10 pt at the width the report prints it."""
    from matplotlib.text import Text

    from bot.summary.chart import MIN_FONT_PT, draw_chart

    def question(rows: tuple[Row, ...]) -> QuestionSummary:
        return QuestionSummary("zorgen", "Zorgen", "text", Cell.shown(40), rows, themes=True)

    rows = (
        Row("geld", "Geld", Cell.shown(20), 0.5),
        Row("school", "School", Cell.hidden(), None),
    )
    audience = AudienceSummary(
        "jongeren", Cell.shown(40), Cell.shown(40), Cell.shown(0), Cell.shown(0), (question(rows),)
    )
    round_ = make_summary().steps[0].rounds[0]
    step = StepSummary("stap-1", "1", "Titel", (type(round_)(1, (audience,), None),))
    figure = draw_chart(step)
    assert figure is not None
    texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
    assert "verborgen" in [t.get_text() for t in texts]
    assert "School" in [t.get_text() for t in texts]
    assert min(t.get_fontsize() for t in texts) >= MIN_FONT_PT
    assert figure.get_size_inches()[0] <= 6.2
