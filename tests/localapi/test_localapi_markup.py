"""parse_mode handling: plain text and entities as Telegram computes them, or its 400 errors."""

from __future__ import annotations

import pytest

from tgstub.errors import ApiError
from tgstub.markup import parse_text
from tgstub.objects import command_entities


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


def test_plain_text_trim() -> None:
    """Surrounding whitespace is trimmed and entities shift along."""
    assert parse_text("  \n<b>hoi</b>  ", "HTML", None) == (
        "hoi",
        [{"offset": 0, "length": 3, "type": "bold"}],
    )


@pytest.mark.parametrize("mode", ["MarkdownV2", "Markdown"])
def test_markdown_modes_are_refused(mode: str) -> None:
    """The bot sends HTML only: a Markdown parse mode is refused instead of parsed unchecked."""
    with pytest.raises(ApiError) as caught:
        parse_text("*vet*", mode, None)
    assert caught.value.description == f"Bad Request: unsupported parse_mode {mode!r}"


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
