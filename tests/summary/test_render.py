"""Rendering a summary: Telegram HTML, Markdown, plain text, JSON, Babel numbers, gettext,
and splitting long messages for Telegram."""

from __future__ import annotations

import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.privacy.disclosure import Cell
from bot.summary.model import (
    AudienceSummary,
    QuestionSummary,
    RoundSummary,
    Row,
    StepSummary,
    Summary,
)
from bot.summary.render import (
    render_json,
    render_markdown,
    render_plain,
    render_text,
    split_message,
)

HIDDEN = Cell.hidden()


def make_summary(quote: str = "Meer <b>plekken</b> & tijd", respondents: int = 1234) -> Summary:
    worries = QuestionSummary(
        question_id="zorgen",
        label="Zorgen <van> jongeren",
        kind="text",
        respondents=Cell.shown(respondents),
        rows=(
            Row("mentaal", "Mentale gezondheid", Cell.shown(617), 617 / respondents),
            Row("geld", "Geld", HIDDEN, None),
            Row("wonen", "Wonen", Cell.shown(0), 0.0),
            Row("overig", "Overig", HIDDEN, None),
        ),
        themes=True,
        quotes=(quote,),
        unmatched_words=("bus",),
    )
    ages = QuestionSummary(
        question_id="leeftijd",
        label="Leeftijd",
        kind="choice",
        respondents=Cell.shown(respondents),
        rows=(Row("jong", "Jonger dan 16", Cell.shown(1000), 1000 / respondents),),
        segment=True,
    )
    jongeren = AudienceSummary(
        audience="jongeren",
        participants=Cell.shown(respondents),
        completed=Cell.shown(1200),
        partial=Cell.shown(34),
        crisis=HIDDEN,
        questions=(ages, worries),
        labels=(("school", Cell.shown(1200)), ("", HIDDEN)),
    )
    ouders = AudienceSummary(
        audience="ouders",
        participants=HIDDEN,
        completed=HIDDEN,
        partial=HIDDEN,
        crisis=Cell.shown(0),
        questions=(),
    )
    round_ = RoundSummary(round=1, audiences=(jongeren, ouders), period=("2024-03", "2024-05"))
    step = StepSummary(step_key="stap-1", number="1", title="Hoe gaat het?", rounds=(round_,))
    return Summary(
        werkgroep_id="w1",
        werkgroep_name="Werkgroep <Velsen>",
        template_id="proef",
        template_title="Proefplan",
        k=10,
        steps=(step,),
    )


def test_text_is_telegram_html_with_escaped_content() -> None:
    """Quotes, labels and names are escaped; the bot's own markup uses Telegram tags only."""
    text = render_text(make_summary())
    assert "Meer &lt;b&gt;plekken&lt;/b&gt; &amp; tijd" in text
    assert "Werkgroep &lt;Velsen&gt;" in text
    assert "Zorgen &lt;van&gt; jongeren" in text
    tags = set(re.findall(r"</?([a-z]+)", text))
    assert tags <= {"b", "i", "blockquote"}


def test_numbers_and_months_follow_the_locale() -> None:
    """Dutch: 1.234 and 50%, "maart 2024"; English: 1,234 and "March 2024"."""
    dutch = render_text(make_summary(), locale="nl")
    assert "Deelnemers: 1.234" in dutch
    assert "Mentale gezondheid: 617 (50%)" in dutch
    assert "maart 2024 tot en met mei 2024" in dutch
    english = render_text(make_summary(), locale="en")
    assert "1,234" in english
    assert "March 2024" in english


def test_hidden_cells_say_too_few_answers_and_zero_themes_are_left_out() -> None:
    """A hidden count reads "te weinig antwoorden"; a theme nobody named is not listed."""
    text = render_text(make_summary())
    assert "Geld: te weinig antwoorden" in text
    assert "Deelnemers: te weinig antwoorden" in text  # ouders
    assert "Per groep: school 1.200, zonder label te weinig antwoorden." in text
    assert "Wonen" not in text
    assert text.index("Mentale gezondheid") < text.index("Geld") < text.index("Overig")
    assert "Vaak genoemd in ‘overig’: bus." in text


def test_source_strings_go_through_gettext() -> None:
    """The gettext function translates source strings before placeholders are filled."""
    english = {
        "Samenvatting: %(werkgroep)s": "Summary: %(werkgroep)s",
        "te weinig antwoorden": "too few answers",
    }
    text = render_text(make_summary(), gettext=lambda s: english.get(s, s))
    assert "<b>Summary: Werkgroep &lt;Velsen&gt;</b>" in text
    assert "Geld: too few answers" in text


def test_crisis_line_only_when_there_is_something_to_say() -> None:
    """Zero crisis signals: no line; a hidden count: the line with "te weinig antwoorden"."""
    text = render_text(make_summary())
    assert text.count("zorgwekkend signaal") == 1


def test_markdown_escapes_and_structures() -> None:
    """Markdown has headings per level, bullet lines, block quotes and escaped content."""
    md = render_markdown(make_summary())
    assert md.startswith("# Samenvatting: Werkgroep \\<Velsen\\>\n")
    assert "## Stap 1: Hoe gaat het?" in md
    assert "- **Mentale gezondheid**: 617 (50%)" in md
    assert "> Meer \\<b\\>plekken\\</b\\> & tijd" in md


def test_plain_text_has_no_markup() -> None:
    """The terminal format has no HTML tags and no escaped entities."""
    text = render_plain(make_summary())
    assert "<b>Samenvatting" not in text and "&amp;" not in text
    assert text.startswith("Samenvatting: Werkgroep <Velsen>\n=====")
    assert "“Meer <b>plekken</b> & tijd”" in text


def test_json_keeps_hidden_cells_hidden() -> None:
    """JSON gives counts as numbers and hidden cells as null with the reason."""
    data = json.loads(render_json(make_summary()))
    jongeren = data["steps"][0]["rounds"][0]["audiences"][0]
    rows = {row["key"]: row for row in jongeren["questions"][1]["rows"]}
    assert rows["mentaal"]["count"] == 617
    assert rows["geld"] == {
        "key": "geld",
        "label": "Geld",
        "share": None,
        "count": None,
        "suppressed": True,
        "reason": "te weinig antwoorden",
    }
    assert jongeren["labels"]["school"]["count"] == 1200
    assert jongeren["labels"][""]["suppressed"] is True
    assert data["steps"][0]["rounds"][0]["audiences"][1]["participants"]["count"] is None


# --- split_message ---------------------------------------------------------------------------------


def strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", part):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_short_text_is_one_message() -> None:
    """Text within the limit comes back unchanged as one message."""
    assert split_message("<b>Hallo</b>") == ["<b>Hallo</b>"]
    assert split_message("") == []


def test_split_prefers_paragraph_breaks() -> None:
    """Paragraphs stay whole when they fit; each part is within the limit."""
    paragraphs = [f"<b>Kop {n}</b>\n" + "woord " * 30 for n in range(40)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text, limit=500)
    assert all(len(part) <= 500 for part in parts)
    assert all(part.startswith("<b>Kop ") for part in parts)
    assert "\n\n".join(parts) == text


def test_split_never_breaks_tags_or_entities_and_reopens_tags() -> None:
    """A long bold line is cut between words, closed and reopened; &amp; stays whole."""
    text = "<b>" + " ".join(f"a&amp;b{n}" for n in range(200)) + "</b>"
    parts = split_message(text, limit=120)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= 120
        assert part.startswith("<b>") and part.endswith("</b>")
        assert balanced(part)
        assert not re.search(r"&(?![a-z]+;|#\d+;)", part)
    words = " ".join(strip_tags(part) for part in parts).split()
    assert words == [f"a&amp;b{n}" for n in range(200)]


def test_split_counts_utf16_units() -> None:
    """Emoji count as two units, as Telegram counts them."""
    parts = split_message("😀" * 100, limit=50)
    assert [len(part) for part in parts] == [25, 25, 25, 25]


@settings(max_examples=80, deadline=None)
@example(pieces=["<b>"] * 6, limit=40)
@example(pieces=["<b>"] * 12 + ["abc"] * 20, limit=40)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["<b>", "</b>", "<i>", "</i>", "&amp;", "&lt;", "\n", "\n\n", " "]),
            st.text(alphabet="abcdé😀", min_size=1, max_size=30),
        ),
        max_size=120,
    ),
    st.integers(min_value=40, max_value=200),
)
def test_split_property(pieces: list[str], limit: int) -> None:
    """For any well-formed text: parts fit, tags balance, and no visible character is lost."""
    # Make the random pieces well-formed: drop closing tags without an open one, close the rest.
    stack: list[str] = []
    clean: list[str] = []
    for piece in pieces:
        if piece in ("</b>", "</i>"):
            if stack and stack[-1] == piece[2]:
                stack.pop()
                clean.append(piece)
        elif piece in ("<b>", "<i>"):
            stack.append(piece[1])
            clean.append(piece)
        else:
            clean.append(piece)
    clean.extend(f"</{name}>" for name in reversed(stack))
    text = "".join(clean)
    parts = split_message(text, limit)
    assert all(len(part.encode("utf-16-le")) // 2 <= limit for part in parts)
    assert all(balanced(part) for part in parts)
    visible = "".join(strip_tags(text).split())
    assert "".join("".join(strip_tags(part).split()) for part in parts) == visible
