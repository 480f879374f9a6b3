"""Round 6 of the theme words (docs/summary.md, "Round 6"): answers written for these tests,
not taken from any corpus; each got another main theme, or none, from the words before."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.summary.themes import ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def words() -> dict[str, ThemeMatcher]:
    catalog = load_catalog(ROOT / "flows")
    return {key: ThemeMatcher(value, learned=False) for key, value in catalog.taxonomies.items()}


@pytest.mark.parametrize(
    ("taxonomy", "text", "theme"),
    [
        ("default", "via magister zie ik nooit wat mijn zoon moet doen", "school"),
        (
            "default",
            "mijn dochter mag niet alleen naar huis fietsen als het donker is",
            "veiligheid",
        ),
        ("default", "zonder merkkleding hoor je er niet bij", "vrienden"),
        ("default", "nie mam pojęcia jaki zawód wybrać", "werk"),
        ("default", "people treat you different if you have a foreign name", "discriminatie"),
        ("default", "er is in onze wijk geen speelplek voor de kleintjes", "vrije-tijd"),
        ("seksuele-gezondheid", "meisjes moeten leren hayır demeyi", "grenzen"),
        (
            "seksuele-gezondheid",
            "bij ons thuis doen ze alsof het niet bestaat, ik moet alles verbergen",
            "schaamte",
        ),
        ("seksuele-gezondheid", "de bioleraar slaat dat hoofdstuk altijd over", "voorlichting"),
        ("seksuele-gezondheid", "jaloezie wordt gezien als iets liefs", "relaties"),
    ],
)
def test_round6_words_give_the_main_theme(
    words: dict[str, ThemeMatcher], taxonomy: str, text: str, theme: str
) -> None:
    assert words[taxonomy].ranked(text)[0] == theme
