"""Personal details are replaced by visible markers before free text is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.helplines import load_helplines
from bot.privacy.redact import MARKERS, redact

CORPUS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "redaction_corpus.yaml").read_text(encoding="utf-8")
)
FAST = settings(max_examples=200, deadline=None)


def test_corpus_is_big_and_balanced() -> None:
    """The corpus has at least 60 cases, and at least 20 of them must stay unchanged."""
    unchanged = [case for case in CORPUS if case["input"] == case["expected"]]
    assert len(CORPUS) >= 60
    assert len(unchanged) >= 20
    assert all(set(case) == {"input", "expected"} for case in CORPUS)


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{n:02d}-{c['input'][:30]}" for n, c in enumerate(CORPUS)]
)
def test_corpus_case(case: dict[str, str]) -> None:
    """Each corpus sentence comes out exactly as expected."""
    assert redact(case["input"]).text == case["expected"]


@pytest.mark.parametrize("case", CORPUS, ids=[f"{n:02d}" for n in range(len(CORPUS))])
def test_redaction_is_idempotent(case: dict[str, str]) -> None:
    """Redacting a redacted text changes nothing: markers are never redacted again."""
    once = redact(case["input"]).text
    assert redact(once) == redact(once)
    assert redact(once).text == once
    assert redact(once).kinds == frozenset()


def test_kinds_name_what_was_removed() -> None:
    """The result lists each kind of detail found, without keeping the detail itself."""
    result = redact(
        "Sam, 06-98765432, sam@live.nl, @sammie, Kerkstraat 1, 1234 AB, NL91ABNA0417164300"
    )
    assert result.kinds == {"phone", "email", "handle", "address", "postcode", "iban", "name"}
    assert "98765432" not in result.text
    assert redact("Ik ben 14.").kinds == frozenset()


def test_every_marker_is_dutch_and_bracketed() -> None:
    """Markers are short Dutch words in brackets, one per kind."""
    assert set(MARKERS.values()) == {
        "[e-mail]",
        "[link]",
        "[gebruikersnaam]",
        "[telefoonnummer]",
        "[bsn]",
        "[iban]",
        "[postcode]",
        "[adres]",
        "[datum]",
        "[kenteken]",
        "[school]",
        "[straat]",
        "[naam]",
    }


def test_every_help_line_number_survives() -> None:
    """The numbers in the help-line data file are never redacted."""
    for line in load_helplines():
        for number in line.numbers:
            text = f"Ik heb {number} gebeld, {number}."
            assert redact(text).text == text


# --- properties -------------------------------------------------------------------------------

WORDS = st.sampled_from(["ik", "bel", "mij", "op", "of", "thuis", "morgen", "graag", "nummer"])
SEPARATORS = st.sampled_from(["", " ", "-", " - "])


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    digits = "".join(str(draw(st.integers(0, 9))) for _ in range(8))
    prefix = draw(st.sampled_from(["06", "+31 6", "+316", "0031 6", "+31 (0)6"]))
    split = draw(st.sampled_from([8, 4, 2]))
    sep = draw(SEPARATORS) if split != 8 else ""
    groups = [digits[i : i + split] for i in range(0, 8, split)]
    return prefix + draw(SEPARATORS) + sep.join(groups)


def _elfproef_digit(head: int) -> int:
    digits = [int(d) for d in f"{head:08d}"]
    return sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    head = draw(st.integers(1, 99_999_999).filter(lambda h: _elfproef_digit(h) < 10))
    digits = f"{head:08d}{_elfproef_digit(head)}"
    style = draw(st.sampled_from(["plain", "dots", "spaces"]))
    if style == "dots":
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    if style == "spaces":
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


@st.composite
def valid_dutch_ibans(draw: st.DrawFn) -> str:
    bank = draw(st.sampled_from(["ABNA", "RABO", "INGB", "TRIO", "ASNB", "SNSB", "KNAB"]))
    account = "".join(str(draw(st.integers(0, 9))) for _ in range(10))
    numeric = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(numeric) % 97
    compact = f"NL{check:02d}{bank}{account}"
    if draw(st.booleans()):
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


@FAST
@given(before=WORDS, number=mobile_numbers(), after=WORDS)
def test_mobile_numbers_are_always_removed(before: str, number: str, after: str) -> None:
    """Any Dutch mobile number, in any common notation, becomes [telefoonnummer]."""
    assert redact(f"{before} {number} {after}").text == f"{before} [telefoonnummer] {after}"


@FAST
@given(before=WORDS, bsn=valid_bsns(), after=WORDS)
def test_valid_bsns_are_always_removed(before: str, bsn: str, after: str) -> None:
    """Nine digits that pass the elfproef become [bsn], plain or grouped."""
    result = redact(f"{before} {bsn} {after}")
    assert result.text == f"{before} [bsn] {after}"
    assert result.kinds == {"bsn"}


@FAST
@given(before=WORDS, iban=valid_dutch_ibans(), after=WORDS)
def test_valid_ibans_are_always_removed(before: str, iban: str, after: str) -> None:
    """A Dutch IBAN with a correct check, compact or in groups of four, becomes [iban]."""
    assert redact(f"{before} {iban} {after}").text == f"{before} [iban] {after}"


@FAST
@given(
    template=st.sampled_from(
        [
            "ik ben {n}",
            "{n} keer",
            "groep {n}",
            "in {y}",
            "sinds {y} is het duur",
            "{n} euro",
            "we zijn met {n} mensen",
            "klas {n}b",
            "{n} van de {m}",
            "om {n}:{m} uur",
        ]
    ),
    n=st.integers(0, 99),
    m=st.integers(0, 59),
    y=st.integers(1900, 2099),
)
def test_ordinary_numbers_stay(template: str, n: int, m: int, y: int) -> None:
    """Ages, counts, years, school groups and times are not personal details."""
    text = template.format(n=n, m=m, y=y)
    assert redact(text).text == text


@FAST
@given(st.text(max_size=120))
def test_any_text_is_handled(text: str) -> None:
    """Arbitrary text never breaks redaction, and a second pass changes nothing."""
    once = redact(text).text
    assert redact(once).text == once
