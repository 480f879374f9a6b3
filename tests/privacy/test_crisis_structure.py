"""The crisis detector generalises by structure, not by listed sentences: clause ends, word
windows, chat spelling in phrases, glued words, Dutch separable verbs, and frames for indirect
disclosures (goodbye, burden, secrecy, threats to share, fear of home), while jokes, games and
topic talk stay quiet. Examples are from the probe sets written for tuning, not from a corpus."""

from __future__ import annotations

import pytest

from bot.privacy.crisis import compile_lexicon, detect_crisis
from bot.privacy.safety.lexicon import Lexicon
from bot.privacy.safety.normalize import normalize

# Indirect or disguised disclosures the lexicons must catch through a frame or a rule.
INDIRECT = [
    # glued words, also where squeezing ate a letter at the seam ("ik" + "kras")
    ("ikwilgewoondood", "nl", "suicide"),
    ("ikkrasmezelf", "nl", "self_harm"),
    # a separable verb split in a main clause, and "te" between particle and verb
    ("ik hang mezelf op", "nl", "suicide"),
    ("ik denk erover om me op te hangen", "nl", "suicide"),
    ("ik denk er steeds aan om mezelf van het leven te beroven", "nl", "suicide"),
    # "I can't any more" as a whole clause
    ("ik kan niet meer. echt niet.", "nl", "suicide"),
    # goodbye, giving things away, nobody would miss me, a burden
    ("doei iedereen, dit is mijn laatste bericht", "nl", "suicide"),
    ("dit was het dan, doei allemaal", "nl", "suicide"),
    ("ik geef al mijn spullen weg", "nl", "suicide"),
    ("niemand zou me missen eigenlijk", "nl", "suicide"),
    ("iedereen zou blij zijn als ik weg ben", "nl", "suicide"),
    ("ik ben een last voor iedereen", "nl", "suicide"),
    ("mijn zoon zegt hij wil zichzelf doodmaken", "nl", "suicide"),
    ("no one would even notice if i was gone", "en", "suicide"),
    ("i wrote goodbye letters to my friends", "en", "suicide"),
    # self-harm by intent and means
    ("ik heb me met opzet gebrand", "nl", "self_harm"),
    ("i started cutting again", "en", "self_harm"),
    # a person and an act with words between, and threats tied to telling
    ("mn pa heeft me gister weer in elkaar geslagen", "nl", "abuse"),
    ("mijn vader zegt dat hij me vermoordt als ik het aan iemand vertel", "nl", "abuse"),
    ("ik krijg van mijn vader een klap als ik iets fout doe", "nl", "abuse"),
    ("my brother threatened to stab me", "en", "abuse"),
    ("vader boos, hij slaan mijn zoon", "nl", "abuse"),  # a parent with little Dutch
    ("morgen ben ik er niet meer", "nl", "suicide"),
    ("ik heb alles geregeld, brief ligt klaar", "nl", "suicide"),
    ("het leven is zinloos", "nl", "suicide"),
    ("mąż mnie pobił", "pl", "abuse"),
    # no consent, secrecy, being made to do things
    ("hij zoende me ook al zei ik nee", "nl", "sexual"),
    ("hij trok mijn broek uit terwijl ik dat niet wilde", "nl", "sexual"),
    (
        "ik moet van hem dingen doen die ik niet wil en ik mag het aan niemand vertellen",
        "nl",
        "sexual",
    ),
    ("zit hij aan me als mama weg is", "nl", "sexual"),
    # threats to share, "or else", sextortion, grooming by request
    ("hij heeft een screenshot van onze videocall en dreigt die te delen", "nl", "online_sexual"),
    ("als ik niet nog meer fotos stuur zet hij ze op insta", "nl", "online_sexual"),
    ("hij wil n00dz", "nl", "online_sexual"),
    ("someone is blackmailing me with a video of me naked", "en", "online_sexual"),
    ("videomu internete koyacağını söylüyor", "tr", "online_sexual"),
    # running away, unsafe at home, fear of home
    ("ik ben bang voor wat er gebeurt als ik thuis kom", "nl", "unsafe_home"),
    ("ik slaap al twee nachten buiten", "nl", "unsafe_home"),
    ("home doesnt feel safe anymore", "en", "unsafe_home"),
    ("أنا لا أشعر بالأمان في بيتنا", "ar", "unsafe_home"),
]

# Hyperbole, games, sport, lessons and news, everyday separable verbs: no signal.
QUIET = [
    ("ik kan niet meer wachten op de zomer", "nl"),
    ("ik kan niet meer stoppen met lachen", "nl"),
    # Left quiet on purpose: in a consultation it is how someone says they want to stop.
    ("ik wil niet meer!!!!!", "nl"),
    ("ik hang de was op", "nl"),
    ("ik hang mijn jas op", "nl"),
    ("ik heb pillen geslikt tegen de hoofdpijn", "nl"),
    ("mijn oom doet leuke dingen met mij", "nl"),
    ("de film ging over een vader die zijn kinderen sloeg", "nl"),
    ("morgen ben ik er niet, ik ben ziek", "nl"),
    ("ik heb alles geregeld voor het feest", "nl"),
    ("ik heb hem gekilld in fortnite", "nl"),
    ("mijn moeder schopt me uit bed elke ochtend haha", "nl"),
    ("mijn laatste bericht was over de speeltuin", "nl"),
    ("niemand zou merken dat ik mijn huiswerk niet heb", "nl"),
    ("op school leren we over online veiligheid en nudes", "nl"),
    ("ik zag een film over een meisje dat misbruikt werd, heftig", "nl"),
    ("ik ben een keer weggelopen in de supermarkt toen ik 4 was", "nl"),
    ("ik ben bang om te laat thuis te zijn", "nl"),
    ("ik ben weg van huis op vakantie", "nl"),
    ("we slapen buiten in een tent op kamp", "nl"),
    ("the teacher taught us about online grooming", "en"),
    ("my little brother hits me with pillows lol", "en"),
    ("the movie was about a girl who ran away from home", "en"),
    ("قائمة الانتظار طويلة جدا", "ar"),  # "waiting list", one letter from "suicide"
    ("أمي تضربني بالمخدة هههه", "ar"),
    ("brat bije mnie w grze", "pl"),
]


@pytest.mark.parametrize(("text", "language", "category"), INDIRECT)
def test_indirect_disclosure_fires_with_its_category(
    text: str, language: str, category: str
) -> None:
    signal = detect_crisis(text, (language,))
    assert signal is not None, text
    assert category in signal.categories


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_jokes_games_lessons_and_everyday_verbs_stay_quiet(text: str, language: str) -> None:
    assert detect_crisis(text, (language,)) is None


def test_clause_ends_become_a_token_but_dotted_words_stay_whole() -> None:
    assert (
        normalize("ik kan niet meer. echt, niet!", clauses=True)
        == "ik kan niet mer | echt | niet |"
    )
    assert normalize("z.e.l.f.m.o.o.r.d", clauses=True) == "zelfmord |"
    assert normalize("ik kan niet meer. echt") == "ik kan niet mer echt"


def _lexicon(phrases: list[str], lemmas: dict[str, str] | None = None, **extra: object) -> Lexicon:
    data = {"language": "xx", "categories": {"unsafe_home": phrases}, **extra}
    return compile_lexicon(data, lemmas)


def _matches(lexicon: Lexicon, text: str) -> bool:
    return bool(lexicon.match(normalize(text, clauses=True)))


def test_wide_window_stays_inside_its_clause() -> None:
    lexicon = _lexicon(["bang ~ thuis"])
    assert _matches(lexicon, "ik ben bang voor wat er gebeurt als ik thuis kom")
    assert not _matches(lexicon, "ik ben bang. thuis is het gezellig")
    assert not _matches(lexicon, "bang een twee drie vier vijf zes zeven thuis")


def test_dollar_matches_only_the_end_of_a_clause() -> None:
    lexicon = _lexicon(["ik kan niet meer $"])
    assert _matches(lexicon, "ik kan niet meer")
    assert _matches(lexicon, "ik kan niet meer, help")
    assert not _matches(lexicon, "ik kan niet meer wachten")


def test_slang_applies_to_the_words_of_a_phrase() -> None:
    """A phrase written with "wilde" still matches after the text's "wou" became "wil"."""
    lexicon = _lexicon(["terwijl ik dat niet wilde"], slang={"wou": "wil", "wilde": "wil"})
    assert _matches(lexicon, "terwijl ik dat niet wou")
    assert _matches(lexicon, "terwijl ik dat niet wilde")


def test_separable_verbs_are_joined_only_where_the_lexicon_says() -> None:
    phrases = ["me ophangen"]
    separable = {"particles": ["op"], "marker": "te"}
    plain = _lexicon(phrases)
    # "ophang" is a form of "ophangen" (the generated lemma table has such pairs).
    joined = _lexicon(phrases, {"ophang": "ophangen"}, separable=separable, split_glued=True)
    assert not _matches(plain, "ik denk erover om me op te hangen")
    assert _matches(joined, "ik denk erover om me op te hangen")
    assert _matches(joined, "ik hang me op")
    assert not _matches(joined, "ik hang de was op")


def test_glued_words_split_only_into_words_the_lexicon_knows() -> None:
    phrases = ["ik wil dood"]
    lexicon = _lexicon(phrases, split_glued=True)
    assert _matches(lexicon, "ikwildood")
    assert not _matches(_lexicon(phrases), "ikwildood")
    assert not _matches(lexicon, "ikwildoodgraag")


def test_message_window_crosses_clauses_but_not_twenty_words() -> None:
    lexicon = _lexicon(["pillen ~~ allemaal innemen"])
    assert _matches(lexicon, "de pillen liggen in de kast. ik wil ze allemaal innemen")
    assert not _matches(lexicon, "pillen " + "een " * 21 + "allemaal innemen")


def test_glued_pieces_get_their_chat_spelling() -> None:
    assert detect_crisis("kwilgwndood", ("nl",)) is not None
    assert detect_crisis("ikwilgwnnietmeerleven", ("nl",)) is not None


def test_the_longest_exclusion_in_the_texts_own_form_is_blanked() -> None:
    """A shorter exclusion ("learned about consent") must not leave the rest of a longer one
    ("... and sending nudes") to fire."""
    lexicon = compile_lexicon(
        {
            "language": "xx",
            "slang": {"nudes": "nude photos"},
            "categories": {"online_sexual": ["nude photos"]},
            "exclude": ["learned ~ about ~ consent|nudes"],
        }
    )
    text = normalize("we learned about consent and sending nudes today", clauses=True)
    assert not lexicon.match(lexicon.blank(text))


def test_a_glued_arabic_conjunction_is_also_read_without_it() -> None:
    lexicon = compile_lexicon(
        {"language": "xx", "clitics": ["و"], "categories": {"sexual": ["بيلمسني"]}}
    )
    assert lexicon.match(normalize("بيدخل غرفتي وبيلمسني", clauses=True))
    assert not _lexicon(["ين"], clitics=["و"]).match(normalize("وين", clauses=True))
