"""Prometheus metrics of a running bot: what the edges count, and the text ``/metrics`` serves.

The metric objects live in one registry of their own (plus the usual process and Python
collectors), so tests and the ops server see exactly these and nothing a library registered.
Every name carries the ``samenspraak_`` namespace, as Prometheus' naming guide asks:

=========================================  =====================================================
``samenspraak_updates_handled_total``      updates processed (whatever the outcome)
``samenspraak_handler_errors_total``       updates whose handler raised
``samenspraak_messages_sent_total``        messages the Bot API accepted, by method
``samenspraak_telegram_retry_after_total`` 429 answers (flood limit; the rate limiter waits)
``samenspraak_handler_seconds``            histogram: time to process one update
=========================================  =====================================================

No label ever holds a user id, chat id or text: labels are Bot API method names only.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

NAMESPACE = "samenspraak"
# Bot API methods that put a message in a chat; only these count as "sent".
SEND_METHODS = (
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendMediaGroup",
    "sendVoice",
    "sendAudio",
    "sendVideo",
    "sendAnimation",
    "sendSticker",
)
# Seconds; a handler is one database transaction plus a few Bot API calls.
HANDLER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

UPDATES_HANDLED = Counter(
    "updates_handled",
    "Telegram updates processed, whatever the outcome.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
HANDLER_ERRORS = Counter(
    "handler_errors",
    "Updates whose handler raised an exception.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
MESSAGES_SENT = Counter(
    "messages_sent",
    "Messages accepted by the Bot API, by method.",
    ["method"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
RETRY_AFTER = Counter(
    "telegram_retry_after",
    "Bot API answers 429 (flood limit): the rate limiter waits retry_after and retries.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "handler_seconds",
    "Seconds spent processing one update (database transaction and replies).",
    namespace=NAMESPACE,
    registry=REGISTRY,
    buckets=HANDLER_BUCKETS,
)

# Labelled series appear in the output from the start (at 0), so a dashboard has no gaps.
for _method in SEND_METHODS:
    MESSAGES_SENT.labels(method=_method)


def observe_update(seconds: float) -> None:
    """One update was processed in ``seconds`` (call it also when the handler failed)."""
    UPDATES_HANDLED.inc()
    HANDLER_SECONDS.observe(max(0.0, seconds))


def count_error() -> None:
    """A handler raised while processing an update."""
    HANDLER_ERRORS.inc()


def count_sent(method: str = "sendMessage") -> None:
    """The Bot API accepted a message sent with ``method`` (e.g. ``sendPhoto``)."""
    MESSAGES_SENT.labels(method=method if method in SEND_METHODS else "other").inc()


def count_retry_after() -> None:
    """The Bot API answered 429 Too Many Requests."""
    RETRY_AFTER.inc()


def render() -> tuple[bytes, str]:
    """The Prometheus text exposition of every metric, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
