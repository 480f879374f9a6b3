"""The plan as a report for the gemeenteraad: one document model, written out as Markdown,
Word, Excel or CSV by :mod:`bot.summary.export`.

The order is the order a raad member reads in: a cover, the contents, a samenvatting up front
(per step the key messages of jongeren and ouders and what the werkgroep agreed), then per step
the doel, the resultaat, the agreed answers, the members' contributions and the voice of
jongeren and ouders as tables, then response and reach, and a verantwoording appendix.

Nothing internal reaches the reader: no step keys, flow or question ids, no seed file names.
Hidden figures say "verborgen" and why, never a zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date

from bot.privacy.disclosure import OTHER_ANSWERS, PROTECTED_REASON, SUPPRESSED_REASON, Cell
from bot.summary.model import NO_LABEL, AudienceSummary, QuestionSummary, RoundSummary, Row
from bot.summary.plan import Plan, PlanQuestion, PlanStep
from bot.summary.render import N_, Formatter
from bot.summary.themes import OVERIG

__all__ = [
    "HIDDEN",
    "FigureRow",
    "Part",
    "Report",
    "Table",
    "build_report",
    "figure_rows",
    "human_text",
    "step_title",
    "steps_with_figures",
]

HIDDEN = N_("verborgen")
KEY_MESSAGES = 5
MIN_KEY_MESSAGES = 3

# Seed file names ("003_a0194ae89a2f1124") and the parenthesis that cites them.
_SEED_NOTE = re.compile(r"\s*\([^()]*\bseeds?\b[^()]*\)", re.IGNORECASE)
_SEED_ID = re.compile(r"\b\d{3}_[0-9a-f]{16}\b")


def human_text(text: str) -> str:
    """Text for a reader: citations of internal seed files removed."""
    cleaned = _SEED_ID.sub("", _SEED_NOTE.sub("", text))
    return re.sub(r"\s{2,}", " ", cleaned).strip()


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of the report. ``kind``: title, subtitle, heading, text, item, note, quote,
    table, chart (the step's PNG chart, Word only), contents or pagebreak."""

    kind: str
    text: str = ""
    lead: str | None = None
    level: int = 1
    table: Table | None = None
    step: PlanStep | None = None


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    author: str
    parts: tuple[Part, ...]


@dataclass
class _Tally:
    """How many figures the report shows and hides, for the verantwoording."""

    shown: int = 0
    small: int = 0
    protected: int = 0
    merged: bool = False
    questions: set[str] = field(default_factory=set)

    def count(self, cell: Cell) -> None:
        if cell.count is not None:
            self.shown += 1
        elif cell.reason == PROTECTED_REASON:
            self.protected += 1
        else:
            self.small += 1


def hidden_text(cell: Cell, fmt: Formatter) -> str:
    """A hidden figure as the report shows it: "verborgen" and the reason."""
    if cell.reason == PROTECTED_REASON:
        return fmt(PROTECTED_REASON)
    return f"{fmt(HIDDEN)} ({fmt(cell.reason or SUPPRESSED_REASON)})"


def _count(cell: Cell, fmt: Formatter) -> str:
    return fmt.number(cell.count) if cell.count is not None else hidden_text(cell, fmt)


def _share(row: Row, fmt: Formatter) -> str:
    return fmt.share(row.share) or "–"


def _withheld(n: int, fmt: Formatter) -> str:
    """The note for members' contributions left out because they read as a disclosure."""
    if n == 1:
        return fmt(N_("Niet opgenomen: 1 bijdrage over een persoonlijke noodsituatie."))
    return fmt(
        N_("Niet opgenomen: %(n)s bijdragen over een persoonlijke noodsituatie."), n=fmt.number(n)
    )


def step_title(step: PlanStep, fmt: Formatter) -> str:
    if step.number:
        return fmt(N_("Stap %(number)s: %(title)s"), number=step.number, title=step.title)
    return step.title


def _shown_questions(audience: AudienceSummary) -> list[QuestionSummary]:
    # A yes/no that only routes to a follow-up says nothing the follow-up does not.
    return [q for q in audience.questions if not q.routing]


def _rows(question: QuestionSummary) -> list[Row]:
    """Options in flow order; themes largest first, empty ones and "overig" last/left out."""
    if not question.themes:
        return list(question.rows)
    rows = [row for row in question.rows if row.cell.count != 0]
    return sorted(
        rows,
        key=lambda r: (
            r.key in (OVERIG, OTHER_ANSWERS),
            r.cell.suppressed,
            -(r.cell.count or 0),
            r.label,
        ),
    )


def _row_label(row: Row, question: QuestionSummary, fmt: Formatter) -> str:
    if row.key == OVERIG and question.themes:
        return fmt(N_("Overig"))
    return row.label


# --- samenvatting ---------------------------------------------------------------------------------


def _key_messages(audience: AudienceSummary, fmt: Formatter) -> list[str]:
    """The largest themes (then the most chosen options) with their counts."""
    themed: list[tuple[int, str]] = []
    chosen: list[tuple[int, str]] = []
    for question in _shown_questions(audience):
        if question.respondents.count is None or question.segment:
            continue
        for row in question.rows:
            if row.cell.count in (None, 0) or row.key in (OVERIG, OTHER_ANSWERS):
                continue
            line = fmt(
                N_("%(question)s: %(answer)s (%(n)s van de %(total)s)"),
                question=question.label,
                answer=row.label,
                n=fmt.number(row.cell.count),
                total=fmt.number(question.respondents.count),
            )
            (themed if question.themes else chosen).append((row.cell.count, line))
    themed.sort(key=lambda item: -item[0])
    chosen.sort(key=lambda item: -item[0])
    messages = [line for _, line in themed[:KEY_MESSAGES]]
    for _, line in chosen:
        if len(messages) >= MIN_KEY_MESSAGES:
            break
        messages.append(line)
    return messages


def _first_quote(audience: AudienceSummary) -> str | None:
    for question in _shown_questions(audience):
        if question.quotes:
            return question.quotes[0]
    return None


def _agreed(step: PlanStep) -> list[PlanQuestion]:
    return [question for question in step.questions if question.agreed]


def _summary_parts(plan: Plan, fmt: Formatter) -> list[Part]:
    parts = [Part("heading", fmt(N_("Samenvatting")), level=1)]
    any_step = False
    for step in plan.steps:
        latest = step.voice.latest if step.voice is not None else None
        agreed = _agreed(step)
        if latest is None and not agreed:
            continue
        any_step = True
        parts.append(Part("heading", step_title(step, fmt), level=2))
        for audience in latest.audiences if latest is not None else ():
            messages = _key_messages(audience, fmt)
            lead = fmt(
                N_("Wat %(audience)s zeggen"), audience=fmt.audience(audience.audience).lower()
            )
            if not messages:
                parts.append(
                    Part(
                        "text",
                        fmt(N_("Nog te weinig antwoorden om iets te laten zien.")),
                        lead=lead,
                    )
                )
                continue
            parts.append(Part("text", "", lead=lead))
            parts.extend(Part("item", message) for message in messages)
            quote = _first_quote(audience)
            if quote is not None:
                parts.append(Part("quote", quote))
        if agreed:
            parts.append(Part("text", "", lead=fmt(N_("Wat de werkgroep afsprak"))))
            parts.extend(Part("item", q.agreed or "", lead=q.text) for q in agreed)
    if not any_step:
        parts.append(Part("text", fmt(N_("Er zijn nog geen antwoorden of afspraken."))))
    return parts


# --- per step -------------------------------------------------------------------------------------


def _question_table(
    question: QuestionSummary,
    earlier: QuestionSummary | None,
    fmt: Formatter,
    tally: _Tally,
) -> Table:
    header = [fmt(N_("Antwoord")), fmt(N_("Aantal")), fmt(N_("Aandeel"))]
    if earlier is not None:
        header.append(fmt(N_("Vorige ronde")))
    before = {row.key: row for row in earlier.rows} if earlier is not None else {}
    rows = []
    for row in _rows(question):
        tally.count(row.cell)
        if row.key == OTHER_ANSWERS or "–" in row.key:
            tally.merged = True
        line = [_row_label(row, question, fmt), _count(row.cell, fmt), _share(row, fmt)]
        if earlier is not None:
            old = before.get(row.key)
            line.append(_share(old, fmt) if old is not None else "–")
        rows.append(tuple(line))
    return Table(header=tuple(header), rows=tuple(rows))


def _audience_parts(
    audience: AudienceSummary,
    previous: RoundSummary | None,
    fmt: Formatter,
    tally: _Tally,
) -> list[Part]:
    parts = [Part("heading", fmt.audience(audience.audience), level=3)]
    tally.count(audience.participants)
    parts.append(
        Part(
            "text",
            fmt(
                N_("Deelnemers: %(n)s (helemaal ingevuld: %(completed)s, deels: %(partial)s)."),
                n=_count(audience.participants, fmt),
                completed=_count(audience.completed, fmt),
                partial=_count(audience.partial, fmt),
            ),
        )
    )
    before = previous.audience(audience.audience) if previous is not None else None
    for question in _shown_questions(audience):
        tally.count(question.respondents)
        tally.questions.add(question.label)
        parts.append(
            Part(
                "text",
                fmt(N_("%(n)s beantwoordden deze vraag."), n=_count(question.respondents, fmt)),
                lead=question.label,
            )
        )
        earlier = before.question(question.question_id) if before is not None else None
        if question.rows:
            parts.append(Part("table", table=_question_table(question, earlier, fmt, tally)))
        if question.unmatched_words:
            parts.append(
                Part(
                    "note",
                    fmt(
                        N_("Vaak genoemd in ‘overig’: %(words)s."),
                        words=", ".join(question.unmatched_words),
                    ),
                )
            )
        if question.quotes:
            parts.append(Part("text", fmt(N_("Een paar antwoorden, willekeurig gekozen:"))))
            parts.extend(Part("quote", quote) for quote in question.quotes)
    return parts


def _voice_parts(step: PlanStep, fmt: Formatter, tally: _Tally) -> list[Part]:
    parts = [Part("heading", fmt(N_("Stem van jongeren en ouders")), level=2)]
    latest = step.voice.latest if step.voice is not None else None
    if latest is None or step.voice is None:
        parts.append(Part("note", fmt(N_("Voor deze stap zijn jongeren en ouders niet gevraagd."))))
        return parts
    previous = step.voice.previous
    parts.append(Part("chart", step=step))
    if previous is not None:
        parts.append(
            Part(
                "note",
                fmt(
                    N_("Ronde %(round)s, met ronde %(previous)s ernaast."),
                    round=latest.round,
                    previous=previous.round,
                ),
            )
        )
    for audience in latest.audiences:
        parts.extend(_audience_parts(audience, previous, fmt, tally))
    return parts


def _subjects(step: PlanStep) -> list[str]:
    return list(dict.fromkeys(r.subject for q in step.questions for r in q.rounds if r.subject))


def _round_table(step: PlanStep, numbers: Sequence[int], subject: str, fmt: Formatter) -> Table:
    """Per question the agreed answer of each round, side by side."""
    header = (fmt(N_("Vraag")), *(fmt(N_("Ronde %(round)s"), round=n) for n in numbers))
    rows = []
    for question in step.questions:
        by_round = {r.round: r for r in question.rounds if r.subject == subject}
        if not by_round:
            continue
        cells = []
        for number in numbers:
            found = by_round.get(number)
            if found is None or not (found.agreed or found.contributions):
                cells.append("–")
            elif found.agreed:
                cells.append(found.agreed)
            else:
                cells.append(fmt(N_("nog niet afgesproken")))
        rows.append((question.text, *cells))
    return Table(header=header, rows=tuple(rows))


def _step_parts(step: PlanStep, fmt: Formatter, tally: _Tally) -> list[Part]:
    parts = [
        Part("pagebreak"),
        Part("heading", step_title(step, fmt), level=1),
        Part("text", step.doel, lead=fmt(N_("Doel"))),
        Part("text", step.resultaat, lead=fmt(N_("Resultaat"))),
    ]
    numbers = sorted({r.round for q in step.questions for r in q.rounds})
    several = len(numbers) > 1
    agreed = _agreed(step)
    if agreed:
        parts.append(Part("heading", fmt(N_("Afgesproken antwoorden")), level=2))
        for question in agreed:
            text = question.agreed or ""
            if several and question.agreed_round is not None:
                text += " " + fmt(N_("(ronde %(round)s)"), round=question.agreed_round)
            parts.append(Part("item", text, lead=question.text))
    if several:
        parts.append(Part("heading", fmt(N_("Vergelijking per ronde")), level=2))
        parts.append(Part("table", table=_round_table(step, numbers, "", fmt)))
    for subject in _subjects(step):
        parts.append(Part("heading", fmt(N_("Aanpak: %(name)s"), name=subject), level=2))
        subject_rounds = sorted(
            {r.round for q in step.questions for r in q.rounds if r.subject == subject}
        )
        parts.append(Part("table", table=_round_table(step, subject_rounds, subject, fmt)))
    contributed = [
        q for q in step.questions if any(r.contributions or r.withheld for r in q.rounds)
    ]
    if contributed:
        parts.append(Part("heading", fmt(N_("Bijdragen van de werkgroep")), level=2))
        for question in contributed:
            parts.append(Part("text", "", lead=question.text))
            for round_ in question.rounds:
                for given in round_.contributions:
                    who = (
                        f"{given.member} ({given.organisation})"
                        if given.organisation
                        else given.member
                    )
                    if round_.subject:
                        who += f", {round_.subject}"
                    if several:
                        who += ", " + fmt(N_("ronde %(round)s"), round=round_.round)
                    parts.append(Part("item", given.answer, lead=who))
                if round_.withheld:
                    parts.append(Part("note", _withheld(round_.withheld, fmt)))
    open_questions = [q for q in step.questions if not q.rounds]
    if open_questions:
        n = len(open_questions)
        text = (
            fmt(N_("Nog open: 1 vraag."))
            if n == 1
            else fmt(N_("Nog open: %(n)s vragen."), n=fmt.number(n))
        )
        parts.append(Part("note", text))
    parts.extend(_voice_parts(step, fmt, tally))
    return parts


# --- response and reach ---------------------------------------------------------------------------


def _reach_parts(plan: Plan, fmt: Formatter) -> list[Part]:
    parts = [Part("pagebreak"), Part("heading", fmt(N_("Respons en bereik")), level=1)]
    rows: list[tuple[str, ...]] = []
    not_reached: list[str] = []
    for step in plan.steps:
        latest = step.voice.latest if step.voice is not None else None
        title = step_title(step, fmt)
        asked = {a.audience for a in latest.audiences} if latest is not None else set()
        for audience in latest.audiences if latest is not None else ():
            name = fmt.audience(audience.audience)
            rows.append((title, name, fmt(N_("totaal")), _count(audience.participants, fmt)))
            if [label for label, _ in audience.labels] not in ([], [NO_LABEL]):
                for label, cell in audience.labels:
                    rows.append((title, name, fmt.label(label), _count(cell, fmt)))
                    if cell.count == 0:
                        not_reached.append(
                            fmt(
                                N_("%(step)s: %(audience)s via %(label)s (niemand deed mee)"),
                                step=title,
                                audience=name.lower(),
                                label=fmt.label(label),
                            )
                        )
            if audience.participants.count == 0:
                not_reached.append(
                    fmt(
                        N_("%(step)s: %(audience)s (niemand deed mee)"),
                        step=title,
                        audience=name.lower(),
                    )
                )
        for audience_key in step.audiences:
            if audience_key not in asked:
                not_reached.append(
                    fmt(
                        N_("%(step)s: %(audience)s (nog niet gevraagd)"),
                        step=title,
                        audience=fmt.audience(audience_key).lower(),
                    )
                )
    if rows:
        header = (fmt(N_("Stap")), fmt(N_("Groep")), fmt(N_("Campagne")), fmt(N_("Deelnemers")))
        parts.append(Part("table", table=Table(header=header, rows=tuple(rows))))
    else:
        parts.append(Part("text", fmt(N_("Er zijn nog geen jongeren of ouders gevraagd."))))
    parts.append(Part("heading", fmt(N_("Niet bereikt")), level=2))
    if not_reached:
        parts.extend(Part("item", line) for line in not_reached)
    else:
        parts.append(Part("text", fmt(N_("Elke gevraagde groep is bereikt."))))
    return parts


# --- verantwoording -------------------------------------------------------------------------------


def _verantwoording(plan: Plan, fmt: Formatter, tally: _Tally) -> list[Part]:
    k = plan.methods.k
    parts = [
        Part("pagebreak"),
        Part("heading", fmt(N_("Bijlage: verantwoording")), level=1),
        Part(
            "text",
            fmt(
                N_(
                    "Jongeren en ouders beantwoordden anoniem korte vragen in een chat, via een "
                    "link of QR-code van de werkgroep (op school, in het jongerenwerk, op een "
                    "ouderavond). De werkgroepleden vulden de vragen van elke stap in; hun "
                    "bijdragen staan er met naam en organisatie bij."
                )
            ),
            lead=fmt(N_("Methode")),
        ),
        Part(
            "text",
            fmt(
                N_(
                    "Een getal staat er alleen als het op minstens %(k)s mensen rust (k = %(k)s). "
                    "Kleinere groepen staan er als ‘verborgen (te weinig antwoorden)’. Soms is "
                    "een tweede getal verborgen, zodat je het kleine getal niet kunt "
                    "terugrekenen uit het totaal: daar staat ‘verborgen om een kleine groep te "
                    "beschermen’. Een verborgen getal is nooit nul."
                ),
                k=k,
            ),
            lead=fmt(N_("Kleine groepen")),
        ),
    ]
    hidden = tally.small + tally.protected
    total = tally.shown + hidden
    if total:
        parts.append(
            Part(
                "item",
                fmt(
                    N_(
                        "In dit rapport staan %(shown)s getallen; %(hidden)s zijn verborgen: "
                        "%(small)s omdat de groep te klein was, %(protected)s om een kleine "
                        "groep te beschermen."
                    ),
                    shown=fmt.number(tally.shown),
                    hidden=fmt.number(hidden),
                    small=fmt.number(tally.small),
                    protected=fmt.number(tally.protected),
                ),
            )
        )
    parts.append(
        Part(
            "item",
            fmt(
                N_(
                    "Waar het kan zonder de betekenis te veranderen, zijn antwoorden eerst "
                    "samengevoegd: buren op een schaal (bijvoorbeeld 1–2, 3 en 4–5) en kleine "
                    "keuzes als ‘andere antwoorden’. Zo hoeft er minder verborgen te worden."
                )
            ),
        )
    )
    parts.append(
        Part(
            "item",
            fmt(
                N_(
                    "De getallen veranderen pas als er minstens %(k)s nieuwe deelnemers zijn. "
                    "Zo kan niemand twee versies naast elkaar leggen om één persoon te vinden."
                ),
                k=k,
            ),
        )
    )
    parts.append(
        Part(
            "text",
            fmt(
                N_(
                    "Namen, telefoonnummers, e-mailadressen, adressen en andere persoonlijke "
                    "gegevens zijn uit de open antwoorden gehaald voordat ze werden opgeslagen. "
                    "Citaten staan er alleen bij groepen van minstens %(twice)s mensen, in "
                    "willekeurige volgorde, zonder naam en zonder datum. Antwoorden met een "
                    "zorgwekkend signaal worden nooit geciteerd. Deelnemers wisten vooraf dat "
                    "een korte zin zonder naam in het verslag kan staan."
                ),
                twice=2 * k,
            ),
            lead=fmt(N_("Open antwoorden en citaten")),
        )
    )
    methods = plan.methods
    if methods.period:
        first, last = (fmt.month(month) for month in methods.period)
        period = (
            fmt(N_("Periode: %(month)s."), month=first)
            if first == last
            else fmt(N_("Periode: %(first)s tot en met %(last)s."), first=first, last=last)
        )
        parts.append(Part("item", period))
    if plan.source:
        parts.append(
            Part(
                "item",
                fmt(N_("Bron van de werkbladen: %(source)s"), source=human_text(plan.source)),
            )
        )
    return parts


# --- the whole report -----------------------------------------------------------------------------


def build_report(
    plan: Plan,
    fmt: Formatter,
    *,
    made_on: date,
    version: int,
    gemeente: str | None = None,
) -> Report:
    """The report for the raad; ``version`` counts the exports of this plan so far."""
    tally = _Tally()
    steps: list[Part] = []
    for step in plan.steps:
        steps.extend(_step_parts(step, fmt, tally))
    cover = [
        Part("title", plan.template_title),
        Part("subtitle", fmt(N_("Plan van %(werkgroep)s"), werkgroep=plan.werkgroep_name)),
    ]
    if gemeente:
        cover.append(Part("text", gemeente, lead=fmt(N_("Gemeente of regio"))))
    cover += [
        Part("text", format_date(made_on, "d MMMM y", locale=fmt.locale), lead=fmt(N_("Datum"))),
        Part("text", fmt.number(version), lead=fmt(N_("Versie"))),
    ]
    summary = _summary_parts(plan, fmt)
    reach = _reach_parts(plan, fmt)
    appendix = _verantwoording(plan, fmt, tally)
    body = [*summary, *steps, *reach, *appendix]
    contents = [part.text for part in body if part.kind == "heading" and part.level == 1]
    parts = [
        *cover,
        Part("pagebreak"),
        Part("heading", fmt(N_("Inhoud")), level=1),
        *(Part("item", title) for title in contents),
        Part("pagebreak"),
        *body,
    ]
    return Report(
        title=fmt(
            N_("%(plan)s – %(werkgroep)s"), plan=plan.template_title, werkgroep=plan.werkgroep_name
        ),
        author=plan.werkgroep_name,
        parts=tuple(parts),
    )


# --- figures as rows (CSV and Excel) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One released figure with human labels: what CSV and Excel hold."""

    step: str
    round: int
    audience: str
    table: str
    question: str
    answer: str
    cell: Cell
    share: float | None


def figure_rows(plan: Plan, fmt: Formatter) -> Iterator[tuple[PlanStep, FigureRow]]:
    """Every figure the report shows, per step; routing questions left out as in the report."""
    for step in plan.steps:
        if step.voice is None:
            continue
        title = step_title(step, fmt)
        for round_ in step.voice.rounds:
            for group in round_.audiences:
                name = fmt.audience(group.audience)
                where = (title, round_.round, name)
                participants = fmt(N_("Deelnemers"))
                for label, cell in group.labels:
                    if label != NO_LABEL or len(group.labels) > 1:
                        yield (
                            step,
                            FigureRow(*where, participants, "", fmt.label(label), cell, None),
                        )
                yield (
                    step,
                    FigureRow(
                        *where, participants, "", fmt(N_("totaal")), group.participants, None
                    ),
                )
                for answer, cell in (
                    (fmt(N_("helemaal ingevuld")), group.completed),
                    (fmt(N_("deels ingevuld")), group.partial),
                    (fmt(N_("met een zorgwekkend signaal")), group.crisis),
                ):
                    yield step, FigureRow(*where, participants, "", answer, cell, None)
                for question in _shown_questions(group):
                    table = fmt(N_("Thema's")) if question.themes else fmt(N_("Antwoorden"))
                    yield (
                        step,
                        FigureRow(
                            *where,
                            fmt(N_("Respondenten")),
                            question.label,
                            "",
                            question.respondents,
                            None,
                        ),
                    )
                    for row in _rows(question):
                        yield (
                            step,
                            FigureRow(
                                *where,
                                table,
                                question.label,
                                _row_label(row, question, fmt),
                                row.cell,
                                row.share,
                            ),
                        )


def steps_with_figures(plan: Plan) -> Sequence[PlanStep]:
    return [step for step in plan.steps if step.voice is not None and step.voice.rounds]
