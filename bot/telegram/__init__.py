"""The Telegram edge: python-telegram-bot wiring, thin handlers, delivery, webhook receiver."""
