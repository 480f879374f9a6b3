"""The B1 (plain Dutch) lint for the flows jongeren and ouders answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import textstat

from bot.engine import LoadedFlow, load_catalog
from bot.engine.b1 import (
    MESSAGE_LENGTH,
    OFFICIALESE,
    READABILITY,
    SENTENCE_LENGTH,
    B1Problem,
    compile_officialese,
    find_officialese,
    lint_catalog,
    lint_flow,
    measure_text,
    officialese_entries,
    read_officialese,
)
from bot.engine.schema import Flow

FLOWS = Path(__file__).resolve().parents[1] / "flows"

GOOD = (
    "Deze vragen gaan over geld en meedoen. Soms is er thuis weinig geld. "
    "Wat merk je daarvan? Er zijn geen goede of foute antwoorden."
)
LONG_SENTENCE = (
    "Wij willen graag van jou weten wat je merkt van geld en meedoen in jouw buurt en op jouw "
    "school en bij de club waar je elke week naartoe gaat met je vrienden."
)
HARD_WORDS = (
    "Gemeentelijke beleidsmedewerkers analyseren onderzoeksresultaten. "
    "Schuldhulpverleningstrajecten veroorzaken administratieve verplichtingen."
)


def consultation(*steps: dict[str, Any], audience: str = "jongeren") -> Flow:
    return Flow.model_validate(
        {
            "kind": "flow",
            "id": "test.stap-1.jongeren",
            "title": "Test",
            "audience": audience,
            "plan": {"template": "test", "step": "stap-1"},
            "steps": list(steps),
        }
    )


def text_step(text: str, ident: str = "vraag", **extra: Any) -> dict[str, Any]:
    return {"kind": "text", "id": ident, "text": text, **extra}


def only(problems: list[B1Problem], measure: str) -> list[B1Problem]:
    return [problem for problem in problems if problem.measure == measure]


def test_good_b1_text_passes() -> None:
    """Short sentences with common words and no officialese give no problems."""
    flow = consultation(
        {"kind": "info", "text": GOOD},
        text_step(
            "Wat merk jij bij jongeren om je heen als er thuis weinig geld is?",
            tips=["Je mag ook iets kleins noemen."],
            examples=["Vrienden gaan niet mee."],
        ),
        {
            "kind": "choice",
            "id": "vaak",
            "text": "Hoe vaak maak jij je zorgen over geld?",
            "options": [{"value": "nooit", "label": "Nooit"}, {"value": "vaak", "label": "Vaak"}],
        },
    )
    assert lint_flow(flow) == []


def test_long_sentences_fail_naming_flow_step_and_average() -> None:
    """A text whose sentences average more than 15 words fails with the average in the message."""
    problems = only(lint_flow(consultation(text_step(LONG_SENTENCE, "lang"))), SENTENCE_LENGTH)
    assert len(problems) == 1
    line = problems[0].render()
    words = measure_text(LONG_SENTENCE).avg_sentence_words
    assert words > 15
    assert "flow test.stap-1.jongeren" in line
    assert "step lang (text)" in line
    assert f"average sentence length {words:.1f}" in line


def test_officialese_word_fails_naming_the_word() -> None:
    """An officialese word such as 'indien' fails, and the message names the word and the step."""
    flow = consultation(text_step("Indien je wilt, kun je nog iets vertellen.", "nog-iets"))
    problems = only(lint_flow(flow), OFFICIALESE)
    assert [problem.value for problem in problems] == ["'Indien'"]
    line = problems[0].render()
    assert "flow test.stap-1.jongeren, step nog-iets (text): officialese 'Indien'" in line


def test_message_over_700_characters_fails_with_its_length() -> None:
    """A message longer than 700 characters fails, even when each sentence is short and easy."""
    text = " ".join(["Wat vind jij van de buurt waar je woont?"] * 20)
    assert len(text) > 700
    problems = lint_flow(consultation({"kind": "info", "id": "uitleg", "text": text}))
    assert [problem.measure for problem in problems] == [MESSAGE_LENGTH]
    assert f"step uitleg (text): message length {len(text)} characters (limit ≤ 700)" in (
        problems[0].render()
    )


def test_hard_words_fail_readability_with_the_score() -> None:
    """Long, rare words push Flesch-Douma below 60; the message carries the score."""
    problems = lint_flow(consultation(text_step(HARD_WORDS, "moeilijk")))
    readability = only(problems, READABILITY)
    assert [problem.measure for problem in problems] == [READABILITY]
    score = measure_text(HARD_WORDS).readability
    assert score is not None and score < 60
    assert f"step moeilijk (text): Flesch-Douma readability {score:.1f} (limit ≥ 60)" in (
        readability[0].render()
    )


def test_short_texts_skip_readability_but_not_officialese() -> None:
    """An option label of a few long words is not scored, but an officialese label still fails."""
    flow = consultation(
        {
            "kind": "choice",
            "id": "hulp",
            "text": "Welke hulp ken je?",
            "options": [
                {"value": "schuld", "label": "Schuldhulpverlening"},
                {"value": "aanpak", "label": "Interventies op school"},
            ],
        }
    )
    problems = lint_flow(flow)
    assert measure_text("Schuldhulpverlening").readability is None
    assert [(problem.field, problem.measure) for problem in problems] == [
        ("option aanpak", OFFICIALESE)
    ]


def test_tips_and_option_explanations_are_linted() -> None:
    """Tips, examples and option explanations are user-facing and are checked too."""
    flow = consultation(
        text_step(
            "Wat merk je?", tips=["Middels deze vraag leren we veel."], examples=[LONG_SENTENCE]
        ),
        {
            "kind": "multi_choice",
            "id": "keuze",
            "text": "Wat past?",
            "options": [
                {"value": "a", "label": "Sport", "explanation": "Conform de regels."},
                {"value": "b", "label": "Muziek"},
            ],
        },
    )
    fields = {(problem.step, problem.field, problem.measure) for problem in lint_flow(flow)}
    assert fields == {
        ("vraag", "tip 1", OFFICIALESE),
        ("vraag", "example 1", SENTENCE_LENGTH),
        ("keuze", "option a explanation", OFFICIALESE),
    }


def test_officialese_matches_whole_words_phrases_and_marked_forms() -> None:
    """Whole words and phrases match across case and spacing; a * entry matches longer forms."""
    assert find_officialese("Wil je iets indienen?") == ()
    assert find_officialese("Dit is ten  behoeve\nvan jou.") == ("ten behoeve van",)
    assert find_officialese("Maatschappelijke hulp en een INDICATOR") == (
        "Maatschappelijke",
        "INDICATOR",
    )
    pattern = compile_officialese(read_officialese("# comment\nindien\n\nmet betrekking tot\n"))
    assert [m.group(0) for m in pattern.finditer("Indien, met betrekking tot, indiening")] == [
        "Indien",
        "met betrekking tot",
    ]


def test_officialese_list_is_long_enough_and_has_the_classics() -> None:
    """The shipped list has at least 30 entries, including the usual suspects."""
    entries = officialese_entries()
    assert len(entries) >= 30
    for word in (
        "indien",
        "middels",
        "derhalve",
        "ten behoeve van",
        "teneinde",
        "alsmede",
        "dienen te",
        "inzake",
        "conform",
        "woonachtig",
        "verstrekken",
    ):
        assert word in entries
    for form in ("maatschappelijk", "interventie", "indicator"):
        assert find_officialese(form) == (form,)


def test_werkgroep_flows_are_not_linted() -> None:
    """Werkgroep flows quote the worksheets for professionals and are not held to B1."""
    flow = consultation(text_step(HARD_WORDS + " " + LONG_SENTENCE), audience="werkgroep")
    assert lint_flow(flow) == []


def test_lint_leaves_textstat_language_alone() -> None:
    """Linting Dutch text does not change the language of textstat's shared module instance."""
    # textstat keeps the language in a name-mangled attribute of its module-level instance.
    shared = vars(textstat.textstat)
    before = shared["_textstatistics__lang"]
    lint_flow(consultation(text_step(HARD_WORDS)))
    assert shared["_textstatistics__lang"] == before != "nl"


def test_all_shipped_consultation_flows_pass() -> None:
    """Every jongeren and ouders flow under flows/ is plain B1 Dutch."""
    catalog = load_catalog(FLOWS)
    assert any(loaded.flow.audience.is_participant for loaded in catalog.flows.values())
    assert lint_catalog(catalog) == []


def test_lint_catalog_lines_name_the_file() -> None:
    """A problem line from lint_catalog starts with the flow's file path."""
    catalog = load_catalog(FLOWS)
    loaded = catalog.flows["armoede.stap-3.jongeren"]
    last = loaded.flow.steps[-1].model_copy(update={"text": "Indien gewenst, dank je wel."})
    bad = loaded.flow.model_copy(update={"steps": [*loaded.flow.steps[:-1], last]})
    catalog.flows[bad.id] = LoadedFlow(bad, loaded.path, loaded.digest)
    lines = lint_catalog(catalog)
    assert lines == [
        f"{loaded.path}: flow armoede.stap-3.jongeren, step einde (text): officialese 'Indien' "
        "(limit none allowed) in 'Indien gewenst, dank je wel.' — fix: use an everyday word "
        "(see the comments in bot/engine/data/officialese.txt)"
    ]
