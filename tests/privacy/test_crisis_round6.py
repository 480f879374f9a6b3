"""Round 6 (docs/privacy.md, "Round 6"): frames checked on variants written here.

Every text here was written for this test, not taken from a corpus, and each failed before
round 6: not deserving food, banging one's head, long sleeves over wounds; sleeping in the
street, being afraid to go home or not allowed back in; a relative doing "bad things",
touching "in places"; someone asking what one is wearing; pay-or-it-goes-out threats; and, on
the quiet side, a pet that ran away, lessons and school projects about a topic.
"""

from __future__ import annotations

import pytest

from bot.privacy.crisis import detect_crisis

DISCLOSURES = [
    ("how many sleeping pills does it take to die", "en", "suicide"),
    ("my stepdad walks into the bathroom while im showering and stares", "en", "sexual"),
    ("he says pay 200 or your photos go to your parents", "en", "online_sexual"),
    ("an older guy keeps asking me what im wearing", "en", "online_sexual"),
    ("iedereen zou beter af zijn als ik nooit geboren was", "nl", "suicide"),
    ("ik stond op de brug en twijfelde of ik zou springen", "nl", "suicide"),
    ("als ik morgen onder de trein kom vind ik dat niet erg", "nl", "suicide"),
    ("ik knijp in mijn dijen tot het blauw is", "nl", "self_harm"),
    ("mijn zus weet dat ik snij", "nl", "self_harm"),
    ("mijn oom had seks met me toen ik 10 was", "nl", "sexual"),
    ("ze hebben me meegenomen naar een kelder en ik moest dingen doen", "nl", "sexual"),
    ("mijn stiefvader scheldt me elke dag uit voor slet", "nl", "abuse"),
    ("انا ما نستاهلش ناكل اليوم", "ar", "self_harm"),
    ("ملي كنتعصب كنخبط راسي مع الحيط", "ar", "self_harm"),
    ("كنلبس كم طويل باش ما يبانوش الجروح", "ar", "self_harm"),
    ("غادي ننعس فالزنقة هاد الليلة", "ar", "unsafe_home"),
    ("خايفة نرجع للدار اليوم", "ar", "unsafe_home"),
    ("mab9itch baghya n3ich", "ar", "suicide"),
    ("ولد عمي دار ليا حاجات خايبة", "ar", "sexual"),
    ("كان كيقيسني فبلايص حساسة", "ar", "sexual"),
    ("واحد كيسولني شنو لابسة", "ar", "online_sexual"),
    ("yemek yemeyi hak etmiyorum", "tr", "self_harm"),
    ("kızım öğretmenin ona dokunduğunu anlattı", "tr", "sexual"),
    ("adam elini bacaklarımın arasına koydu", "tr", "sexual"),
    ("bu gece kalacak bir yerim yok", "tr", "unsafe_home"),
    ("annem eve giremeyeceğimi söyledi", "tr", "unsafe_home"),
    ("nie mam gdzie nocowac", "pl", "unsafe_home"),
    ("gryze sie az do krwi", "pl", "self_harm"),
    ("wujek wchodzi do lazienki kiedy sie myje", "pl", "sexual"),
    ("mama mnie wyzywa od idiotek", "pl", "abuse"),
]

QUIET = [
    ("my cat ran away last week but came back", "en"),
    ("in de les hebben we besproken wat sextortion is", "nl"),
    ("عملنا فيديو عن التحرش فالمدرسة", "ar"),
    ("wysylanie nagich zdjec to przestepstwo, mowila pani", "pl"),
]


@pytest.mark.parametrize(("text", "lang", "category"), DISCLOSURES)
def test_round6_frames_fire_with_their_category(text: str, lang: str, category: str) -> None:
    signal = detect_crisis(text, (lang,))
    assert signal is not None, text
    assert category in signal.categories


@pytest.mark.parametrize(("text", "lang"), QUIET)
def test_round6_everyday_texts_stay_quiet(text: str, lang: str) -> None:
    assert detect_crisis(text, (lang,)) is None
