"""Long chat replies are cut by the one HTML-aware splitter: every part within Telegram's
limit counted in UTF-16 units, tags closed and reopened, entities whole, buttons on the last."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.chat.events import Button, Send
from bot.split import TELEGRAM_LIMIT
from bot.telegram.deliver import deliver
from tests.summary.test_render import balanced


@dataclass
class RecordingBot:
    texts: list[tuple[str, Any]] = field(default_factory=list)

    async def _post(self, method: str, data: dict[str, Any]) -> None:
        """Where deliver sends a message (PTB's request path, see bot.telegram.deliver._call)."""
        assert method == "sendMessage"
        self.texts.append((data["text"], data["reply_markup"]))


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_a_long_reply_is_split_by_utf16_units_and_keeps_its_markup() -> None:
    # One bold line of emoji (two UTF-16 units each) and entities, longer than one message.
    text = "<b>" + " ".join(f"😀&amp;{n}" for n in range(1500)) + "</b>"
    assert units(text) > 2 * TELEGRAM_LIMIT
    bot = RecordingBot()
    buttons = ((Button("Klaar", "d:ab12cd34"),),)
    await deliver(bot, 1, [Send(text, buttons)])  # type: ignore[arg-type]
    parts = [sent for sent, _ in bot.texts]
    assert len(parts) > 1
    for part in parts:
        assert units(part) <= TELEGRAM_LIMIT
        assert part.startswith("<b>") and part.endswith("</b>") and balanced(part)
        assert not re.search(r"&(?!amp;)", part)
    words = " ".join(re.sub(r"</?b>", "", part) for part in parts).split()
    assert words == [f"😀&amp;{n}" for n in range(1500)]
    markups = [markup for _, markup in bot.texts]
    assert markups[:-1] == [None] * (len(parts) - 1) and markups[-1] is not None
