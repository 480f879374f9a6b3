"""The browser channel: the same consultation as in Telegram, as plain HTML forms.

A thin edge over :class:`bot.chat.dialog.Dialog`, like ``bot.telegram``: a form post becomes an
``Incoming`` (principal ``web:<session id>``, no Telegram user id), the dialog decides and
stores in one transaction, and the returned ``Out`` values are rendered as HTML (buttons become
submit buttons carrying the same opaque data). Modules:

- :mod:`bot.web.session`: the signed anonymous session cookie and the CSRF token bound to it
- :mod:`bot.web.limits`: in-memory rate limits per session and per address
- :mod:`bot.web.page`: HTML rendering (the only module here that writes markup)
- :mod:`bot.web.app`: the aiohttp application, its routes and security headers

State lives only in the database (and the cookie), so replicas scale out as the bot does.
No IP address, user agent or other identifier is stored or logged.
"""
