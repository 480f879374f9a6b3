"""From voices to plan, in chat: /samenvatting, /plan, /vastleggen, /herinnering, and the
aggregated input shown to the werkgroep at the question where it is discussed.

All figures come from :mod:`bot.summary`, which applies the disclosure rules; this module only
asks, renders and sends. Every summary and export is written to the audit log there.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from bot.chat.callbacks import AgreeMore, AgreeQuestion, AgreeStep, CallbackData, button
from bot.chat.events import Out, Send, SendDocument, SendPhoto, Toast
from bot.chat.roles import actor, coordinator_of
from bot.chat.state import Agreeing, Idle, State
from bot.chat.turn import Handler, Routes, Turn
from bot.chat.view import fill
from bot.engine.runner import clean_text, small_number
from bot.engine.schema import Flow
from storage import repo, rounds
from storage.models import Member, Werkgroep, utcnow

if TYPE_CHECKING:
    from bot.summary.model import Summary
    from bot.summary.plan import Plan, PlanQuestion, PlanRound, PlanStep

# bot.summary (the counting, the plan, the renderers; 0.1 s of imports) is imported by the
# functions that use it: only coordinators and werkgroep members reach them, and every start
# of the bot would otherwise pay for it before its first reply.

MAX_AGREED = 4000
MAX_REMINDER_DAYS = 365


async def input_for_discussion(turn: Turn, werkgroep_id: str, flow: Flow) -> list[Out]:
    """What jongeren and ouders said at this step, before the question that discusses it."""
    from bot.summary.build import discussion_input

    reader = await turn.member()
    summary = await discussion_input(
        turn.session,
        turn.runtime.catalog,
        werkgroep_id,
        flow.plan.step,
        turn.runtime.settings.min_group_size,
        actor=f"member:{reader.id if reader else '?'}",
    )
    if summary is None:
        return [
            Send(
                turn.say(
                    "Nog niet bekend wat jongeren en ouders zeggen: er is voor deze stap nog "
                    "geen campagne. Een coördinator maakt er een met /campagne."
                )
            )
        ]
    intro = Send(turn.say("Eerst: dit zeiden jongeren en ouders bij deze stap."))
    return [intro, *_summary_messages(turn, summary)]


def _summary_messages(turn: Turn, summary: Summary) -> list[Out]:
    # matplotlib is imported here, not at start-up: ~0.5 s and ~50 MB the bot only needs for
    # a summary (see docs/performance.md).
    from bot.summary.chart import render_chart
    from bot.summary.render import render_text, split_summary

    text = render_text(summary, turn.t.gettext, turn.locale)
    messages: list[Out] = [Send(chunk) for chunk in split_summary(text)]
    for step in summary.steps:
        chart = render_chart(step, turn.t.gettext, turn.locale)
        if chart is not None:
            caption = turn.say("Zorgen en kansen, stap %(number)s", number=step.number)
            messages.append(SendPhoto(chart, caption))
    return messages


# --- /samenvatting ----------------------------------------------------------------------------


async def summary_command(turn: Turn) -> None:
    from bot.summary.build import build_summary

    member = await coordinator_of(turn)
    if member is None:
        return
    step = turn.incoming.args[0] if turn.incoming.args else None
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    if step is not None and template is not None:
        keys = {s.key: s.key for s in template.steps} | {s.number: s.key for s in template.steps}
        if step not in keys:
            turn.replies.send(
                turn.say(
                    "Onbekende stap %(step)s. Kies uit: %(steps)s",
                    step=step,
                    steps=", ".join(s.number for s in template.steps),
                )
            )
            return
        step = keys[step]
    summary = await build_summary(
        turn.session,
        turn.runtime.catalog,
        member.werkgroep_id,
        step,
        turn.runtime.settings.min_group_size,
        actor=actor(member),
    )
    if not summary.steps:
        turn.replies.send(turn.say("Er zijn nog geen antwoorden van jongeren of ouders."))
        return
    turn.replies.add(*_summary_messages(turn, summary))


# --- /plan ------------------------------------------------------------------------------------


async def plan_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    from bot.summary.export import export_plan  # python-docx only when a plan is exported

    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    name = _filename(werkgroep.naam if werkgroep else "plan")
    for fmt, extension in (("docx", "docx"), ("md", "md")):
        data = await export_plan(
            turn.session,
            turn.runtime.catalog,
            member.werkgroep_id,
            fmt,
            turn.runtime.settings.min_group_size,
            actor=actor(member),
            gettext=turn.t.gettext,
            locale=turn.locale,
        )
        turn.replies.add(SendDocument(data, f"plan-{name}.{extension}"))
    turn.replies.send(
        turn.say(
            "Het plan als Word-document en als Markdown. Leg gezamenlijke "
            "antwoorden vast met /vastleggen."
        )
    )


def _filename(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "plan"


# --- /vastleggen ------------------------------------------------------------------------------


async def agree_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    template = turn.runtime.catalog.templates.get(werkgroep.template_id) if werkgroep else None
    if template is None:
        return
    buttons = tuple(
        (
            button(
                f"{step.number}. {turn.t.pgettext(template.id, step.title)}"[:60], AgreeStep(index)
            ),
        )
        for index, step in enumerate(template.steps)
        if turn.runtime.catalog.flow_for(template.id, step.key, "werkgroep") is not None
    )
    turn.replies.send(turn.say("Voor welke stap leg je een antwoord vast?"), buttons)


async def agree_step(turn: Turn) -> None:
    """A step was chosen: list its questions."""
    member = await coordinator_of(turn)
    if member is None:
        return
    index = turn.pressed(AgreeStep).step
    plan = await _plan(turn, member)
    if index >= len(plan.steps):
        turn.replies.toast = Toast(turn.t.gettext("Deze knop hoort bij een oude vraag."))
        return
    turn.replies.send(
        turn.say("Welke vraag?"),
        tuple(
            (button(question.text[:60], AgreeQuestion(index, number)),)
            for number, question in enumerate(plan.steps[index].questions)
        ),
    )


async def agree_question(turn: Turn) -> None:
    """A question was chosen: show what was said, then ask for the agreed answer (last, so the
    prompt is never buried above the input)."""
    from bot.summary.render import render_text, split_summary

    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(AgreeQuestion)
    found = await _agree_target(turn, member, pressed.step, pressed.question)
    if found is None:
        return
    plan, step, question = found
    turn.edit_pressed()
    current = await rounds.current_round(turn.session, member.werkgroep_id, step.key)
    this_round = _round(question, current)
    earlier = [r for r in question.rounds if r.round < current and not r.subject and r.agreed]
    lines = [f"<b>{escape(question.text)}</b>"]
    if current > 1:
        lines.append(turn.say("Ronde %(round)s", round=current))
    lines.append(turn.say("Bijdragen van leden:"))
    contributions = this_round.contributions if this_round else ()
    lines += [
        "• " + escape(f"{c.member} ({c.organisation or '-'}): {c.answer}") for c in contributions
    ] or ["• " + turn.say("nog geen")]
    if this_round is not None and this_round.withheld:
        lines.append(
            turn.say(
                "Niet getoond: %(n)s bijdrage(n) over een persoonlijke noodsituatie.",
                n=this_round.withheld,
            )
        )
    if this_round is not None and this_round.agreed:
        lines.append(turn.say("Nu vastgelegd: %(text)s", text=this_round.agreed))
    if earlier:
        lines.append(
            turn.say(
                "In ronde %(round)s vastgelegd: %(text)s",
                round=earlier[-1].round,
                text=earlier[-1].agreed,
            )
        )
    prompt = turn.say("Typ het gezamenlijke antwoord. Een streepje (-) wist het.")
    turn.state = Agreeing(step_key=step.key, question_id=question.question_id)
    if step.voice is None or not question.discuss_input:
        turn.replies.send("\n".join([*lines, prompt]))
        return
    turn.replies.send("\n".join(lines))
    short = _question_input(plan.summary, step.key, _input_ids(turn, plan, step, question))
    if short is None:
        turn.replies.add(*_summary_messages(turn, _step_only(plan.summary, step.key)))
    else:
        chunks = split_summary(render_text(short, turn.t.gettext, turn.locale))
        more = button(
            turn.t.gettext("Meer: alles wat jongeren en ouders zeiden"),
            AgreeMore(pressed.step, pressed.question),
        )
        turn.replies.add(*(Send(chunk) for chunk in chunks[:-1]))
        turn.replies.send(chunks[-1], ((more,),))
    turn.replies.send(prompt)


async def agree_more(turn: Turn) -> None:
    """ "Meer" under the shortened input: the step's whole summary, then the prompt again."""
    member = await coordinator_of(turn)
    if member is None:
        return
    pressed = turn.pressed(AgreeMore)
    found = await _agree_target(turn, member, pressed.step, pressed.question)
    if found is None:
        return
    plan, step, question = found
    turn.edit_pressed()
    turn.replies.add(*_summary_messages(turn, _step_only(plan.summary, step.key)))
    turn.replies.send(turn.say("Typ het gezamenlijke antwoord. Een streepje (-) wist het."))
    turn.state = Agreeing(step_key=step.key, question_id=question.question_id)


async def _agree_target(
    turn: Turn, member: Member, step_index: int, question_index: int
) -> tuple[Plan, PlanStep, PlanQuestion] | None:
    plan = await _plan(turn, member)
    if step_index >= len(plan.steps) or question_index >= len(plan.steps[step_index].questions):
        turn.replies.toast = Toast(turn.t.gettext("Deze knop hoort bij een oude vraag."))
        return None
    step = plan.steps[step_index]
    return plan, step, step.questions[question_index]


def _round(question: PlanQuestion, number: int) -> PlanRound | None:
    return next((r for r in question.rounds if r.round == number and not r.subject), None)


def _step_only(summary: Summary, step_key: str) -> Summary:
    return replace(summary, steps=tuple(s for s in summary.steps if s.step_key == step_key))


def _input_ids(turn: Turn, plan: Plan, step: PlanStep, question: PlanQuestion) -> set[str]:
    """The participant questions a werkgroep question discusses: its ``input_questions``, else
    the questions with its own id (the werkgroep's "zorgen" discusses "zorgen")."""
    from bot.summary.build import questions_of

    flow = turn.runtime.catalog.flow_for(plan.template_id, step.key, "werkgroep")
    asked = (
        next((q for q in questions_of(flow) if q.id == question.question_id), None)
        if flow
        else None
    )
    return set(asked.input_questions) if asked and asked.input_questions else {question.question_id}


def _question_input(summary: Summary, step_key: str, question_ids: set[str]) -> Summary | None:
    """The step's summary cut down to the participant questions in ``question_ids``; None when
    none of them has figures in the summary."""
    step = summary.step(step_key)
    if step is None:
        return None
    trimmed = tuple(
        replace(
            round_,
            audiences=tuple(
                replace(
                    audience,
                    questions=tuple(q for q in audience.questions if q.question_id in question_ids),
                )
                for audience in round_.audiences
            ),
        )
        for round_ in step.rounds
    )
    if not any(a.questions for r in trimmed for a in r.audiences):
        return None
    return replace(summary, steps=(replace(step, rounds=trimmed),))


async def _plan(turn: Turn, member: Member) -> Plan:
    from bot.summary.plan import build_plan

    return await build_plan(
        turn.session,
        turn.runtime.catalog,
        member.werkgroep_id,
        turn.runtime.settings.min_group_size,
        actor=actor(member),
    )


async def agreed_text(turn: Turn) -> None:
    from bot.summary.plan import record_agreed_answer

    member = await coordinator_of(turn)
    target = turn.state
    turn.state = Idle()
    if member is None or not isinstance(target, Agreeing):
        return
    text = clean_text(turn.incoming.text or "")
    if len(text) > MAX_AGREED:
        turn.state = target
        turn.replies.send(
            turn.say("Dat is te lang (meer dan %(max)s tekens). Maak het korter.", max=MAX_AGREED)
        )
        return
    await record_agreed_answer(
        turn.session,
        member.werkgroep_id,
        target.step_key,
        target.question_id,
        "" if text == "-" else text,
        member.name,
        catalog=turn.runtime.catalog,
        actor=actor(member),
    )
    turn.replies.send(
        turn.say("Vastgelegd. Het staat in het plan (/plan).")
        if text != "-"
        else turn.say("Het vastgelegde antwoord is gewist.")
    )


# --- /herinnering -----------------------------------------------------------------------------


async def reminder_command(turn: Turn) -> None:
    member = await coordinator_of(turn)
    if member is None:
        return
    werkgroep = await turn.session.get(Werkgroep, member.werkgroep_id)
    assert werkgroep is not None
    args = turn.incoming.args
    if not args:
        current = (
            fill(turn.t.gettext("elke %(days)s dagen"), {"days": werkgroep.reminder_days})
            if werkgroep.reminder_days
            else turn.t.gettext("uit")
        )
        turn.replies.send(
            turn.say(
                "Herinnering voor de periodieke reflectie: %(current)s. Instellen: "
                "/herinnering 90 (dagen), uitzetten: /herinnering uit.",
                current=current,
            )
        )
        return
    if args[0].lower() in ("uit", "off", "0"):
        werkgroep.reminder_days = None
        werkgroep.reminder_due_at = None
        turn.replies.send(turn.say("De herinnering staat uit."))
    elif (days := small_number(args[0])) is not None and 1 <= days <= MAX_REMINDER_DAYS:
        werkgroep.reminder_days = days
        werkgroep.reminder_due_at = utcnow() + timedelta(days=days)
        turn.replies.send(
            turn.say("Elke %(days)s dagen krijgen alle leden een herinnering.", days=args[0])
        )
    else:
        turn.replies.send(
            turn.say("Geef een aantal dagen van 1 tot %(max)s, of 'uit'.", max=MAX_REMINDER_DAYS)
        )
        return
    await repo.audit(turn.session, actor(member), "reminder.set", werkgroep.id, days=args[0])


COMMANDS: dict[str, Handler] = {
    "samenvatting": summary_command,
    "plan": plan_command,
    "vastleggen": agree_command,
    "herinnering": reminder_command,
}
BUTTONS: dict[type[CallbackData], Handler] = {
    AgreeStep: agree_step,
    AgreeQuestion: agree_question,
    AgreeMore: agree_more,
}
MODES: dict[type[State], Handler] = {Agreeing: agreed_text}
ROUTES = Routes(COMMANDS, BUTTONS, MODES)
