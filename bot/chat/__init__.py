"""The chat dialog: what the bot says in reply to one user event, independent of Telegram.

``Dialog.first_aid(Incoming)`` (no database) returns the help lines for a crisis signal or
``/hulp``; every edge sends them first. ``Dialog.handle(Incoming)`` then runs one database
transaction and returns ``Out`` values that the Telegram edge (``bot.telegram``) sends only
after the commit.
"""
