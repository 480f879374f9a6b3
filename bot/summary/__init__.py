"""From voices to plan: the samenvatting of what jongeren and ouders said, and the plan.

Modules, from core to edge: ``themes`` (tag free text), ``figures`` (SQL counts of one step and
round, suppressed and released without differencing), ``build`` (the :class:`Summary`),
``render`` and ``chart`` (text, Markdown, JSON, PNG), ``plan`` (contributions and agreed
answers per round), ``report`` (the plan as a report for the raad), ``export`` (Markdown, DOCX,
PDF, CSV, XLSX) and ``coverage`` (how much is hidden). Telegram is not imported here.

Exports: :class:`~bot.summary.export.PdfUnavailable` (a ``SummaryError``) when PDF is asked
for without LibreOffice.

Exceptions::

    SamenspraakError                (bot.errors)
    └── SummaryError                a summary, plan or export cannot be made as asked
        ├── UnknownWerkgroep        no werkgroep has this id
        └── UnknownStep             the plan template has no such step
    DisclosureError                 (bot.privacy.errors) a breakdown would reveal too much
"""

from bot.summary.errors import SummaryError, UnknownStep, UnknownWerkgroep

__all__ = ["SummaryError", "UnknownStep", "UnknownWerkgroep"]
