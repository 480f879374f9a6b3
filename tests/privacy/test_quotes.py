"""Issue 15 item 10: a quote is shown only when nothing name- or place-like is left in it, and
a campaign label may name a school or wijk but no person."""

from __future__ import annotations

import pytest

from bot.privacy.quotes import LABEL_PROBLEMS, label_problem, quote_is_safe

SAFE = [
    "Het is gewoon te duur om te sporten",
    "Hoop dat er iets verandert",
    "ik ben klaar met die vragenlijst lol",
    "Mijn zus en broer delen een kamer met mij",
    "de bus is te duur, ik fiets 40 minuten naar school",
    "Ik heb 113 gebeld toen het slecht ging",
]

UNSAFE = [
    # redaction removes something: the rest may still point at someone
    "ik ben Sanne de Vries en ik wil een sportclub",
    "bel me 06-12345678",
    "ik zit in 2b van het Ichthus College",
    # a marker left by an earlier redaction
    "mijn nummer is [telefoonnummer]",
    # a capitalised listed name or place, not at the start of a sentence
    "In Rotterdam is alles duurder",
    "De gemeente Zwolle moet meer doen",
    # a listed name that is no common word, in any case and position
    "Zwolle is saai",
    "gisteren zeiden sanne en ik dat het duur is",
]


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_answers_may_be_quoted(text: str) -> None:
    assert quote_is_safe(text)


@pytest.mark.parametrize("text", UNSAFE)
def test_answers_with_names_places_or_markers_are_never_quoted(text: str) -> None:
    assert not quote_is_safe(text)


@pytest.mark.parametrize(
    "label",
    ["Ichthus College 2b", "wijk Noord", "groep 8 De Regenboog", "ouders Zwolle-Zuid", "12-16"],
)
def test_coarse_labels_are_accepted(label: str) -> None:
    assert label_problem(label) is None


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Sanne de Vries", "label_person_name"),
        ("juf Anja groep 5", "label_person_name"),
        ("06-12345678", "label_phone"),
        ("ouders sanne(at)hotmail.nl", "label_email"),
        ("insta sanne_2009", "label_handle"),
        ("Kerkstraat", "label_street"),
    ],
)
def test_labels_with_personal_details_get_a_code(label: str, code: str) -> None:
    assert label_problem(label) == code
    assert code in LABEL_PROBLEMS.values()
