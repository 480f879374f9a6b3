"""One message is judged once: the crisis detector's memo of recent verdicts, which keeps no
text."""

from __future__ import annotations

import pickle
from collections.abc import Sequence

import pytest

from bot.privacy import crisis
from bot.privacy.crisis import CrisisSignal, detect_crisis

CRISIS = "ik wil dood, ik wil niet meer leven"


class CountingDetector:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def detect(self, text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
        self.calls.append((text, tuple(languages)))
        return CrisisSignal.of({"suicide"}) if "dood" in text else None


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingDetector:
    detector = CountingDetector()
    monkeypatch.setattr(crisis, "load_detector", lambda: detector)
    monkeypatch.setattr(crisis, "_RECENT", crisis._RecentVerdicts(size=3))
    return detector


def test_the_same_text_in_the_same_languages_is_judged_once(counting: CountingDetector) -> None:
    first = detect_crisis(CRISIS, ("nl", "en"))
    again = detect_crisis(CRISIS, ("nl", "en"))
    assert first == again == CrisisSignal.of({"suicide"})
    assert counting.calls == [(CRISIS, ("nl", "en"))]
    assert detect_crisis("hoi", ()) is None and detect_crisis("hoi", ()) is None
    assert len(counting.calls) == 2  # a quiet verdict (None) is remembered too


def test_other_languages_or_another_text_are_judged_again(counting: CountingDetector) -> None:
    detect_crisis(CRISIS, ("nl",))
    detect_crisis(CRISIS, ("nl", "ar"))
    detect_crisis(CRISIS + ".", ("nl",))
    # The parts of the key cannot shift into each other: a language code is not text.
    detect_crisis("nl" + CRISIS, ())
    assert len(counting.calls) == 4


def test_the_memo_is_bounded_and_holds_no_text(counting: CountingDetector) -> None:
    texts = [f"{CRISIS} {n}" for n in range(10)]
    for text in texts:
        detect_crisis(text, ("nl",))
    memo = crisis._RECENT
    assert len(memo._verdicts) == 3
    dumped = pickle.dumps(dict(memo._verdicts))
    for text in texts:
        assert text.encode() not in dumped
        assert b"dood" not in dumped
    # The oldest went first: the first text is judged again, the last one is not.
    detect_crisis(texts[-1], ("nl",))
    detect_crisis(texts[0], ("nl",))
    assert [call[0] for call in counting.calls[10:]] == [texts[0]]


def test_the_real_detector_gives_the_same_verdict_through_the_memo() -> None:
    languages = ("nl",)
    for text in (CRISIS, "ik wil gewoon meer sportplekken", "I want to kill myself"):
        direct = crisis.load_detector().detect(text, languages)
        assert detect_crisis(text, languages) == direct
        assert detect_crisis(text, languages) == direct
