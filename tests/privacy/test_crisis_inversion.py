"""Round 2 of the crisis detector (issue 14 items 1, 5): Dutch verb-subject order after a
fronted word or clause, and the frames found missing by an independent tester's corpus
(plans with a place, goodbyes, hidden self-harm, abuse by strangling, weapons or hunger,
sex while drunk, grooming by a much older person), while hyperbole, lessons, careers and
other people's resolved past stay quiet. The sentences here are variants written for these
tests, not the corpus's own."""

from __future__ import annotations

import pytest

from bot.privacy.crisis import compile_lexicon, detect_crisis
from bot.privacy.safety.lexicon import Lexicon, LexiconError
from bot.privacy.safety.normalize import normalize

FIRES = [
    # verb before subject after a fronted adverb or clause
    ("daarom snij ik mezelf", "nl", "self_harm"),
    ("als het te veel wordt doe ik mezelf pijn", "nl", "self_harm"),
    ("soms slaat hij me met een riem", "nl", "abuse"),
    # subordinate clause order
    ("wanneer ik me kras voel ik rust", "nl", "self_harm"),
    # plans, goodbyes, children reported by parents, messages for after
    ("zaterdag ga ik naar het spoor achter de school. dan is het over", "nl", "suicide"),
    ("mijn dochter zei vanmorgen dat ze dood wil", "nl", "suicide"),
    ("ik heb gegoogeld hoe je het het snelst kan doen", "nl", "suicide"),
    ("zeg tegen mijn vader dat het niet zijn schuld is", "nl", "suicide"),
    ("ik heb een touw verstopt om het mee te doen", "nl", "suicide"),
    ("als ik maandag niet op school ben weten jullie waarom", "nl", "suicide"),
    # hidden self-harm
    ("ik draag een trui in de zomer zodat niemand mijn littekens ziet", "nl", "self_harm"),
    ("ik heb een scheermesje in mijn tas voor als het thuis te veel wordt", "nl", "self_harm"),
    ("snijden is het enige wat nog helpt", "nl", "self_harm"),
    ("ik verdien gewoon pijn", "nl", "self_harm"),
    # abuse
    ("als mijn moeder dronken is verstoppen we ons op zolder", "nl", "abuse"),
    ("mijn stiefvader heeft me bij mijn keel gegrepen", "nl", "abuse"),
    ("als straf krijg ik vaak niks te eten", "nl", "abuse"),
    ("hij zei dat hij me dood slaat als ik het vertel", "nl", "abuse"),
    # sexual and online
    ("een jongen heeft dingen met me gedaan toen ik sliep", "nl", "sexual"),
    ("hij ging gewoon door toen ik stop zei", "nl", "sexual"),
    ("een man van 40 appt me elke avond", "nl", "online_sexual"),
    # thrown out, forced marriage
    ("mijn vader zegt dat ik moet oprotten", "nl", "unsafe_home"),
    ("ze hebben mijn paspoort afgepakt zodat ik niet weg kan", "nl", "unsafe_home"),
]

QUIET = [
    ("als ik die toets niet haal ga ik dood", "nl"),
    ("ik ga dood van deze hitte", "nl"),
    ("na het zwemmen kan ik echt niet meer", "nl"),
    ("mijn leven is voorbij want mijn iphone is kapot", "nl"),
    ("de mentor zei dat we voorzichtig moeten zijn met naaktfoto's delen", "nl"),
    ("ik wil later advocaat worden om kinderen te helpen die mishandeld worden", "nl"),
    ("pillen slikken is zo lastig voor mij", "nl"),
    ("mijn nicht deed vroeger aan zelfbeschadiging maar nu gaat het echt beter", "nl"),
    ("mijn zusje zegt dat ze wegloopt als ze geen snoep krijgt", "nl"),
    ("de school moet meer doen tegen grooming", "nl"),
    ("mijn moeder slaat de deur dicht als ze boos is", "nl"),
]


@pytest.mark.parametrize(("text", "language", "category"), FIRES)
def test_round_two_frames_fire_with_their_category(text: str, language: str, category: str) -> None:
    signal = detect_crisis(text, (language,))
    assert signal is not None, text
    assert category in signal.categories


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_round_two_hyperbole_topics_and_resolved_past_stay_quiet(text: str, language: str) -> None:
    assert detect_crisis(text, (language,)) is None


def _lexicon(**extra: object) -> Lexicon:
    data = {"language": "xx", "categories": {"self_harm": ["ik doe mezelf pijn"]}, **extra}
    return compile_lexicon(data)


def _matches(lexicon: Lexicon, text: str) -> bool:
    return bool(lexicon.match(normalize(text, clauses=True)))


def test_verb_subject_order_is_read_as_subject_verb_only_with_inversion() -> None:
    inversion = {"subjects": ["ik"], "conjunctions": ["als"]}
    plain = _lexicon()
    inverted = _lexicon(inversion=inversion)
    assert not _matches(plain, "daarom doe ik mezelf pijn")
    assert _matches(inverted, "daarom doe ik mezelf pijn")
    assert _matches(inverted, "ik doe mezelf pijn")
    # a subject at the start of a clause or after a conjunction is not moved
    assert not _matches(inverted, "doe. ik mezelf pijn")
    with_conjunction = compile_lexicon(
        {"language": "xx", "categories": {"self_harm": ["ik als"]}, "inversion": inversion}
    )
    assert not _matches(with_conjunction, "als ik")


def test_inversion_needs_single_word_subjects_and_conjunctions() -> None:
    with pytest.raises(LexiconError):
        _lexicon(inversion=["ik"])
    with pytest.raises(LexiconError):
        _lexicon(inversion={"subjects": ["ik wil"], "conjunctions": ["als"]})
