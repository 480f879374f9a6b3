"""Turn engine outcomes into chat messages: text in HTML, buttons with typed data.

A question's buttons carry ``token`` (see :mod:`bot.chat.callbacks`), which fingerprints the
conversation and the question it was shown with, so a press on an old or forged button is
recognised and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from html import escape

from bot.chat.callbacks import Back, Done, Example, Option, Skip, Tip, button
from bot.chat.events import Button, Keyboard, Send
from bot.chat.view import Say, Voice, flow_html
from bot.engine import NextQuestion
from bot.engine.schema import (
    InfoStep,
    Link,
    MultiChoiceStep,
    Question,
    ScaleStep,
    TextStep,
    fill_placeholders,
    options_of,
)
from bot.privacy.helplines import isolate
from bot.translate import RTL, Translator

SHORT_LABEL = 14


def question_token(conversation_id: str, state: str, answered: int) -> str:
    seed = f"{conversation_id}:{state}:{answered}".encode()
    return hashlib.sha256(seed).hexdigest()[:8]


def info_message(step: InfoStep, t: Translator, flow_id: str) -> Send:
    parts = []
    if step.title:
        parts.append(f"<b>{flow_html(t, flow_id, step.title)}</b>")
    parts.append(flow_html(t, flow_id, step.text))
    parts.extend(_links(step.links, t, flow_id))
    return Send("\n".join(parts))


def _links(links: list[Link], t: Translator, flow_id: str) -> list[str]:
    lines = []
    for link in links:
        title = flow_html(t, flow_id, link.title)
        if link.url:
            lines.append(f'• <a href="{escape(link.url, quote=True)}">{title}</a>')
        else:
            lines.append(f"• {title}")
    return lines


def question_message(
    asked: NextQuestion,
    t: Translator,
    voice: Voice,
    flow_id: str,
    token: str,
    *,
    note: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> Send:
    """The question, with its ``{placeholders}`` filled from ``fields`` (see flow_fields)."""
    question = asked.question
    lines = []
    if note:
        lines.append(note)
    lines.append(f"<i>{counter(asked, t)}</i>")
    text = fill_placeholders(t.pgettext(flow_id, question.text), fields or {})
    lines.append(f"<b>{escape(text)}</b>")
    options = options_of(question)
    if any(option.short for option in options):
        # Some buttons carry a short text: the message shows every option in full.
        lines.extend(
            f"{number}. {flow_html(t, flow_id, option.label)}"
            for number, option in enumerate(options, start=1)
        )
    if isinstance(question, ScaleStep) and (question.min_label or question.max_label):
        low = t.pgettext(flow_id, question.min_label or "")
        high = t.pgettext(flow_id, question.max_label or "")
        lines.append(escape(f"{question.min} = {low}, {question.max} = {high}"))
    lines.append(_how_to_answer(question, voice))
    if asked.previous is not None:
        previous = _answer_text(question, asked.previous, t, flow_id)
        lines.append(
            voice(
                "Je vorige antwoord was: %(answer)s",
                "Uw vorige antwoord was: %(answer)s",
                answer=previous,
            )
        )
    return Send("\n".join(lines), _keyboard(asked, t, voice, flow_id, token), question=True)


def answered_line(asked: NextQuestion, value: object, t: Translator, flow_id: str) -> str:
    """The answer given with a button to ``asked``: "✔ <answer>" ("➡ Overgeslagen" when
    ``value`` is None: skipped), as the first line of the next message."""
    if value is None:
        say = Say(t)
        return "➡ " + say("Overgeslagen")
    return "✔ " + escape(_answer_text(asked.question, value, t, flow_id))


def counter(asked: NextQuestion, t: Translator) -> str:
    """ "Vraag n van m"; in a right-to-left language the numbers are left-to-right isolates,
    so "السؤال 2 من 12" cannot be reordered into "12 من 2"."""
    n, total = str(asked.position), str(asked.total)
    if t.locale in RTL:
        n, total = isolate(n), isolate(total)
    say = Say(t)
    return say("Vraag %(n)s van %(total)s", n=n, total=total)


def _how_to_answer(question: Question, voice: Voice) -> str:
    if isinstance(question, TextStep):
        return voice("Typ je antwoord.", "Typt u uw antwoord.")
    if isinstance(question, MultiChoiceStep):
        return voice(
            "Kies één of meer antwoorden. Tik daarna op Klaar.",
            "Kies één of meer antwoorden. Tik daarna op Klaar.",
        )
    return voice("Tik op een antwoord.", "Tik op een antwoord.")


def _answer_text(question: Question, value: object, t: Translator, flow_id: str) -> str:
    labels = {option.value: t.pgettext(flow_id, option.label) for option in options_of(question)}
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    return labels.get(str(value), str(value))


def _keyboard(
    asked: NextQuestion, t: Translator, voice: Voice, flow_id: str, token: str
) -> Keyboard:
    question = asked.question
    rows: list[tuple[Button, ...]] = []
    if isinstance(question, ScaleStep):
        rows.append(
            tuple(button(str(n), Option(token, n)) for n in range(question.min, question.max + 1))
        )
    else:
        buttons = []
        for index, option in enumerate(options_of(question)):
            label = t.pgettext(flow_id, option.button)
            if isinstance(question, MultiChoiceStep):
                label = ("☑ " if option.value in asked.selected else "☐ ") + label
            buttons.append(button(label, Option(token, index)))
        short = all(len(button.text) <= SHORT_LABEL for button in buttons)
        width = 2 if short else 1
        rows.extend(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
        if isinstance(question, MultiChoiceStep):
            rows.append((button(t.gettext("Klaar ✔"), Done(token)),))
    helpers = []
    if question.tips:
        helpers.append(button(t.gettext("💡 Tip"), Tip(token)))
    if question.examples or question.invented_examples:
        helpers.append(button(t.gettext("📝 Voorbeeld"), Example(token)))
    if helpers:
        rows.append(tuple(helpers))
    navigation = []
    if asked.position > 1:
        navigation.append(button(t.gettext("⬅ Terug"), Back(token)))
    if not question.required:
        navigation.append(button(t.gettext("Overslaan ➡"), Skip(token)))
    if navigation:
        rows.append(tuple(navigation))
    return tuple(rows)


def tips_message(question: Question, t: Translator, flow_id: str, examples: bool) -> Send:
    say = Say(t)
    if not examples:
        heading = say("Tip")
        lines = [f"<b>{heading}</b>"]
        lines.extend("• " + flow_html(t, flow_id, item) for item in question.tips)
        lines.extend(_links(question.links, t, flow_id))
        return Send("\n".join(lines))
    # The worksheet's own examples and the ones written for this bot are shown apart, so an
    # invented answer is never taken for what a gemeente really wrote.
    lines = []
    for heading, items in (
        (say("Voorbeeld"), question.examples),
        (say("Voorbeeld (bedacht)"), question.invented_examples),
    ):
        if items:
            lines.append(f"<b>{heading}</b>")
            lines.extend("• " + flow_html(t, flow_id, item) for item in items)
    return Send("\n".join(lines))
