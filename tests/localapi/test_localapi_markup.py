"""parse_mode handling: plain text and entities as Telegram computes them, or its 400 errors."""

from __future__ import annotations

import pytest

from bot.localapi.errors import ApiError
from bot.localapi.markup import parse_text
from bot.localapi.objects import command_entities


def test_html_tags_become_entities_with_utf16_offsets() -> None:
    """Nested HTML tags map to entities; offsets count UTF-16 units (an emoji counts two)."""
    text, entities = parse_text(
        '😀 <b>Vet <i>en schuin</i></b> <a href="https://nji.nl/?a=1&amp;b=2">NJi</a>',
        "HTML",
        None,
    )
    assert text == "😀 Vet en schuin NJi"
    assert entities == [
        {"offset": 3, "length": 13, "type": "bold"},
        {"offset": 7, "length": 9, "type": "italic"},
        {"offset": 17, "length": 3, "type": "text_link", "url": "https://nji.nl/?a=1&b=2"},
    ]


def test_html_entities_pre_language_and_spoiler() -> None:
    """Escapes decode, <pre><code class> gives a pre with language, tg-spoiler a spoiler."""
    text, entities = parse_text(
        '&lt;tag&gt; &amp; &quot;q&quot; &#128512; <pre><code class="language-python">x=1</code>'
        "</pre> <tg-spoiler>geheim</tg-spoiler>",
        "HTML",
        None,
    )
    assert text == '<tag> & "q" 😀 x=1 geheim'
    assert {"type": "pre", "offset": 15, "length": 3, "language": "python"} in entities
    assert {"type": "spoiler", "offset": 19, "length": 6} in entities


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_malformed_html_is_refused(source: str, detail: str) -> None:
    """Malformed HTML gives Telegram's `can't parse entities` error."""
    with pytest.raises(ApiError) as caught:
        parse_text(source, "HTML", None)
    assert caught.value.error_code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {detail}"


def test_markdown_v2_entities_and_escapes() -> None:
    """MarkdownV2 markers become entities; escaped reserved characters are kept literally."""
    text, entities = parse_text(
        r"*vet* _schuin_ __onder__ ~weg~ ||spoiler|| `code` [link](https://x.nl) 1\.5\!",
        "MarkdownV2",
        None,
    )
    assert text == "vet schuin onder weg spoiler code link 1.5!"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert entities[-1]["url"] == "https://x.nl"


def test_markdown_v2_unclosed_entity_is_refused() -> None:
    """An unclosed bold marker is refused, naming where the entity started."""
    with pytest.raises(ApiError, match="Can't find end of Bold entity at byte offset 0"):
        parse_text("*vet", "MarkdownV2", None)


def test_legacy_markdown_and_plain_text_trim() -> None:
    """Legacy Markdown is parsed; surrounding whitespace is trimmed and entities shift along."""
    assert parse_text("*vet* en _schuin_", "Markdown", None) == (
        "vet en schuin",
        [
            {"type": "bold", "offset": 0, "length": 3},
            {"type": "italic", "offset": 7, "length": 6},
        ],
    )
    assert parse_text("  \n<b>hoi</b>  ", "HTML", None) == (
        "hoi",
        [{"offset": 0, "length": 3, "type": "bold"}],
    )


def test_explicit_entities_win_over_parse_mode() -> None:
    """Given entities are used as they are, and the text is not parsed."""
    entities = [{"type": "bold", "offset": 0, "length": 3}]
    assert parse_text("<b>", "HTML", entities) == ("<b>", entities)


def test_bot_command_entities() -> None:
    """Commands (also with @bot, and later in the text) are marked like Telegram does."""
    assert command_entities("/start abc-9") == [{"offset": 0, "length": 6, "type": "bot_command"}]
    assert command_entities("/help@samenspraak_bot") == [
        {"offset": 0, "length": 21, "type": "bot_command"}
    ]
    assert command_entities("zie /hulp, of https://a.nl/x") == [
        {"offset": 4, "length": 5, "type": "bot_command"}
    ]
    assert command_entities("geen/commando") == []
