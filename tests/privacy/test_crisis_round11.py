"""Round 11 (docs/privacy.md, "Round 11"): general Arabic (dialect and Arabizi) and Dutch frames,
checked on variants written here.

Every text here was written for this test, not taken from a corpus, and each disclosure is
missed by the lexicons of round 10: Sudanese and Arabizi wishes to die, 'God, take me', 'if it
were not haram'; cutting, burning and hitting oneself in Arabizi; harassment and rape in
Arabizi; nude pictures and undressing on camera; thrown out and sleeping in the street; Dutch
relapse into cutting, blades kept, limbs 'opengehaald', tired of existing, a goodbye after "ik
kan niet meer", "nee gezegd" before an assault, "zm" (zelfmoord) with words of intent. On the
quiet side: religious tiredness, sleeping outside on a camping trip, cooking, a cat's
scratches, a lesson, "zm" for "zometeen".
"""

from __future__ import annotations

import pytest

from tests.privacy.round_checks import (
    gets_the_right_help,
    is_caught_by_the_lexicons_alone,
    stays_quiet,
)

DISCLOSURES = [
    ("والله داير اموت، ما في زول حاسي بيا", "ar", "suicide"),
    ("ya rab 5odni 3andak, ana ta3bana", "ar", "suicide"),
    ("يا رب خدني وريحني من هالعيشة", "ar", "suicide"),
    ("لو ما كان حرام كنت خلصت من زمان والله", "ar", "suicide"),
    ("law mesh 7aram kont 3amaltaha", "ar", "suicide"),
    ("embare7 fakkart a2tol nafsi, ma 7ada 3aref", "ar", "suicide"),
    ("kol lila bajra7 dra3i bel moos", "ar", "self_harm"),
    ("ba7ra2 7ali bel wala3a lama at3asab", "ar", "self_harm"),
    ("عم جرح حالي من شهر وما حدا بيعرف", "ar", "self_harm"),
    ("el modarres et7arash beya fel fasl", "ar", "sexual"),
    ("هتك عرضي وما بقدر قول لحدا", "ar", "sexual"),
    ("wa7ed 3ala insta ba3atli sowar 3arya w 3ayez mni kaman", "ar", "online_sexual"),
    ("طلب مني اشلح قدام الكاميرا", "ar", "online_sexual"),
    ("ahli tardouni mn el beit imbare7", "ar", "unsafe_home"),
    ("ma 3ndi fin nbat had lila", "ar", "unsafe_home"),
    ("نمنا بالسيارة تلات ليالي", "ar", "unsafe_home"),
    ("ik snij weer.", "nl", "self_harm"),
    ("heb mn armen weer opengehaald vannacht", "nl", "self_harm"),
    ("ik bewaar de mesjes uit mn puntenslijper in mn etui", "nl", "self_harm"),
    ("ik ben zo moe van het bestaan", "nl", "suicide"),
    ("ik kan het niet meer. doei allemaal", "nl", "suicide"),
    ("soms denk ik erover om voor de trein ervoor te springen", "nl", "suicide"),
    ("ik heb nee gezegd maar hij ging gewoon door", "nl", "sexual"),
    ("got sextorted last night and i dont know what to do", "en", "online_sexual"),
    ("ik denk de laatste tijd veel aan zm", "nl", "suicide"),
    ("heb weer zm gedachten", "nl", "suicide"),
]

QUIET = [
    ("تعبت يا رب بس الحمد لله على كل شي", "ar"),
    ("نمنا برا بالخيمة مع الكشافة، كان حلو", "ar"),
    ("mama bt2ta3 el basal w ana ba7ra2 el 3aish", "ar"),
    ("القطة جرحت ايدي وهي عم تلعب", "ar"),
    ("mijn kat heeft me gekrabd, overal streepjes op mn arm", "nl"),
    ("ik snij weer de uien voor de soep", "nl"),
    ("we kregen les over nee zeggen en grenzen, goed gesprek", "nl"),
    ("ik ben zo moe van school", "nl"),
    # "zm" is also chat for "zometeen" (soon).
    ("ik kom zm naar de les", "nl"),
    ("ik ga dat zm doen, eerst eten", "nl"),
    ("zm even boodschappen en dan huiswerk", "nl"),
]


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_11_disclosures_get_the_right_help(text: str, language: str, category: str) -> None:
    gets_the_right_help(text, language, category)


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_11_disclosures_are_caught_by_the_lexicons_alone(
    text: str, language: str, category: str
) -> None:
    is_caught_by_the_lexicons_alone(text, language, category)


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_round_11_ordinary_texts_stay_quiet(text: str, language: str) -> None:
    stays_quiet(text, language)
