"""The Telegram edge: python-telegram-bot wiring, thin handlers, delivery, webhook receiver."""

import os

# PTB 22 warns on every RetryAfter (429) unless told to use timedeltas, the future default;
# with warnings as errors that warning would break the rate limiter's retries.
os.environ.setdefault("PTB_TIMEDELTA", "true")
