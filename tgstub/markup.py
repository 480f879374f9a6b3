"""Turn `text` + `parse_mode` (HTML) into plain text and entities, the way Telegram does.

Telegram rejects malformed markup with `400 can't parse entities: ...`; reproducing that here
lets tests catch an unescaped `<` or `.` before a real user does. Offsets and lengths are in
UTF-16 code units, as in the Bot API. Error wording follows Telegram's (tdlib) messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tgstub.errors import ApiError, bad_request

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _char16(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def parse_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Plain text and sorted entities; explicit `entities` win over `parse_mode`."""
    if entities:
        return _strip(text, [dict(e) for e in entities])
    mode = (parse_mode or "").lower()
    if not mode:
        return _strip(text, [])
    if mode == "html":
        return _strip(*_HtmlParser(text).parse())
    # The bot sends HTML only; refusing the Markdown modes makes a switch to them fail loudly
    # in the tests instead of passing through an unchecked parser.
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram trims surrounding whitespace and shifts entities with it."""
    stripped = text.strip()
    if stripped == text:
        return text, _sorted(entities)
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, _sorted(kept)


def _sorted(entities: list[Entity]) -> list[Entity]:
    # Outer entities first when two start at the same place, as Telegram returns them.
    return sorted(
        (e for e in entities if e["length"] > 0), key=lambda e: (e["offset"], -e["length"])
    )


# --------------------------------------------------------------------------------------------
# HTML

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = {*_HTML_SIMPLE, "a", "span", "tg-emoji", "blockquote"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[a-zA-Z0-9_-]*")


@dataclass
class _Open:
    tag: str
    start: int
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.pos = 0  # UTF-16 length of `out`
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode())

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.pos += utf16_len(chars) if len(chars) > 1 else _char16(chars)

    def parse(self) -> tuple[str, list[Entity]]:
        src, i, size = self.src, 0, len(self.src)
        while i < size:
            char = src[i]
            if char == "&":
                i = self.entity(i)
            elif char == "<":
                i = self.end_tag(i) if src.startswith("</", i) else self.start_tag(i)
            else:
                self.emit(char)
                i += 1
        if self.stack:
            raise parse_error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        return "".join(self.out), self.entities

    def entity(self, i: int) -> int:
        match = _ENTITY_RE.match(self.src, i)
        if match:
            decimal, hexadecimal, name = match.groups()
            char: str | None = None
            if name is not None:
                char = _NAMED_ENTITIES.get(name)
            else:
                code = int(decimal) if decimal is not None else int(hexadecimal, 16)
                if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    char = chr(code)
            if char is not None:
                self.emit(char)
                return match.end()
        self.emit("&")  # an ampersand that starts no known entity is kept literally
        return i + 1

    def start_tag(self, i: int) -> int:
        src = self.src
        name_match = _NAME_RE.match(src, i + 1)
        assert name_match is not None  # the pattern accepts the empty string
        name = name_match.group().lower()
        if name not in _HTML_TAGS:
            raise parse_error(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(i)}'
            )
        attrs, j = self.attributes(name_match.end(), i)
        opened = _Open(name, self.pos, attrs)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(i)}'
            )
        self.stack.append(opened)
        return j

    def attributes(self, j: int, tag_at: int) -> tuple[dict[str, str], int]:
        src, size = self.src, len(self.src)
        attrs: dict[str, str] = {}
        while True:
            while j < size and src[j].isspace():
                j += 1
            if j >= size:
                raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(tag_at)}")
            if src[j] == ">":
                return attrs, j + 1
            name_match = _ATTR_NAME_RE.match(src, j)
            assert name_match is not None
            attr = name_match.group().lower()
            if not attr:
                raise parse_error(
                    f"Unexpected end of name token at byte offset {self.byte_offset(j)}"
                )
            j = name_match.end()
            while j < size and src[j].isspace():
                j += 1
            if j < size and src[j] == "=":
                value, j = self.attribute_value(j + 1, tag_at)
                attrs[attr] = value
            else:
                attrs[attr] = ""

    def attribute_value(self, j: int, tag_at: int) -> tuple[str, int]:
        src, size = self.src, len(self.src)
        while j < size and src[j].isspace():
            j += 1
        if j >= size:
            raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(tag_at)}")
        if src[j] in "'\"":
            end = src.find(src[j], j + 1)
            if end < 0:
                raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(tag_at)}")
            raw, j = src[j + 1 : end], end + 1
        else:
            start = j
            while j < size and not src[j].isspace() and src[j] != ">":
                j += 1
            raw = src[start:j]
        return _ENTITY_RE.sub(_unescape_attr, raw), j

    def end_tag(self, i: int) -> int:
        end = self.src.find(">", i)
        if end < 0:
            raise parse_error(f"Unclosed end tag at byte offset {self.byte_offset(i)}")
        name = self.src[i + 2 : end].strip().lower()
        if not self.stack:
            raise parse_error(f"Unexpected end tag at byte offset {self.byte_offset(i)}")
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise parse_error(
                f"Unmatched end tag at byte offset {self.byte_offset(i)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close(opened)
        return end + 1

    def close(self, opened: _Open) -> None:
        length = self.pos - opened.start
        entity: Entity = {"offset": opened.start, "length": length}
        tag, attrs = opened.tag, opened.attrs
        if tag == "code" and self.stack and self.stack[-1].tag == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            language = attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].language = language.removeprefix("language-")
            return
        if tag in _HTML_SIMPLE:
            entity["type"] = _HTML_SIMPLE[tag]
            if tag == "pre" and opened.language:
                entity["language"] = opened.language
        elif tag == "span":
            entity["type"] = "spoiler"
        elif tag == "a":
            url = attrs.get("href", "")
            if not url:
                return
            entity.update(type="text_link", url=url)
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=attrs.get("emoji-id", ""))
        else:  # blockquote
            entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        if length > 0:
            self.entities.append(entity)


def _unescape_attr(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name, match.group())
    return chr(int(decimal) if decimal is not None else int(hexadecimal, 16))
