"""Round 5 (docs/privacy.md, "Round 5"): frames that generalise beyond one phrasing.

Every text here was written for this test, not taken from a corpus: dialect and Arabizi verb
forms with pronoun suffixes, negation + "want" + "live" in any person, threats with pictures in
any voice, parents away with no food at home; and, on the quiet side, cooking accidents, films,
idioms and words that only start like a crisis word ("diet").
"""

from __future__ import annotations

import pytest

from bot.privacy.crisis import detect_crisis

DISCLOSURES = [
    ("اختي الصغيرة بتقول ما بدها تعيش.", "ar", "suicide"),
    ("wallah baghi nmout", "ar", "suicide"),
    ("جارنا اعتدى عليها وهي صغيرة", "ar", "sexual"),
    ("شب من الانستا بيهددوها بصورها", "ar", "online_sexual"),
    ("امي بتتمنى لو ما جابتني", "ar", "abuse"),
    ("طردوها من الدار لأنها رجعت متأخرة", "ar", "unsafe_home"),
    ("بابا مسافر وماما مش موجودة ومافي اكل", "ar", "unsafe_home"),
    ("baba kaydrbni kol lila", "ar", "abuse"),
    ("بتخبي جروح على دراعها", "ar", "self_harm"),
    ("3ayza amoot", "ar", "suicide"),
    ("tardni bba mn dar", "ar", "unsafe_home"),
    ("na het eten ga ik overgeven omdat ik mezelf walgelijk vind", "nl", "self_harm"),
    ("mijn moeder zegt dat ze spijt heeft dat ze mij gekregen heeft", "nl", "abuse"),
    ("babam sarhoşken eve gelme dedi, bu gece nerede kalacağım", "tr", "unsafe_home"),
    ("kızımın uyluklarında kesikler gördüm", "tr", "self_harm"),
    ("siniaki na rekach mam od ojczyma", "pl", "abuse"),
    ("tata zamyka mnie w piwnicy", "pl", "abuse"),
    ("kendimi cezalandırmak için yemek yemiyorum", "tr", "self_harm"),
    ("ojczym rzucil we mnie kubkiem", "pl", "abuse"),
    ("my sister doesnt want to live anymore", "en", "suicide"),
    ("my uncles would kill me to protect their honor", "en", "abuse"),
    ("mum has been away for days and the fridge is empty", "en", "unsafe_home"),
    ("ik heb slaappillen verstopt onder mijn bed", "nl", "suicide"),
]

QUIET = [
    ("حرقت ايدي وانا بطبخ المجدرة", "ar"),
    ("شفنا مسلسل فيه انتحار وكان حزين", "ar"),
    ("filmde adam kendini öldürüyordu, çok kötüydü", "tr"),
    ("i want to diet before the wedding", "en"),
    ("zondag wil ik dood in mijn bed liggen tot twaalf uur", "nl"),
]


@pytest.mark.parametrize(("text", "lang", "category"), DISCLOSURES)
def test_round5_frames_fire_with_their_category(text: str, lang: str, category: str) -> None:
    signal = detect_crisis(text, (lang,))
    assert signal is not None, text
    assert category in signal.categories


@pytest.mark.parametrize(("text", "lang"), QUIET)
def test_round5_everyday_texts_stay_quiet(text: str, lang: str) -> None:
    assert detect_crisis(text, (lang,)) is None
