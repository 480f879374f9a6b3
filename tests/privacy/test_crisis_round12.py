"""Round 12 (docs/privacy.md, "Round 12"): Dutch suicide and self-harm frames, checked on
variants written here.

Every text here was written for this test, not taken from a corpus, and each disclosure is
missed by the lexicons of round 11: "ik kan niet meer leven", sleeping and never getting up,
let down to wake up again, "ik wil der niet meer zijn" (chat "der" for "er"); scratching with a
blade or when it gets too much, "doe aan sh", a blade taken again, food refused as a
punishment, burning oneself on a stove on purpose; Turkish strangling and belting, touching of
private places, photos sent to a group or paid for; Polish "does things to me I do not want",
phone and papers taken, money asked for a picture. On the quiet side: doodling, a scratch card,
getting up early, a diet, cooking, a stove left on by accident, a punching bag, holiday photos
in the family group, chores, a passport photo.
"""

from __future__ import annotations

import pytest

from tests.privacy.round_checks import (
    gets_the_right_help,
    is_caught_by_the_lexicons_alone,
    stays_quiet,
)

DISCLOSURES = [
    ("eerlijk ik kan zo echt niet meer leven", "nl", "suicide"),
    ("wil gwn slapen en dan nooit meer opstaan", "nl", "suicide"),
    ("elke ochtend baal ik dat ik weer wakker werd", "nl", "suicide"),
    ("ik wil der gewoon niet meer zijn", "nl", "suicide"),
    ("ik kras met de passer als niemand kijkt", "nl", "self_harm"),
    ("ik kras stiekem als het thuis weer ruzie is", "nl", "self_harm"),
    ("ik doe aan sh sinds de brugklas", "nl", "self_harm"),
    ("heb gisteren toch weer een scheermesje gepakt", "nl", "self_harm"),
    ("ik verdien echt geen eten vandaag", "nl", "self_harm"),
    ("ik ben het niet waard om te eten", "nl", "self_harm"),
    ("morgen eet ik niks als straf voor mijn cijfer", "nl", "self_harm"),
    ("heb mijn arm expres tegen de kookplaat gehouden", "nl", "self_harm"),
    ("kocam dun gece yine bogazimi sikti", "tr", "abuse"),
    ("babam kemerle vuruyor bazen, kimseye soylemedim", "tr", "abuse"),
    ("komsumuz ozel yerlerime dokundu, annem bilmiyor", "tr", "sexual"),
    ("eski sevgilim fotolarimi sinif grubuna atti", "tr", "online_sexual"),
    ("biri videomu buldu ve simdi 300 euro istiyor", "tr", "online_sexual"),
    ("wujek robi ze mna rzeczy ktorych nie chce", "pl", "sexual"),
    ("maz zabral mi telefon i paszport, nie pozwala wyjsc", "pl", "abuse"),
    ("wyslalam mu zdjecie a teraz chca 200 euro bo inaczej pokaza", "pl", "online_sexual"),
    ("jakis facet daje mi kase za fotki w bieliznie", "pl", "online_sexual"),
]

QUIET = [
    ("ik kras soms in mijn schrift als ik me verveel", "nl"),
    ("ik kras een kraslot van oma, niks gewonnen", "nl"),
    ("ik wil nooit meer zo vroeg opstaan voor de krantenwijk", "nl"),
    ("ik eet geen suiker deze maand, challenge met mn zus", "nl"),
    ("ik snij de uien en mama bakt de eieren", "nl"),
    ("het fornuis stond per ongeluk nog aan, gelukkig niks gebeurd", "nl"),
    ("ik ben der morgen niet, we gaan naar oma", "nl"),
    ("kardesim yumrukla kum torbasina vuruyor, boks yapiyor", "tr"),
    ("tatil fotolarimi aile grubuna attim, herkes begendi", "tr"),
    ("robie rzeczy ktorych nie chce, na przyklad prasowanie", "pl"),
    ("za zdjecie do paszportu chca 15 euro, drogo", "pl"),
]


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_12_disclosures_get_the_right_help(text: str, language: str, category: str) -> None:
    gets_the_right_help(text, language, category)


@pytest.mark.parametrize(("text", "language", "category"), DISCLOSURES)
def test_round_12_disclosures_are_caught_by_the_lexicons_alone(
    text: str, language: str, category: str
) -> None:
    is_caught_by_the_lexicons_alone(text, language, category)


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_round_12_ordinary_texts_stay_quiet(text: str, language: str) -> None:
    stays_quiet(text, language)
