"""A PNG chart of the top zorgen and kansen themes per audience, for one step.

Drawn with matplotlib's object API on a bare :class:`~matplotlib.figure.Figure` rendered by
the Agg canvas: pyplot is never imported, so no global figure registry, no backend switch
(``matplotlib.use``) and no state shared between concurrent requests; style settings live in
an ``rc_context`` for the duration of one drawing. A suppressed cell gets no bar but the word
"verborgen" where the bar would be, so nobody reads it as zero. Every theme is drawn (also
"overig"), not only the largest few. Text is at least :data:`MIN_FONT_PT` points at the width
the report prints it (:data:`WIDTH_INCH`), and the PNG is :data:`DPI` dots per inch: at least
:data:`PHONE_WIDTH_PX` pixels wide with text of at least :data:`MIN_FONT_PX` pixels at that
width, readable on a phone without zooming.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from bot.privacy.disclosure import OTHER_ANSWERS
from bot.summary.model import QuestionSummary, RoundSummary, StepSummary
from bot.summary.render import N_, Formatter, Gettext, untranslated
from bot.summary.themes import OVERIG

__all__ = [
    "DPI",
    "MIN_FONT_PT",
    "MIN_FONT_PX",
    "PHONE_WIDTH_PX",
    "WIDTH_INCH",
    "draw_chart",
    "render_chart",
]

COLOURS = ("#1f6f8b", "#e07a1f", "#6a8d3a", "#8b3a62")  # colour-blind friendly enough pair first
WIDTH_INCH = 6.2  # as the report prints it, so points stay points
PHONE_WIDTH_PX = 1080
MIN_FONT_PX = 28  # at PHONE_WIDTH_PX: readable on a phone screen without zooming
DPI = 180  # 6.2 inch → 1116 px
MIN_FONT_PT = 12  # 12 pt at 180 dpi = 30 px (29 px when shown 1080 px wide)
STYLE: dict[str, Any] = {
    "font.size": 13,
    "axes.titlesize": 14,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": 13,
    "legend.fontsize": MIN_FONT_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
HIDDEN = N_("verborgen")

# Question ids that carry zorgen and kansen in the shipped flows (e.g. "zorgen", "kansen-buurt").
PANELS = (("zorg", N_("Zorgen")), ("kans", N_("Kansen")))


def _panel_question(
    audience_questions: Sequence[QuestionSummary], stem: str
) -> QuestionSummary | None:
    for question in audience_questions:
        if question.themes and stem in question.question_id:
            return question
    return None


def _bars(
    round_: RoundSummary, stem: str
) -> tuple[list[str], dict[str, dict[str, float | None]], bool]:
    """Theme labels (most mentioned first, hidden ones after), shares per audience (None for a
    hidden cell), and whether any were hidden."""
    shares: dict[str, dict[str, float | None]] = {}
    labels: dict[str, str] = {}
    hidden_keys: set[str] = set()
    for audience in round_.audiences:
        question = _panel_question(audience.questions, stem)
        if question is None:
            continue
        for row in question.rows:
            if row.share is None:
                if row.cell.suppressed:
                    labels[row.key] = row.label
                    hidden_keys.add(row.key)
                    shares.setdefault(audience.audience, {})[row.key] = None
                continue
            labels[row.key] = row.label
            shares.setdefault(audience.audience, {})[row.key] = row.share

    def largest(key: str) -> float:
        return max((values.get(key) or 0.0 for values in shares.values()), default=0.0)

    shown = [key for key in labels if largest(key) > 0]
    if not shown:
        return [], {}, bool(hidden_keys)
    # Every category: the largest first, then those at zero, then the hidden ones; "overig"
    # and "andere antwoorden" last of all, as the remainder they are.
    rest = (OVERIG, OTHER_ANSWERS)
    ranked = sorted(
        (key for key in labels if key not in hidden_keys or largest(key) > 0),
        key=lambda key: (key in rest, -largest(key), labels[key]),
    )
    ranked += sorted(
        (key for key in hidden_keys if key not in ranked),
        key=lambda key: (key in rest, labels[key]),
    )
    return (
        [labels[key] for key in ranked],
        {
            audience: {labels[key]: values[key] for key in ranked if key in values}
            for audience, values in shares.items()
        },
        bool(hidden_keys),
    )


def draw_chart(
    step: StepSummary, gettext: Gettext = untranslated, locale: str = "nl"
) -> Figure | None:
    """The chart as a matplotlib figure, or None when no theme may be shown for this step."""
    round_ = step.latest
    if round_ is None:
        return None
    fmt = Formatter(gettext, locale)
    panels = []
    any_hidden = False
    for stem, title in PANELS:
        themes, shares, hidden = _bars(round_, stem)
        any_hidden = any_hidden or hidden
        if themes:
            panels.append((fmt(title), themes, shares))
    if not panels:
        return None
    audiences = [a.audience for a in round_.audiences if any(a.audience in p[2] for p in panels)]
    rows = max(len(themes) for _, themes, _ in panels)
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        figure = Figure(
            figsize=(WIDTH_INCH, 2.0 + 0.55 * rows * len(audiences) * len(panels)), dpi=DPI
        )
        FigureCanvasAgg(figure)
        axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
        height = 0.8 / max(len(audiences), 1)
        for axis, (title, themes, shares) in zip(axes, panels, strict=True):
            for index, audience in enumerate(audiences):
                values = shares.get(audience, {})
                drawn = [
                    (y + index * height, values[theme])
                    for y, theme in enumerate(themes)
                    if theme in values
                ]
                axis.barh(
                    [y for y, value in drawn if value is not None],
                    [value for _, value in drawn if value is not None],
                    height=height,
                    color=COLOURS[index % len(COLOURS)],
                    label=fmt.audience(audience),
                )
                for y, value in drawn:
                    if value is None:
                        axis.text(
                            0.01,
                            y,
                            fmt(HIDDEN),
                            va="center",
                            fontsize=MIN_FONT_PT,
                            fontstyle="italic",
                            color=COLOURS[index % len(COLOURS)],
                        )
            axis.set_yticks([y + height * (len(audiences) - 1) / 2 for y in range(len(themes))])
            axis.set_yticklabels(themes)
            axis.invert_yaxis()
            axis.set_xlim(0, 1)
            axis.xaxis.set_major_formatter(
                FuncFormatter(lambda value, _position: fmt.share(value) or "")
            )
            axis.set_title(title, loc="left", fontweight="bold")
        # Built from the audiences' own colours: an audience without bars in the first panel
        # would otherwise get matplotlib's default colour in a legend taken from the axes.
        handles = legend_handles(audiences, fmt)
        figure.legend(handles=handles, loc="upper right", frameon=False, ncols=len(audiences))
        note = fmt(N_("Aandeel van wie de vraag beantwoordde."))
        if any_hidden:
            note += " " + fmt(N_("‘Verborgen’: te weinig antwoorden om te laten zien."))
        figure.text(0.01, 0.01, note, fontsize=MIN_FONT_PT, color="#444444", wrap=True)
        figure.tight_layout(rect=(0, 0.04, 1, 0.94))
    return figure


def render_chart(
    step: StepSummary, gettext: Gettext = untranslated, locale: str = "nl"
) -> bytes | None:
    """PNG bytes, or None when no theme of zorgen or kansen may be shown for this step."""
    figure = draw_chart(step, gettext, locale)
    if figure is None:
        return None
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def legend_handles(audiences: Sequence[str], fmt: Formatter) -> list[Patch]:
    """One legend entry per audience, in the colour its bars are drawn with."""
    return [
        Patch(color=COLOURS[index % len(COLOURS)], label=fmt.audience(audience))
        for index, audience in enumerate(audiences)
    ]
