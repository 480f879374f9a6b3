"""From voices to plan: the samenvatting of what jongeren and ouders said, and the plan.

Modules, from core to edge: ``themes`` (tag free text), ``figures`` (SQL counts of one step and
round, suppressed and released without differencing), ``build`` (the :class:`Summary`),
``render`` and ``chart`` (text, Markdown, JSON, PNG), ``plan`` and ``export`` (the werkgroep's
plan as Markdown, DOCX and CSV). Telegram is not imported here.

Exceptions::

    SamenspraakError                (bot.errors)
    └── SummaryError                a summary, plan or export cannot be made as asked
        ├── UnknownWerkgroep        no werkgroep has this id
        └── UnknownStep             the plan template has no such step
    DisclosureError                 (bot.privacy.errors) a breakdown would reveal too much
"""

from bot.summary.errors import SummaryError, UnknownStep, UnknownWerkgroep

__all__ = ["SummaryError", "UnknownStep", "UnknownWerkgroep"]
