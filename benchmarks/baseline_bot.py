"""A bare python-telegram-bot consultation: the yardstick for the end-to-end benchmark.

    python benchmarks/baseline_bot.py --api-url URL/bot --file-url URL/file/bot --token T

It plays the same consultation as Samenspraak's ``armoede.stap-3.jongeren`` (read from the flow
YAML as plain data, no Samenspraak code), with the same messages and keyboard shapes and the
same Bot API calls per update: the privacy notice with 'Ik doe mee', 'Vraag n van m' questions
with option / 'Klaar ✔' / helper / navigation buttons, toggled multiple choice edited in place,
every keyboard left in place once its question is answered (after a typed answer as in
Samenspraak since round 4, after a tap since round 8), every press answered, info steps as their own messages and 'Klaar!' at
the end. State lives in memory in a ``ConversationHandler`` and ``user_data``; there is no
database, no translation, no pseudonyms, no redaction and no rate limiter (unless
``--rate-limiter`` is given, to compare with the same PTB limiter as ours: ``shipped`` is PTB's
default of 30 messages/s, ``retry-only`` keeps only the 429 handling). Its HTTP client is PTB's
default (httpx) unless ``--request aiohttp`` gives it the same transport as ours
(``bot.telegram.aiohttp_request``, a PTB ``BaseRequest`` with no Samenspraak logic in it, and
what it imports: the token pattern of ``bot.logging``), for a like-for-like figure of the CPU
above the HTTP client (its RSS then also holds those imports).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

FLOW = Path(__file__).resolve().parent.parent / "flows" / "armoede" / "stap-3-jongeren.yaml"
CONSENT, ASKING = range(2)
SHORT_LABEL = 14
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Context = ContextTypes.DEFAULT_TYPE

NOTICE = (
    "Hallo! De werkgroep Benchstad van je gemeente wil weten wat jij merkt, waar je je "
    "zorgen over maakt en wat kan helpen.\n\n"
    "• Je doet anoniem mee. We vragen niet je naam of adres.\n"
    "• De werkgroep ziet alleen wat veel mensen samen zeggen. Nooit wie wat zei.\n"
    "• Je kunt altijd stoppen met /stop. Met /vergeet wis je je antwoorden.\n"
    "• Dit is geen hulplijn. Heb je hulp nodig? Tik op /hulp. Wij kunnen zelf geen hulp "
    "sturen, want we weten niet wie je bent.\n\n"
    "Doe je mee?"
)
THANKS = (
    "Klaar! Dank je wel voor je antwoorden. De werkgroep ziet alleen wat veel mensen "
    "samen zeggen, nooit wie wat zei. Wil je alles wissen? Tik op /vergeet."
)
HOW = {
    "text": "Typ je antwoord.",
    "multi_choice": "Kies één of meer antwoorden. Tik daarna op Klaar.",
}


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[str, ...]  # labels (scale: the numbers)
    preamble: tuple[str, ...]  # info messages shown before this question
    scale_note: str | None
    tips: bool
    examples: bool
    goto_end_unless_yes: bool  # a yes/no whose 'Nee' skips the rest (the flow's branch)


def load_questions(path: Path) -> tuple[list[Question], tuple[str, ...]]:
    """The questions of the flow, and the info messages after the last one."""
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions: list[Question] = []
    pending: list[str] = []
    for step in flow["steps"]:
        kind = step["kind"]
        if kind == "info":
            pending.append(html.escape(" ".join(str(step["text"]).split())))
            continue
        note = None
        if kind == "scale":
            options = tuple(str(n) for n in range(step["min"], step["max"] + 1))
            note = f"{step['min']} = {step.get('min_label', '')}, {step['max']} = {step.get('max_label', '')}"
        elif kind == "yes_no":
            options = ("Ja", "Nee")
        else:
            options = tuple(option["label"] for option in step.get("options", []))
        questions.append(
            Question(
                id=step["id"],
                kind=kind,
                text=step["text"],
                options=options,
                preamble=tuple(pending),
                scale_note=note,
                tips=bool(step.get("tips")),
                examples=bool(step.get("examples")),
                goto_end_unless_yes=kind == "yes_no" and bool(step.get("branches")),
            )
        )
        pending = []
    return questions, tuple(pending)


def token_for(user_id: int, index: int, answered: int) -> str:
    return hashlib.sha256(f"{user_id}:{index}:{answered}".encode()).hexdigest()[:8]


def question_text(question: Question, position: int, total: int) -> str:
    lines = [
        f"<i>Vraag {position} van {total}</i>",
        f"<b>{html.escape(question.text)}</b>",
    ]
    if question.scale_note:
        lines.append(html.escape(question.scale_note))
    lines.append(html.escape(HOW.get(question.kind, "Tik op een antwoord.")))
    return "\n".join(lines)


def keyboard(
    question: Question, position: int, token: str, selected: frozenset[int]
) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if question.kind == "scale":
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=f"o:{token}:{label}")
                for label in question.options
            ]
        )
    else:
        buttons = []
        for index, label in enumerate(question.options):
            if question.kind == "multi_choice":
                label = ("☑ " if index in selected else "☐ ") + label
            buttons.append(InlineKeyboardButton(label, callback_data=f"o:{token}:{index}"))
        width = 2 if all(len(b.text) <= SHORT_LABEL for b in buttons) else 1
        rows.extend(buttons[i : i + width] for i in range(0, len(buttons), width))
        if question.kind == "multi_choice":
            rows.append([InlineKeyboardButton("Klaar ✔", callback_data=f"d:{token}")])
    helpers = []
    if question.tips:
        helpers.append(InlineKeyboardButton("💡 Tip", callback_data=f"t:{token}"))
    if question.examples:
        helpers.append(InlineKeyboardButton("📝 Voorbeeld", callback_data=f"v:{token}"))
    if helpers:
        rows.append(helpers)
    navigation = []
    if position > 1:
        navigation.append(InlineKeyboardButton("⬅ Terug", callback_data=f"b:{token}"))
    navigation.append(InlineKeyboardButton("Overslaan ➡", callback_data=f"s:{token}"))
    rows.append(navigation)
    return InlineKeyboardMarkup(rows) if rows else None


class Consultation:
    def __init__(self, questions: list[Question], closing: tuple[str, ...]) -> None:
        self.questions = questions
        self.closing = closing

    # -- sending ------------------------------------------------------------------------------

    async def _edit(
        self, context: Context, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
    ) -> None:
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)

    async def _send_next(self, update: Update, context: Context) -> int:
        """Show the current question (with its info preamble), or finish."""
        assert context.user_data is not None
        chat = update.effective_chat
        assert chat is not None and update.effective_user is not None
        index = context.user_data["index"]
        bot = context.bot
        if index >= len(self.questions):
            for text in self.closing:
                await bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
            await bot.send_message(chat.id, html.escape(THANKS), parse_mode=ParseMode.HTML)
            context.user_data.clear()
            return ConversationHandler.END
        question = self.questions[index]
        for text in question.preamble:
            await bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
        answered = len(context.user_data["answers"])
        position = answered + 1
        total = position + len(self.questions) - index - 1
        token = token_for(update.effective_user.id, index, answered)
        context.user_data["token"] = token
        await bot.send_message(
            chat.id,
            question_text(question, position, total),
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=keyboard(
                question, position, token, frozenset(context.user_data["selected"])
            ),
        )
        return ASKING

    # -- handlers -----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> int:
        assert update.effective_message is not None
        if not context.args:
            await update.effective_message.reply_text("Hallo! Open de link die je kreeg.")
            return ConversationHandler.END
        await update.effective_message.reply_text(
            html.escape(NOTICE),
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton("Ik doe mee", callback_data="j:ja")],
                    [InlineKeyboardButton("Nee, liever niet", callback_data="j:nee")],
                ]
            ),
        )
        return CONSENT

    async def consent(self, update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and query.message is not None
        assert context.user_data is not None and update.effective_chat is not None
        await self._edit(context, update.effective_chat.id, query.message.message_id, None)
        if query.data != "j:ja":
            await context.bot.send_message(
                update.effective_chat.id, "Oké, geen probleem. Open de link opnieuw."
            )
            await query.answer()
            return ConversationHandler.END
        context.user_data.update(index=0, answers={}, selected=set())
        state = await self._send_next(update, context)
        await query.answer()
        return state

    async def button(self, update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and query.message is not None and query.data
        assert context.user_data is not None
        chat_id = query.message.chat.id
        kind, _, rest = query.data.partition(":")
        token, _, argument = rest.partition(":")
        if token != context.user_data.get("token"):
            await query.answer("Deze knop hoort bij een oude vraag.")
            return ASKING
        index = context.user_data["index"]
        question = self.questions[index]
        selected: set[int] = context.user_data["selected"]
        if kind == "o" and question.kind == "multi_choice":
            selected ^= {int(argument)}
            position = len(context.user_data["answers"]) + 1
            await self._edit(
                context,
                chat_id,
                query.message.message_id,
                keyboard(question, position, token, frozenset(selected)),
            )
            await query.answer()
            return ASKING
        if kind == "o":
            value: Any = question.options[int(argument)] if question.kind != "scale" else argument
        elif kind == "d":
            value = sorted(selected)
        elif kind == "s":
            value = None
        else:  # tips, examples and back are not exercised by the benchmark
            await query.answer()
            return ASKING
        context.user_data["answers"][question.id] = value
        context.user_data["selected"] = set()
        index += 1
        if question.goto_end_unless_yes and value != "Ja":
            index = len(self.questions)
        context.user_data["index"] = index
        # The pressed question keeps its keyboard, as in Samenspraak since round 8 (the answer
        # heads the next message there): the same Bot API calls per update.
        state = await self._send_next(update, context)
        await query.answer()
        return state

    async def text(self, update: Update, context: Context) -> int:
        assert context.user_data is not None and update.effective_message is not None
        index = context.user_data["index"]
        question = self.questions[index]
        if question.kind != "text":
            await update.effective_message.reply_text("Tik op een van de knoppen.")
            return ASKING
        context.user_data["answers"][question.id] = update.effective_message.text
        context.user_data["index"] = index + 1
        return await self._send_next(update, context)


def build(args: argparse.Namespace) -> Application[Any, Any, Any, Any, Any, Any]:
    questions, closing = load_questions(Path(args.flow))
    consultation = Consultation(questions, closing)
    builder = ApplicationBuilder().token(args.token).base_url(args.api_url)
    builder = builder.base_file_url(args.file_url)
    if args.rate_limiter:
        overall = 0 if args.rate_limiter == "retry-only" else 30
        limiter: AIORateLimiter = AIORateLimiter(max_retries=5, overall_max_rate=overall)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if args.request == "aiohttp":
        from bot.telegram.aiohttp_request import AiohttpRequest

        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application = builder.build()
    with warnings.catch_warnings():
        # per_message=False with CallbackQueryHandler is what we want: one state per chat.
        warnings.simplefilter("ignore", PTBUserWarning)
        handler = ConversationHandler(
            entry_points=[CommandHandler("start", consultation.start)],
            states={
                CONSENT: [CallbackQueryHandler(consultation.consent, pattern="^j:")],
                ASKING: [
                    CallbackQueryHandler(consultation.button),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, consultation.text),
                ],
            },
            fallbacks=[CommandHandler("start", consultation.start)],
            allow_reentry=True,
        )
    application.add_handler(handler)
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--file-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--flow", default=str(FLOW))
    parser.add_argument(
        "--rate-limiter", choices=["retry-only", "shipped"], default=None, help="default: none"
    )
    parser.add_argument("--request", choices=["httpx", "aiohttp"], default="httpx")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    build(args).run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
