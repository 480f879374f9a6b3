"""The pause after a crisis reply in a flow: "Verder met de vragen" or "Stoppen".

:func:`bot.chat.answering.pause` puts the chat in :class:`~bot.chat.state.CrisisPause` and
offers the two buttons; here they are answered. Text typed meanwhile is not taken as an answer
(the user has not seen a next question): the buttons are offered again. The question shown
before stays answerable by its buttons, /terug and /overslaan: that is the user's choice. The help lines for it,
if any, were sent before the transaction by the edge.
"""

from __future__ import annotations

from bot.chat import answering
from bot.chat.callbacks import CallbackData, PauseContinue, PauseStop
from bot.chat.render import info_message
from bot.chat.state import CrisisPause, Idle
from bot.chat.turn import Handler, Routes, Turn
from bot.engine.schema import InfoStep


async def go_on(turn: Turn) -> None:
    """'Verder met de vragen': the question that waited."""
    paused = turn.state
    if not isinstance(paused, CrisisPause):
        turn.stale()
        return
    turn.edit_pressed()
    turn.state = Idle()
    row = await answering.active_row(turn)
    if row is None or row.finished:
        turn.replies.send(turn.say("Er is nu geen vraag. Tik op /help."))
        return
    # What would have come with the question: the info texts before it, the voices to discuss.
    steps = turn.runtime.engine.flow(row.flow_id).steps
    for position in paused.info:
        step = steps[position] if position < len(steps) else None
        if isinstance(step, InfoStep):
            turn.replies.add(info_message(step, turn.t, row.flow_id))
    await answering.show_current(turn, row, discuss=True)


async def stop(turn: Turn) -> None:
    """'Stoppen': as /stop (/start continues later)."""
    if not isinstance(turn.state, CrisisPause):
        turn.stale()
        return
    turn.edit_pressed()
    await answering.stop(turn)


async def typed_while_paused(turn: Turn) -> None:
    row = await answering.active_row(turn)
    formal = await answering.is_formal(turn, row)
    turn.replies.send(
        turn.voice(formal)(
            "Wil je verder met de vragen? Tik dan op de knop. Wil je stoppen? Tik op Stoppen.",
            "Wilt u verder met de vragen? Tik dan op de knop. Wilt u stoppen? Tik op Stoppen.",
        ),
        answering.pause_buttons(turn),
    )


BUTTONS: dict[type[CallbackData], Handler] = {PauseContinue: go_on, PauseStop: stop}
ROUTES = Routes(buttons=BUTTONS, modes={CrisisPause: typed_while_paused})
