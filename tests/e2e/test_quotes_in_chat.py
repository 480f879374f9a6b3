"""Quotes in chat only when safe, and what participants are told about them (issue 15, item 10).

Through the real bot: the coordinator's /samenvatting and /plan, and a member's discussion
input, quote a harmless answer but never one with a name, a place, a redaction marker or a
crisis flag. The privacy notice and the closing message say that a short sentence may be read
without a name, instead of promising only "Nooit wie wat zei".
"""

from __future__ import annotations

import io

import docx

from storage import repo
from storage.models import Campaign, Participant
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    join_as_coordinator,
    member_at_discussion,
    press,
    question_of,
    say,
)

SAFE = "Er is geen geld voor de sportclub."
NAME = "Mijn buurman Jansen helpt ons nooit."
PLACE = "Ik ga altijd naar de Jumbo in Zwolle."
MARKER = "Bel me op [telefoonnummer] als je wilt."
FLAGGED = "Het gaat thuis niet zo goed met mij."  # no crisis words: only the flag protects it
UNSAFE = ("Jansen", "[naam]", "Zwolle", "[telefoonnummer]", "thuis niet zo goed")
SOMETIMES = "Soms lezen ze een korte zin uit een antwoord, zonder naam."


async def _seed(harness: BotHarness, werkgroep_id: str) -> None:
    """40 jongeren answered 'zorgen' at stap 3, straight into the database."""
    assert harness.runtime is not None
    groups = [(SAFE, 20, False), (NAME, 5, False), (PLACE, 5, False), (MARKER, 5, False)]
    groups.append((FLAGGED, 5, True))
    async with harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.new_token(),
        )
        session.add(campaign)
        await session.flush()
        number = 0
        for text, count, crisis in groups:
            for _ in range(count):
                number += 1
                participant = Participant(
                    campaign_id=campaign.id, pseudonym=f"{number:064d}", completed=True
                )
                session.add(participant)
                await session.flush()
                await repo.store_participant_answer(
                    session,
                    participant,
                    "zorgen",
                    text,
                    free_text=True,
                    crisis=crisis,
                    themes=harness.runtime.themes("armoede", text),
                )


def _only_safe(text: str) -> None:
    assert SAFE in text
    for fragment in UNSAFE:
        assert fragment not in text


async def test_samenvatting_and_plan_quote_only_the_safe_answer(harness: BotHarness) -> None:
    """/samenvatting and the Word and Markdown plan from /plan quote the harmless answer only."""
    werkgroep_id, user = await join_as_coordinator(harness, 9991001)
    await _seed(harness, werkgroep_id)
    mark = user.mark()
    await user.send("/samenvatting stap-3")
    await user.wait_until(lambda u: any(m.photo for m in u.messages()[mark:]))
    _only_safe("\n".join(m.text or "" for m in user.messages()[mark:]))
    mark = user.mark()
    await user.send("/plan")
    messages = await user.wait_new(mark, 3)
    documents = {m.document.file_name: m.document.data for m in messages if m.document}
    word = docx.Document(io.BytesIO(documents["plan-velsen.docx"]))
    _only_safe("\n".join(paragraph.text for paragraph in word.paragraphs))
    _only_safe(documents["plan-velsen.md"].decode())


async def test_discussion_input_quotes_only_the_safe_answer(harness: BotHarness) -> None:
    """A member reaching the discussion question of stap 3 sees the harmless answer only."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    await _seed(harness, werkgroep_id)
    user = harness.api.user(9991002)
    messages = await member_at_discussion(user, member_token)
    _only_safe("\n".join(m.text or "" for m in messages))


async def test_notice_and_closing_message_tell_that_a_sentence_may_be_read(
    harness: BotHarness,
) -> None:
    """Jongeren and ouders read before and after that a short sentence may be shown, nameless."""
    jongeren = await harness.campaign("jongeren")
    user = harness.api.user(9991003)
    (notice,) = await say(user, f"/start {jongeren}")
    text = notice.text or ""
    assert "nooit wie wat zei. " + SOMETIMES in text
    assert "Nooit wie wat zei." not in text
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(40):
        if any("Klaar! Dank je wel" in (m.text or "") for m in messages):
            break
        messages = await answer_current(user, question_of(messages))
    else:
        raise AssertionError("the consultation never ended")
    closing = next(m.text or "" for m in messages if "Klaar! Dank je wel" in (m.text or ""))
    assert SOMETIMES + " Wil je alles wissen?" in closing
    ouders = await harness.campaign("ouders")
    (formal,) = await say(harness.api.user(9991004), f"/start {ouders}")
    assert "U doet anoniem mee" in (formal.text or "")
    assert SOMETIMES in (formal.text or "")
