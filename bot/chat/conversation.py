"""Handlers of a conversation in progress: typed answers, answer buttons, media, back, skip."""

from __future__ import annotations

from typing import get_args

from bot.chat import answering
from bot.chat.answering import current_token
from bot.chat.callbacks import Back, CallbackData, Done, Example, Option, QuestionButton, Skip, Tip
from bot.chat.render import tips_message
from bot.chat.turn import Handler, Routes, Turn
from bot.engine import Back as GoBack
from bot.engine import Conversation, Input, Pick, Reply
from bot.engine import Done as Finish
from bot.engine import Skip as SkipQuestion
from bot.engine.schema import Question, ScaleStep, options_of


async def answer_text(turn: Turn) -> None:
    row = await answering.active_row(turn)
    if row is None:
        turn.replies.send(
            turn.say(
                "Ik weet nog niet bij welke vragen je antwoord hoort. Open de link die je kreeg, "
                "of tik op /help."
            )
        )
        return
    await answering.advance(turn, row, Reply(turn.incoming.text or ""))


async def media(turn: Turn) -> None:
    """Stickers, photos, voice notes: nothing is stored; the question is asked again."""
    row = await answering.active_row(turn)
    formal = await answering.is_formal(turn, row)
    if row is not None and turn.crisis is not None:  # a caption: help was sent, now pause
        answering.pause(turn, row, formal, saved=False)
        return
    voice = turn.voice(formal)
    turn.replies.send(
        voice(
            "Ik kan alleen tekst lezen. Typ je antwoord of tik op een knop.",
            "Ik kan alleen tekst lezen. Typt u uw antwoord of tikt u op een knop.",
        )
    )
    if row is not None:
        await answering.show_current(turn, row)


async def back_command(turn: Turn) -> None:
    await answering.command_input(turn, GoBack())


async def skip_command(turn: Turn) -> None:
    await answering.command_input(turn, SkipQuestion())


async def on_button(turn: Turn) -> None:
    """An answer button of the current question; any other question's buttons are stale."""
    pressed = turn.button
    assert isinstance(pressed, QuestionButton)
    row = await answering.active_row(turn)
    if row is None or row.finished or pressed.token != current_token(row):
        turn.stale()
        return
    conversation = Conversation.from_data(row.flow_id, row.state, row.data)
    question = answering.current_question(turn, conversation)
    if isinstance(pressed, Tip | Example):
        turn.replies.add(
            tips_message(question, turn.t, row.flow_id, examples=isinstance(pressed, Example))
        )
        return
    given: Input
    if isinstance(pressed, Option):
        picked = _option_value(question, pressed.index)
        if picked is None:
            turn.stale()
            return
        given = Pick(picked)
    else:
        given = _CONTROLS[type(pressed)]
    await answering.advance(turn, row, given, pressed=turn.incoming.button_message_id)


_CONTROLS: dict[type[CallbackData], Input] = {Done: Finish(), Skip: SkipQuestion(), Back: GoBack()}


def _option_value(question: Question, number: int) -> str | None:
    if isinstance(question, ScaleStep):
        return str(number) if question.min <= number <= question.max else None
    options = options_of(question)
    return options[number].value if 0 <= number < len(options) else None


BUTTONS: dict[type[CallbackData], Handler] = {kind: on_button for kind in get_args(QuestionButton)}
# current_token is part of this module's interface: tests press the current question's buttons.
__all__ = ["ROUTES", "answer_text", "current_token", "media"]
ROUTES = Routes(
    commands={"terug": back_command, "overslaan": skip_command},
    buttons=BUTTONS,
)
