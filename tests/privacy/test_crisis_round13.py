"""Round 13 (docs/privacy.md, "Round 13"): frames from the training misses of train14a-b,
checked on variants written here.

Every text here was written for this test, not taken from a corpus, and each disclosure is
missed by the lexicons of round 12: disappearing "permanently", relapsing after weeks clean,
long sleeves in summer because of the arms, a hand down someone's pants, "massages" that go too
far, "if I really loved him", a grabbed neck, a black eye from a brother, pushed down the
stairs, "hits us"; Dutch "stoppen met alles", a sharpener taken apart for its blade, grabbed
between the legs, waking up with him on top, filmed in a changing room, a fake account on a sex
site, robux for something on camera, "is het normaal dat je ouders je slaan", "slaat papa
mama", put outside at night or as a punishment, things in bin bags, alone at home for weeks
without money; Polish "po co ja jestem", groped at work, bruises from a cable, sleeping in a
car, nowhere to go; Turkish "keşke uyanmasam", fresh marks on the arms, photos going round,
pay or it is spread, sent to Turkey and left there; Arabic wishing not to wake up, "God, take
me" and "no longer want to live" in Arabizi, long sleeves even in summer; then, from train14c
and train14d, Turkish pills counted or hoarded, a lighter, "istemedigim halde", locked in,
nights outside, English "fine without me", Dutch stealthing and the key taken, Polish pills
hidden, "się tnę", cut wrists, sleeves in the heat, touched, pay or the film goes round, hit in
the face, locked in, run away, sleeping in the car. On the quiet side:
the same words in ordinary answers, Darija "dying of laughter", and the contraceptive pill
("de pil vergeten te nemen" fired as a suicide signal).
"""

from __future__ import annotations

import pytest

from tests.privacy.round_checks import (
    gets_the_right_help,
    is_caught_by_the_lexicons_alone,
    stays_quiet,
)

DISCLOSURES = [
    ("sometimes i want to vanish for good, not just for a weekend", "en", "suicide"),
    ("i relapsed yesterday after 5 weeks clean and nobody knows", "en", "self_harm"),
    ("wearing a hoodie in this heatwave because of my wrists", "en", "self_harm"),
    ("at the party he put his hand under my skirt even when i moved away", "en", "sexual"),
    (
        "my uncle says the massages are normal but it doesnt feel right when he does it",
        "en",
        "sexual",
    ),
    ("he says if i really loved him i would send him pics", "en", "online_sexual"),
    ("my stepdad squeezed my throat last night when i talked back", "en", "abuse"),
    ("i have a black eye from my brother and i told everyone it was a door", "en", "abuse"),
    ("he shoved mum down the stairs again", "en", "abuse"),
    ("my parents beat us when we are late", "en", "abuse"),
    ("ik wil gewoon stoppen, en niet met voetbal maar met alles", "nl", "suicide"),
    ("ik heb de slijper open gemaakt om het mesje te pakken", "nl", "self_harm"),
    ("in de bus heeft een man me tussen mijn benen betast", "nl", "sexual"),
    ("ik werd wakker en toen zat hij bovenop mij", "nl", "sexual"),
    ("iemand heeft me stiekem gefilmd in de kleedkamer van gym", "nl", "online_sexual"),
    ("er is een nep account met mijn fotos op een pornosite", "nl", "online_sexual"),
    ("hij gaf me skins en nu wil hij iets terug via de cam", "nl", "online_sexual"),
    ("is het normaal dat je moeder je schopt als je brutaal bent", "nl", "abuse"),
    ("als hij gedronken heeft slaat papa mama", "nl", "abuse"),
    ("mijn stiefvader zet me als straf buiten in de kou", "nl", "unsafe_home"),
    ("mijn spullen zijn op straat gegooid door mijn moeder", "nl", "unsafe_home"),
    ("we zijn al een week alleen thuis en er is geen eten meer", "nl", "unsafe_home"),
    ("po co ja w ogole zyje, nikt by nie zauwazyl", "pl", "suicide"),
    ("trener maca mnie po udach jak nikt nie patrzy", "pl", "sexual"),
    ("mam slady na nogach od paska taty", "pl", "abuse"),
    ("musialam spac na dworcu bo ojczym mnie nie wpuscil", "pl", "unsafe_home"),
    ("mama go wyrzucila i on nie ma gdzie spac", "pl", "unsafe_home"),
    ("keske yarin uyanmasam", "tr", "suicide"),
    ("kolumda yine taze kesikler var, kimse bilmiyor", "tr", "self_harm"),
    ("videolarim okulda herkeste var, ne yapacagimi bilmiyorum", "tr", "online_sexual"),
    ("babam beni pakistana gonderip orada birakacagini soyledi", "tr", "abuse"),
    ("كل ليلة بتمنى ما اصحى الصبح", "ar", "suicide"),
    ("ya rabbi tokhdni 5alas", "ar", "suicide"),
    ("ma3ad biddi 3ish hon", "ar", "suicide"),
    ("كنلبس كم طويل حتى في الصيف باش ما يشوفوش يدي", "ar", "self_harm"),
    # From train14c's misses: Turkish pills, burning and cutting, coercion, locking in, nights
    # outside; English "fine without me", painless methods; Dutch stealthing, asleep, the key.
    ("kac tane ilac icsem olurum acaba", "tr", "suicide"),
    ("annemin haplarini biriktiriyorum dolapta", "tr", "suicide"),
    ("dun aksam cakmakla elimi yaktim bilerek", "tr", "self_harm"),
    ("uc aydir kesmiyordum ama bu hafta yine basladim", "tr", "self_harm"),
    ("istemedigim halde devam etti, ben sustum", "tr", "sexual"),
    ("bir adam ic camasirli foto istedi benden", "tr", "online_sexual"),
    ("abim beni odama kilitledi ve telefonumu aldi", "tr", "abuse"),
    ("ucuncu gundur geceleri parkta kaliyorum", "tr", "unsafe_home"),
    ("honestly they would all be fine without me", "en", "suicide"),
    ("i keep researching painless ways, not for a school project", "en", "suicide"),
    ("hij deed het condoom af zonder het te zeggen", "nl", "sexual"),
    ("hij doet het soms terwijl ik slaap", "nl", "sexual"),
    ("mijn stiefvader heeft mijn sleutel afgepakt, ik mag er niet meer in", "nl", "unsafe_home"),
    # From train14d's misses: Polish parents and teenagers.
    ("syn chowa tabletki w szafie, znalazlam cala torbe", "pl", "suicide"),
    ("sie znowu tne, nie mowcie mamie", "pl", "self_harm"),
    ("ma pociete nadgarstki i mowi ze to nic", "pl", "self_harm"),
    ("nosi bluze z dlugim rekawem nawet w upale", "pl", "self_harm"),
    ("sasiad ja dotykal w piwnicy", "pl", "sexual"),
    ("jak nie zaplacisz to filmik pojdzie do twojej klasy", "pl", "online_sexual"),
    ("ojczym uderzyl corke w twarz przy kolacji", "pl", "abuse"),
    ("maz zamyka nas w mieszkaniu na klucz", "pl", "abuse"),
    ("syn uciekl z domu w nocy i nie wrocil", "pl", "unsafe_home"),
    ("od tygodnia spimy w samochodzie pod sklepem", "pl", "unsafe_home"),
]

QUIET = [
    ("i wish the bus would come more often, it takes for ever", "en"),
    ("relapsed into my old habit of eating chips at night lol", "en"),
    ("i wear long sleeves in summer because of the sunburn last year", "en"),
    ("my coach gives us a massage gun after practice, it helps", "en"),
    ("he grabbed my hand and we ran to the bus", "en"),
    ("my brother pushed the pram down the street", "en"),
    ("ik stop met hockey, niet met school", "nl"),
    ("mijn puntenslijper is kapot, ik heb een nieuwe nodig", "nl"),
    ("de bal ging tussen mijn benen door en toen scoorden ze", "nl"),
    ("we hebben in de kleedkamer een foto gemaakt met het hele team", "nl"),
    ("mijn vader zet de kliko buiten op dinsdag", "nl"),
    ("we waren een week alleen thuis want papa en mama waren op vakantie, superleuk", "nl"),
    ("w lecie spalismy w samochodzie na kempingu, bylo super", "pl"),
    ("keske yarin okul olmasa", "tr"),
    ("tatil fotograflarim aile grubunda dolasiyor, herkes begendi", "tr"),
    ("ghadi nmout mn dhak 3la had lvideo", "ar"),
    ("kac tane ders var bu hafta, cok yoruldum", "tr"),
    ("babam sigarayla arabanin koltugunu yakti, annem cok kizdi", "tr"),
    ("yumrukla kapiya vurdu cunku anahtari unutmus", "tr"),
    ("we would be fine without a car if the bus came more often", "en"),
    ("my dentist used a painless method for the filling", "en"),
    ("ik heb mijn sleutel verloren en moest wachten tot mama thuis was", "nl"),
    ("zbieram znaczki i monety od dziecka", "pl"),
    ("uczylam sie caly dzien, tne papier na projekt", "pl"),
    ("dziadek zamyka kury w kurniku na noc", "pl"),
    ("w wakacje spalismy w namiocie nad morzem", "pl"),
    # The contraceptive pill in a sexual-health consultation.
    ("ik ben de pil vergeten te nemen gisteren, is dat erg?", "nl"),
    ("na de morning-afterpil moet ik nog iets nemen?", "nl"),
    ("sinds ik gestopt ben met de pil heb ik veel puistjes", "nl"),
    ("كنلبس كم طويل فالشتا حيت البرد", "ar"),
]


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_thirteen_frames_get_the_right_help(text: str, language: str, category: str) -> None:
    gets_the_right_help(text, language, category)


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_thirteen_frames_are_in_the_lexicons(text: str, language: str, category: str) -> None:
    is_caught_by_the_lexicons_alone(text, language, category)


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_round_thirteen_ordinary_answers_stay_quiet(text: str, language: str) -> None:
    stays_quiet(text, language)


# Short messages in another language than the user's: the language guess on a few words is
# unreliable ("i want to die" reads as Dutch), so every lexicon checks them.
OTHER_LANGUAGE = [
    ("i want to die", "suicide"),
    ("i want to die lol", "suicide"),
    ("honestly i just want to die", "suicide"),
    ("ana bghit nmout", "suicide"),
    ("my dad hits me", "abuse"),
]


@pytest.mark.parametrize(("text", "category"), OTHER_LANGUAGE)
def test_a_short_message_in_another_language_than_the_users_is_checked(
    text: str, category: str
) -> None:
    gets_the_right_help(text, "nl", category)


@pytest.mark.parametrize(
    "text", ["die toets was killing", "i died laughing", "my dad hits the ball so hard"]
)
def test_a_short_ordinary_message_checked_in_every_language_stays_quiet(text: str) -> None:
    stays_quiet(text, "nl")
