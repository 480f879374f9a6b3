"""The chat dialog: what the bot says in reply to one user event, independent of Telegram.

``Dialog.handle(Incoming)`` runs one database transaction and returns ``Out`` values that the
Telegram edge (``bot.telegram``) sends only after the commit.
"""
