"""A summary on a phone (issue 18, item 17): the chart is at least 1080 px wide with text of at
least 28 px at that width, shows every category (hidden ones as "verborgen"), and a summary is
never split so that a message ends with a lone heading."""

from __future__ import annotations

import io
import re

from matplotlib.text import Text
from PIL import Image

from bot.privacy.disclosure import Cell
from bot.split import split_message
from bot.summary.chart import DPI, PHONE_WIDTH_PX, draw_chart, render_chart
from bot.summary.model import AudienceSummary, QuestionSummary, Row, StepSummary
from bot.summary.render import render_text, split_summary
from tests.summary.test_render import make_summary

THEMES = [
    "Geld",
    "School",
    "Vrije tijd",
    "Thuis en gezin",
    "Gezondheid",
    "Vrienden en erbij horen",
    "Wonen",
    "Schaamte",
    "Regelingen en aanvragen",
]


def _step(hidden: str = "Schaamte") -> StepSummary:
    themes = [
        Row(label.lower(), label, Cell.hidden(), None)
        if label == hidden
        else Row(label.lower(), label, Cell.shown(40 - 3 * index), (40 - 3 * index) / 80)
        for index, label in enumerate(THEMES)
    ]
    rows = (*themes, Row("overig", "Overig", Cell.shown(11), 11 / 80))
    question = QuestionSummary("zorgen", "Zorgen", "text", Cell.shown(80), rows, themes=True)
    audience = AudienceSummary(
        "jongeren", Cell.shown(80), Cell.shown(80), Cell.shown(0), Cell.shown(0), (question,)
    )
    round_ = make_summary().steps[0].rounds[0]
    return StepSummary("stap-3", "3", "Titel", (type(round_)(1, (audience,), None),))


def test_chart_is_phone_wide_with_large_enough_text() -> None:
    """The PNG is at least 1080 px wide, and every text is at least 28 px tall once the image
    is shown 1080 px wide."""
    png = render_chart(_step())
    assert png is not None
    width, _ = Image.open(io.BytesIO(png)).size
    assert width >= PHONE_WIDTH_PX
    figure = draw_chart(_step())
    assert figure is not None
    texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
    smallest_px = min(t.get_fontsize() for t in texts) * DPI / 72 * PHONE_WIDTH_PX / width
    assert smallest_px >= 28


def test_chart_shows_every_category_and_marks_hidden_ones() -> None:
    """All nine themes and "Overig" are drawn, not only the largest six; the hidden theme is
    labelled and gets "verborgen" instead of a bar."""
    figure = draw_chart(_step())
    assert figure is not None
    texts = [t.get_text() for t in figure.findobj(Text)]
    assert set(THEMES) | {"Overig"} <= set(texts)
    assert "verborgen" in texts


HEADING = re.compile(r"<b>[^<>]*</b>")


def _ends_with_heading(message: str) -> bool:
    return bool(HEADING.fullmatch(message.split("\n\n")[-1].strip()))


def test_split_never_leaves_a_lone_heading_at_the_end() -> None:
    """Where a plain split ends a message with the next question's heading, the summary split
    moves the heading to the message with its figures; nothing is lost."""
    text = "<b>Kop A</b>\n\n" + "a " * 75 + "\n\n<b>Kop B</b>\n\n" + "b " * 75
    assert _ends_with_heading(split_message(text, 200)[0])  # the defect this fixes
    parts = split_summary(text, 200)
    assert not any(_ends_with_heading(part) for part in parts)
    assert parts[1].startswith("<b>Kop B</b>\n\n")
    assert all(len(part) <= 200 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


def test_real_summary_split_small_never_ends_with_a_heading() -> None:
    """A rendered summary cut at many sizes: no message ends with a heading, all text kept."""
    text = render_text(make_summary())
    longest = max(len(paragraph) for paragraph in text.split("\n\n"))
    limits = range(2 * longest, len(text), 13)
    assert len(limits) > 5
    for limit in limits:
        parts = split_summary(text, limit)
        assert len(parts) > 1
        assert not any(_ends_with_heading(part) for part in parts), limit
        assert all(len(part.encode("utf-16-le")) // 2 <= limit for part in parts)
        assert "\n\n".join(parts) == text
