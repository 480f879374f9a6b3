"""Round 5 (2026-12-03): words added for what an independent tester's answers were about,
in spoken Arabic (Darija, Egyptian, Levantine) as much as in Dutch, English, Turkish and
Polish. The answers here were written for these tests, in no corpus; each got another main
theme before round 5. Matched by the word lists alone, so a retrained model cannot hide a
lost word."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import load_catalog
from bot.summary.themes import ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]
MATCHERS = {
    key: ThemeMatcher(taxonomy, learned=False)
    for key, taxonomy in load_catalog(ROOT / "flows").taxonomies.items()
}

ANSWERS = [
    ("default", "de politie heeft mijn zoon weer staande gehouden zonder reden", "discriminatie"),
    ("default", "ولدي كيحس بالحكرة فالمدرسة", "discriminatie"),
    ("default", "بنتي عندها كوابيس كل ليلة", "mentaal"),
    ("default", "mijn dochter deelt overal haar live locatie", "online-veiligheid"),
    ("default", "okulun önünde arabalar çok hızlı", "veiligheid"),
    ("default", "jestem sam z dziecmi, zona pracuje za granica", "thuis"),
    ("default", "كنتسناو الرونديفو ديال الطبيب", "wachtlijsten"),
    ("default", "ما عرفتش فين نمشي مع المشكل ديالي", "hulp"),
    ("seksuele-gezondheid", "ze mag altijd van mening veranderen, ook halverwege", "grenzen"),
    ("seksuele-gezondheid", "الشباب كيعاكسو البنات فالطريق", "veiligheid"),
    ("seksuele-gezondheid", "in our community you just don't talk about that, it's shameful", "schaamte"),
]  # fmt: skip


@pytest.mark.parametrize(("taxonomy", "text", "theme"), ANSWERS)
def test_round5_words_find_the_main_theme(taxonomy: str, text: str, theme: str) -> None:
    assert MATCHERS[taxonomy].main(text) == theme
