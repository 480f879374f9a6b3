"""Distancing frames (bot/privacy/safety/frames.py): what makes a lexicon signal eligible for
the model's framed veto, and what never does (laughter: gallows humour). Texts written for this
test."""

from __future__ import annotations

import pytest

from bot.privacy.safety.frames import earnest, framed
from bot.privacy.safety.normalize import normalize


@pytest.mark.parametrize(
    "text",
    [
        "bedoel het als GRAPJE hoor",
        "mama zabije mnie jak zobaczy pokoj, zartuje",
        "he said he'd kill me, joking obviously",
        "annem beni öldürecek şaka tabi",
        "we keken een docu over sextortion",
        "in de les hadden we het over zelfdoding",
        "dizide bir kız intihar ediyor",
        "czytałam artykuł o przemocy",
        "شفت بالأخبار عن التحرش",
        "mijn oom deed dat vroeger, nu gaat het goed",
        "mn broertje slaat me altijd met fifa",
        "we hebben een kussengevecht gehad, ze sloeg me met een KUSSEN",
        # Round 16: lessons, documentaries and "fine now" in Turkish, Arabic and Polish, the
        # languages whose lexicon false alarms had no frame (texts written for this test).
        "okulda siber zorbalik hakkinda konustuk, cok faydaliydi",
        "rehberlik dersinde ogrendik ki intihar dusunceleri olan birine nasil yardim edilir",
        "dün bir belgesel izledim, kadına şiddet üzerine",
        "mieliśmy gastles o przemocy w rodzinie",
        "na lekcji o cyberprzemocy pani mowila co robic",
        "kiedyś się cięłam, teraz już jest dobrze",
        "كان عندنا درس عن التنمر الالكتروني بالمدرسة",
        "شفت وثائقي عن العنف الاسري",
        "kont kanjre7 yeddi zman, daba mzyan lhamdolilah",
        "we had an awareness week on self harm at college",
    ],
)
def test_a_frame_is_found(text: str) -> None:
    assert framed(text)
    assert framed(text, normalize(text, clauses=True))


@pytest.mark.parametrize(
    "text",
    [
        "ik wil heeeel graag dood",
        "ik heb geen toekomst, dat weet ik gewoon",
        "mijn vader slaat mij als hij dronken is",
        "twee weken geleden heeft hij me verkracht",
        "zgwałcił mnie miesiąc temu",
        "een man op roblox wil dat ik fotos stuur zonder kleren",
        "ze zegt dat het de kat was maar we hebben geen kat",
        "ik snij mezelf weer elke avond",
        "أريد الموت",
        "ölmek istiyorum",
        "i cant do this anymore, im done",
        "niemand mag het weten maar mijn oom komt 's nachts op mijn kamer",
        # Laughter is no frame: gallows humour.
        "haha ik wil gewoon dood",
        "ik heb pillen gespaard haha",
        "i want to die lol 💀",
        "ik ga dood hahahaha 😂",
        "we came here 3 years ago and my husband beats me",
        "haha ik zeg het als grap maar serieus ik wil dood",
        "vroeger sloeg hij mama en nu nog steeds",
        # A childhood past is no frame (round 15): abuse is told in the past.
        "mijn oom had seks met me toen ik 10 was",
        "toen ik 8 was ben ik een keer weggelopen",
        "when i was little my dad hit us",
        "babam çocukken bizi döverdi",
        # The lesson or film was about the writer (round 15).
        "we learned about sextortion in class and its happening to me rn",
        "we hadden een les over sextortion en dat gebeurt nu bij mij",
        "w serialu pokazali szantaż i to się dzieje u mnie",
        # Round 16: the place of a lesson is no frame (abuse happens there), nor is wanting to
        # talk about something; only a lesson *about* a topic is.
        "bu derste hoca bana dokunuyor",
        "na lekcji nauczyciel mnie dotyka",
        "i need to talk about my dad hitting me",
        "in het mentoruur zit hij altijd aan me",
        "we hadden gastles over loverboys en toen besefte ik dat mijn vriend dat is",
        # Arabic earnest words take a frame back like "serieus" (round 16's attack).
        "كان عندنا درس عن العنف بالبيت وانا بجد خايفة من ابوي",
        "شفت وثائقي عن الانتحار وانا فعلا بفكر فيه",
    ],
)
def test_no_frame_in_a_plain_disclosure(text: str) -> None:
    assert not framed(text)
    assert not framed(text, normalize(text, clauses=True))


def test_any_text_is_read_without_error() -> None:
    hostile = [
        "",
        "|",
        "ha" * 50_000,
        "\x00\u202e\u2066" * 1_000,
        "ه" * 10_000,
        "😂" * 5_000,
        "toen ik " * 3_000,
    ]
    assert [framed(text) for text in hostile] == [False] * len(hostile)
    assert framed("grapje " * 5_000)


@pytest.mark.parametrize(
    "text",
    [
        "i used to be suicidal but i'm over it now lol. except i'm standing on the roof rn",
        "we learned about sextortion in class and someone is doing it to me right now",
        "we hadden les over loverboys en op dit moment gebeurt dat bij mij",
        "derste şantajı anlattılar, bana şu an oluyor",
        "mieliśmy lekcję o przemocy, w tej chwili ojciec krzyczy za drzwiami",
    ],
)
def test_the_present_moment_takes_a_frame_back(text: str) -> None:
    """Round 17: "rn", "right now", "op dit moment", "şu an", "w tej chwili" are earnest words
    (an attack on the hit head: "... over it now lol. except i'm standing on the roof rn")."""
    assert earnest(text)
    assert not framed(text)
