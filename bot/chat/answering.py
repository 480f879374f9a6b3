"""The core step of answering a flow, shared by the handlers that start, resume or advance one.

A participant's free text is redacted before it is stored and checked for a crisis signal; a
member's answer is stored as an attributed contribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.chat import optin
from bot.chat.callbacks import PauseContinue, PauseStop, button
from bot.chat.events import Button, EditButtons, Send, Toast
from bot.chat.render import answered_line, info_message, question_message, question_token
from bot.chat.state import Consent as ConsentPending
from bot.chat.state import CrisisPause, Idle, Paused
from bot.chat.turn import Turn
from bot.chat.view import Voice
from bot.engine import (
    Back,
    Conversation,
    Done,
    Finished,
    Input,
    Invalid,
    NextQuestion,
    Pick,
    Reply,
    Skip,
)
from bot.engine.machine import AnswerValue
from bot.engine.schema import InfoStep, MultiChoiceStep, Question, TextStep, options_of
from bot.privacy.crisis import detect_crisis
from bot.privacy.redact import redact
from storage import conversations, repo, rounds
from storage.conversations import ConversationRecord
from storage.models import Campaign, Member, Participant


async def active_row(turn: Turn) -> ConversationRecord | None:
    if turn.chat.conversation_id is None:
        return None
    row = await conversations.load(turn.session, turn.chat.conversation_id)
    if row is None or row.flow_id not in turn.runtime.engine.machines:
        turn.chat.conversation_id = None
        return None
    return row


def current_token(row: ConversationRecord) -> str:
    return question_token(row.id, row.state, len(row.data.get("history", [])))


def current_question(turn: Turn, conversation: Conversation) -> Question:
    return _question(turn, conversation.flow_id, conversation.state)


async def command_input(turn: Turn, given: Back | Skip) -> None:
    row = await active_row(turn)
    if row is None:
        turn.replies.send(turn.say("Er is nu geen vraag. Tik op /help."))
        return
    await advance(turn, row, given)


async def advance(
    turn: Turn, row: ConversationRecord, given: Input, pressed: int | None = None
) -> None:
    engine = turn.runtime.engine
    unpause(turn)
    conversation = Conversation.from_data(row.flow_id, row.state, row.data)
    # The question as it stands before a tap: the next message shows the tapped answer.
    before = (
        engine.current(Conversation.from_data(row.flow_id, row.state, row.data))
        if pressed is not None
        else None
    )
    # Typed option text is matched against the labels the participant sees, too.
    outcome = engine.advance(conversation, given, lambda text: turn.t.pgettext(row.flow_id, text))
    formal = turn.formal = await is_formal(turn, row)
    if isinstance(outcome, Invalid):
        if outcome.reason == "exclusive":
            label = turn.t.pgettext(row.flow_id, str(outcome.params["option"]))
            outcome = Invalid(outcome.question, outcome.reason, {"option": label})
        if isinstance(given, Pick | Done) and isinstance(outcome.question, MultiChoiceStep):
            turn.replies.toast = Toast(invalid_hint(turn.voice(formal, html=False), outcome))
            return
        if turn.crisis is not None and isinstance(given, Reply):
            pause(turn, row, formal, saved=False)
            return
        asked = engine.current(conversation)
        assert isinstance(asked, NextQuestion)
        note = invalid_hint(turn.voice(formal), outcome)
        turn.replies.add(await question(turn, row, asked, formal, note))
        return
    if isinstance(outcome, NextQuestion) and outcome.recorded is None and not outcome.withdrawn:
        # A multiple-choice toggle: redraw the same question's buttons in place.
        await conversations.save(
            turn.session, row, conversation.state, conversation.to_data(), finished=False
        )
        message = await question(turn, row, outcome, formal)
        if pressed is not None:
            turn.replies.add(EditButtons(pressed, message.buttons))
        else:
            turn.replies.add(message)
        return
    stored = await persist(turn, row, outcome)
    if row.participant_id is not None and outcome.recorded is not None:
        # The conversation keeps what was stored (redacted), never the raw text.
        conversation.answers[outcome.recorded.question_id] = stored
    data = conversation.to_data()
    if row.participant_id is not None and isinstance(outcome, Finished):
        data = {}  # nothing of a finished participant's answers stays outside the answers table
    await conversations.save(
        turn.session, row, conversation.state, data, finished=isinstance(outcome, Finished)
    )
    shown = len(turn.replies.items)
    if turn.crisis is not None and isinstance(outcome, NextQuestion):
        pause(turn, row, formal, saved=outcome.recorded is not None, info=outcome.preamble)
    else:
        await show_outcome(turn, row, outcome, formal)
    if pressed is not None:
        _carry_answer(turn, row, before, outcome, shown)


def _carry_answer(
    turn: Turn,
    row: ConversationRecord,
    before: NextQuestion | Finished | None,
    outcome: NextQuestion | Finished,
    shown: int,
) -> None:
    """The tapped answer, "✔ <answer>" (or "➡ Overgeslagen"), heads the first message sent
    after it (from ``shown`` on). The tapped question itself is not edited: that was one more
    Bot API call (and one more of Telegram's 30 messages/s) per answer, and a press on its
    buttons is answered as stale anyway, its token being no longer current."""
    recorded = outcome.recorded
    if not isinstance(before, NextQuestion) or recorded is None:
        return  # e.g. ⬅ Terug: nothing was answered
    line = answered_line(before, recorded.value, turn.t, row.flow_id)
    items = turn.replies.items
    for index in range(shown, len(items)):
        item = items[index]
        if isinstance(item, Send):
            items[index] = replace(item, text=f"{line}\n\n{item.text}")
            return


def pause(
    turn: Turn,
    row: ConversationRecord,
    formal: bool,
    *,
    saved: bool,
    info: Sequence[InfoStep] = (),
) -> None:
    """After the help lines for a crisis signal: no next question yet. Say what was saved and
    offer "Verder met de vragen" and "Stoppen" (see bot.chat.pause); ``info``, the texts
    before the waiting question, are shown when the user goes on."""
    voice = turn.voice(formal)
    steps = turn.runtime.engine.flow(row.flow_id).steps
    positions = tuple(i for step in info for i, known in enumerate(steps) if known is step)
    # The conversation stays open: the shown question's buttons, /terug and /overslaan still
    # work (the user's own choice); only typed text waits for a tap (bot.chat.pause).
    turn.state = CrisisPause(conversation_id=row.id, info=positions)
    parts = [voice("Je antwoord is bewaard.", "Uw antwoord is bewaard.")] if saved else []
    parts.append(
        voice(
            "Neem gerust even de tijd. Wil je verder met de vragen, of wil je nu stoppen?",
            "Neem gerust even de tijd. Wilt u verder met de vragen, of wilt u nu stoppen?",
        )
    )
    turn.replies.send("\n\n".join(parts), pause_buttons(turn))


def pause_buttons(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return (
        (button(turn.t.gettext("Verder met de vragen"), PauseContinue()),),
        (button(turn.t.gettext("Stoppen"), PauseStop()),),
    )


async def stop(turn: Turn) -> None:
    """/stop: pause the conversation; /start resumes it."""
    voice = turn.voice(await formal_now(turn))
    paused = turn.state
    if turn.chat.conversation_id is not None:
        turn.state = Paused(conversation_id=turn.chat.conversation_id)
    elif isinstance(paused, CrisisPause):
        turn.state = Paused(conversation_id=paused.conversation_id)
    elif not isinstance(paused, Paused):
        turn.state = Idle()
    turn.chat.conversation_id = None
    if await turn.member() is not None:
        # A member's answers are attributed plan contributions, which /vergeet does not erase.
        turn.replies.send(
            turn.say("Je bent gestopt. Wat je al hebt beantwoord, is bewaard. Verder gaan? /start.")
        )
        return
    turn.replies.send(
        voice(
            "Je bent gestopt. Wat je al hebt beantwoord, is bewaard. Verder gaan? Tik op /start. "
            "Alles wissen? Tik op /vergeet.",
            "U bent gestopt. Wat u al hebt beantwoord, is bewaard. Verder gaan? Tik op /start. "
            "Alles wissen? Tik op /vergeet.",
        )
    )


async def persist(
    turn: Turn, row: ConversationRecord, outcome: NextQuestion | Finished
) -> AnswerValue:
    """Store what the outcome recorded or withdrew; return the value as stored."""
    session = turn.session
    withdrawn = outcome.withdrawn if isinstance(outcome, NextQuestion) else ()
    recorded = outcome.recorded
    flow = turn.runtime.engine.flow(row.flow_id)
    if row.participant_id is not None:
        # The participant's id and campaign came with the conversation's read.
        assert row.campaign_id is not None
        participant = repo.ParticipantKey(row.participant_id, row.campaign_id)
        for question_id in withdrawn:
            await repo.withdraw_participant_answer(session, participant.id, question_id)
        if isinstance(outcome, Finished):
            await conversations.complete_participant(session, participant.id)
        if recorded is not None:
            question = _question(turn, row.flow_id, recorded.question_id)
            # The conversation lists every answer stored for it (the record is saved in the
            # same transaction as the answers); a question not in it has no row to replace.
            replaces = recorded.question_id in row.data.get("answers", {})
            return await store_for_participant(
                turn, participant, question, recorded.value, flow.plan.template, replaces
            )
    elif row.member_id is not None:
        member = await session.get(Member, row.member_id)
        assert member is not None
        # Periodic steps keep each round's answers: store on the step's current round.
        number = await rounds.current_round(session, member.werkgroep_id, flow.plan.step)
        for question_id in withdrawn:
            await rounds.save_contribution(
                session, member, row.flow_id, flow.plan.step, question_id, None, round_number=number
            )
        if recorded is not None:
            await rounds.save_contribution(
                session,
                member,
                row.flow_id,
                flow.plan.step,
                recorded.question_id,
                recorded.value,
                round_number=number,
            )
    return recorded.value if recorded is not None else None


async def store_for_participant(
    turn: Turn,
    participant: repo.ParticipantKey,
    question: Question,
    value: AnswerValue,
    template_id: str,
    replaces: bool = True,
) -> AnswerValue:
    free_text = isinstance(question, TextStep)
    crisis = False
    themes: frozenset[str] = frozenset()
    if free_text and isinstance(value, str):
        crisis = detect_crisis(value, turn.crisis_languages or (turn.locale,)) is not None
        value = redact(value).text
        if isinstance(question, TextStep) and question.themes:
            themes = turn.runtime.themes(template_id, value)
    await repo.store_participant_answer(
        turn.session,
        participant,
        question.id or "",
        value,
        free_text=free_text,
        crisis=crisis,
        themes=themes,
        replaces=replaces,
    )
    return value


def _shown_value(turn: Turn, flow_id: str, question: Question, value: object) -> str:
    """A stored answer as the member saw it: option labels (translated), not option values."""
    labels = {o.value: turn.t.pgettext(flow_id, o.label) for o in options_of(question)}
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    return labels.get(str(value), str(value))


def _question(turn: Turn, flow_id: str, question_id: str) -> Question:
    machine = turn.runtime.engine.machines[flow_id]
    step = machine.flow.steps[machine.index[question_id]]
    assert not hasattr(step, "kind") or step.kind != "info"
    return step  # type: ignore[return-value]


async def show_outcome(
    turn: Turn, row: ConversationRecord, outcome: NextQuestion | Finished, formal: bool
) -> None:
    infos = [info_message(step, turn.t, row.flow_id) for step in outcome.preamble]
    if isinstance(outcome, NextQuestion):
        turn.replies.add(*infos)
        await before_question(turn, row, outcome)
        turn.replies.add(await question(turn, row, outcome, formal))
        return
    turn.chat.conversation_id = None
    # One closing message: the flow's own closing words, then what the bot must add.
    closing = infos.pop().text if infos else None
    turn.replies.add(*infos)
    if row.participant_id is None:
        turn.replies.send(closing_message(turn, row, formal, closing))
        return
    # Closing the loop (#17.5): the opt-in for feedback rides on the thanks.
    offer, buttons = await optin.offer(turn, row.participant_id, formal)
    turn.replies.send(closing_message(turn, row, formal, closing) + offer, buttons)


def closing_message(turn: Turn, row: ConversationRecord, formal: bool, closing: str | None) -> str:
    """The thanks at the end of a flow; ``closing`` is the flow's last info text (HTML), which
    already thanks the user (and tells a member their answers are in the plan)."""
    voice = turn.voice(formal)
    if row.participant_id is not None:
        if closing is None:
            return voice(
                "Klaar! Dank je wel voor je antwoorden. De werkgroep ziet alleen wat veel mensen "
                "samen zeggen, nooit wie wat zei. Soms lezen ze een korte zin uit een antwoord, "
                "zonder naam. Wil je alles wissen? Tik op /vergeet.",
                "Klaar! Dank u wel voor uw antwoorden. De werkgroep ziet alleen wat veel mensen "
                "samen zeggen, nooit wie wat zei. Soms lezen ze een korte zin uit een antwoord, "
                "zonder naam. Wilt u alles wissen? Tik op /vergeet.",
            )
        # The flow's closing words thank; the bot adds what may be shown and how to erase.
        erase = voice(
            "Soms lezen ze een korte zin uit een antwoord, zonder naam. "
            "Wil je alles wissen? Tik op /vergeet.",
            "Soms lezen ze een korte zin uit een antwoord, zonder naam. "
            "Wilt u alles wissen? Tik op /vergeet.",
        )
        done = turn.say("Klaar!")
        return f"{done} {closing}\n\n{erase}"
    if closing is None:
        return turn.say(
            "Je hebt deze stap afgerond. Je antwoorden staan in het plan van de werkgroep. "
            "Kies een volgende stap met /stap."
        )
    return (
        closing + "\n\n" + turn.say("Je hebt deze stap afgerond. Kies een volgende stap met /stap.")
    )


async def before_question(turn: Turn, row: ConversationRecord, asked: NextQuestion) -> None:
    """For a member: their answer of the previous round (from round 2 on), and at the question
    where the werkgroep discusses what jongeren and ouders said, that input."""
    if row.member_id is None:
        return
    member = await turn.session.get(Member, row.member_id)
    if member is None:
        return
    flow = turn.runtime.engine.flow(row.flow_id)
    await previous_round_answer(turn, member, row.flow_id, flow.plan.step, asked.question)
    if asked.question.discuss_input:
        turn.replies.add(*await turn.discussion(turn, member.werkgroep_id, flow))


async def previous_round_answer(
    turn: Turn, member: Member, flow_id: str, step_key: str, question: Question
) -> None:
    """ "In ronde 1 antwoordde je: …" before a question the member answered last round."""
    number = await rounds.current_round(turn.session, member.werkgroep_id, step_key)
    if number < 2 or question.id is None:
        return
    value = await rounds.contribution_value(
        turn.session, member.id, question.id, step_key, number - 1
    )
    if value is None:
        return
    turn.replies.send(
        turn.say(
            "Ronde %(round)s. In ronde %(previous)s antwoordde je: %(answer)s",
            round=number,
            previous=number - 1,
            answer=_shown_value(turn, flow_id, question, value),
        )
    )


def unpause(turn: Turn) -> None:
    """The flow goes on (a question is shown or answered): the pause after a crisis is over."""
    if isinstance(turn.state, CrisisPause):
        turn.state = Idle()


async def show_current(
    turn: Turn, row: ConversationRecord, note: str | None = None, *, discuss: bool = False
) -> None:
    """The open question again; ``discuss``: with what jongeren and ouders said, where the
    werkgroep discusses it (as when the question is first asked)."""
    unpause(turn)
    conversation = Conversation.from_data(row.flow_id, row.state, row.data)
    asked = turn.runtime.engine.current(conversation)
    if conversation.state != row.state or conversation.to_data() != row.data:
        await conversations.save(
            turn.session,
            row,
            conversation.state,
            conversation.to_data(),
            finished=isinstance(asked, Finished),
        )
    formal = turn.formal = await is_formal(turn, row)
    if isinstance(asked, Finished):
        await show_outcome(turn, row, asked, formal)
        return
    if discuss:
        await before_question(turn, row, asked)  # the previous round's answer, then the input
    else:
        member = await turn.session.get(Member, row.member_id) if row.member_id else None
        if member is not None:
            flow = turn.runtime.engine.flow(row.flow_id)
            await previous_round_answer(turn, member, row.flow_id, flow.plan.step, asked.question)
    turn.replies.add(await question(turn, row, asked, formal, note))


async def question(
    turn: Turn, row: ConversationRecord, asked: NextQuestion, formal: bool, note: str | None = None
) -> Send:
    """The question message of ``row``'s flow as this user sees it (register, placeholders)."""
    return question_message(
        asked,
        turn.t,
        turn.voice(formal),
        row.flow_id,
        current_token(row),
        note=note,
        fields=await flow_fields(turn, row),
    )


async def flow_fields(turn: Turn, row: ConversationRecord) -> dict[str, str]:
    """What the flow's ``{placeholders}`` say for this conversation: the campaign's own words
    (e.g. the local schemes a werkgroep named with ``--regelingen``), else the flow's default."""
    flow = turn.runtime.engine.flow(row.flow_id)
    if not flow.placeholders:
        return {}
    values = {name: turn.t.pgettext(row.flow_id, text) for name, text in flow.placeholders.items()}
    if row.campaign_id is not None:
        campaign = await turn.session.get(Campaign, row.campaign_id)
        if campaign is not None and campaign.regelingen:
            values["regelingen"] = campaign.regelingen
    return values


async def start_conversation(
    turn: Turn,
    flow_id: str,
    *,
    participant: Participant | None = None,
    member: Member | None = None,
) -> None:
    engine = turn.runtime.engine
    conversation, outcome = engine.start(flow_id)
    row = await conversations.create(
        turn.session,
        flow_id=flow_id,
        flow_digest=engine.digest(flow_id),
        state=conversation.state,
        data=conversation.to_data(),
        finished=isinstance(outcome, Finished),
        participant_id=participant.id if participant else None,
        member_id=member.id if member else None,
        campaign_id=participant.campaign_id if participant else None,
    )
    turn.chat.conversation_id = row.id
    await show_outcome(turn, row, outcome, await is_formal(turn, row))


async def is_formal(turn: Turn, row: ConversationRecord | None) -> bool:
    if row is None:
        return False
    return turn.runtime.engine.flow(row.flow_id).audience == "ouders"


async def formal_now(turn: Turn) -> bool:
    """Whether this user is addressed with *u* right now: an ouder at the privacy notice, in a
    conversation, or paused in one."""
    current = turn.state
    if isinstance(current, ConsentPending):
        campaign = await turn.session.get(Campaign, current.campaign_id)
        return campaign is not None and campaign.audience == "ouders"
    conversation_id = turn.chat.conversation_id
    if conversation_id is None and isinstance(current, Paused | CrisisPause):
        conversation_id = current.conversation_id
    if conversation_id is None:
        return False
    row = await conversations.load(turn.session, conversation_id)
    if row is None or row.flow_id not in turn.runtime.engine.machines:
        return False
    return await is_formal(turn, row)


def invalid_hint(voice: Voice, invalid: Invalid) -> str:
    """The engine's refusal (a code and parameters), said in the user's language and register."""
    params = invalid.params
    reason = invalid.reason
    if reason == "empty":
        return voice(
            "Je bericht is leeg. Typ je antwoord.", "Uw bericht is leeg. Typt u uw antwoord."
        )
    if reason == "too_long":
        return voice(
            "Je antwoord is te lang (%(length)s tekens). Maak het korter dan %(max)s tekens.",
            "Uw antwoord is te lang (%(length)s tekens). Maakt u het korter dan %(max)s tekens.",
            **params,
        )
    if reason == "type_answer":
        return voice("Typ je antwoord als bericht.", "Typt u uw antwoord als bericht.")
    if reason in ("choose_option", "stale_option"):
        return voice(
            "Tik op een van de knoppen, of typ het nummer van je keuze.",
            "Tik op een van de knoppen, of typ het nummer van uw keuze.",
        )
    if reason == "choose_options":
        return voice(
            "Tik op de antwoorden die passen en daarna op Klaar.",
            "Tik op de antwoorden die passen en daarna op Klaar.",
        )
    if reason == "too_few":
        return voice("Kies er minstens %(min)s.", "Kies er minstens %(min)s.", **params)
    if reason == "too_many":
        return voice(
            "Je kunt er hoogstens %(max)s kiezen.", "U kunt er hoogstens %(max)s kiezen.", **params
        )
    if reason == "scale_range":
        return voice(
            "Kies een getal van %(min)s tot %(max)s.",
            "Kies een getal van %(min)s tot %(max)s.",
            **params,
        )
    if reason == "required":
        return voice(
            "Deze vraag is nodig om verder te gaan.", "Deze vraag is nodig om verder te gaan."
        )
    if reason == "no_previous":
        return voice("Dit is de eerste vraag.", "Dit is de eerste vraag.")
    if reason == "exclusive":
        return voice(
            "'%(option)s' kun je niet samen met andere antwoorden kiezen.",
            "'%(option)s' kunt u niet samen met andere antwoorden kiezen.",
            **params,
        )
    return voice("Dat antwoord past hier niet.", "Dat antwoord past hier niet.")
