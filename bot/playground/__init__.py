"""The playground: the real bot against a local Bot API server, played from a web page.

``samenspraak playground`` (and ``samenspraak run`` without a Telegram token) starts it; see
``docs/playground.md``. :mod:`bot.playground.server` runs it, :mod:`bot.playground.demo` seeds
the demo werkgroep, ``static/`` holds the page.
"""
