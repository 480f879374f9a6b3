"""Cut Telegram HTML into messages: one splitter for chat replies and summaries alike."""

from __future__ import annotations

import re
from collections.abc import Sequence

TELEGRAM_LIMIT = 4096
"""Telegram's limit for one message, in UTF-16 code units."""

_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);|\n\n|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)")


def _units(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _apply_tag(token: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    match = _TAG.match(token)
    if match is None:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return [*stack, (name, token)]
    for index in range(len(stack) - 1, -1, -1):
        if stack[index][0] == name:
            return stack[:index] + stack[index + 1 :]
    return stack


def _closing(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _without_nested_twins(tokens: list[str]) -> list[str]:
    """Drop a tag opened inside the same tag (``<b><b>x</b></b>`` → ``<b>x</b>``) with its close.

    Telegram renders both alike, and without twins the tags reopened at every cut stay a few
    characters, however deep the text nests (else ten nested ``<b>`` could exceed a part)."""
    kept: list[str] = []
    open_tags: list[tuple[str, bool]] = []  # (name, kept) for every open tag
    for token in tokens:
        match = _TAG.match(token) if token.startswith("<") else None
        if match is None:
            kept.append(token)
            continue
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            twin = any(open_name == name for open_name, _ in open_tags)
            open_tags.append((name, not twin))
            if not twin:
                kept.append(token)
            continue
        for index in range(len(open_tags) - 1, -1, -1):
            if open_tags[index][0] == name:
                if open_tags.pop(index)[1]:
                    kept.append(token)
                break
        else:
            kept.append(token)
    return kept


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split HTML text into messages of at most ``limit`` UTF-16 units.

    Cuts at a paragraph break if one fits, else at a line break, else at a space, else
    between characters; never inside a tag or an entity (``&amp;``). Tags open at the cut are
    closed at the end of one part and opened again at the start of the next.
    """
    if _units(text) <= limit:
        return [text] if text else []
    tokens = _without_nested_twins(_TOKEN.findall(text))
    parts: list[str] = []
    start = 0
    stack: list[tuple[str, str]] = []
    while start < len(tokens):
        prefix = "".join(opening for _, opening in stack)
        size = _units(prefix)
        current = list(stack)
        best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
        index = start
        while index < len(tokens):
            token = tokens[index]
            after = _apply_tag(token, current) if token.startswith("<") else current
            if size + _units(token) + _units(_closing(after)) > limit and index > start:
                break
            size += _units(token)
            current = after
            index += 1
            strength = {"\n\n": 3, "\n": 2, " ": 1}.get(token)
            if strength:
                best[strength] = (index, list(current))
        if index >= len(tokens):
            cut, cut_stack = index, current
        else:
            cut, cut_stack = best.get(3) or best.get(2) or best.get(1) or (index, current)
        body = "".join(tokens[start:cut]).rstrip()
        if body.strip() or cut_stack != stack:
            parts.append(prefix + body + _closing(cut_stack))
        start = cut
        while start < len(tokens) and tokens[start] in ("\n\n", "\n", " "):
            start += 1
        stack = cut_stack
    return [part for part in parts if part.strip()]
