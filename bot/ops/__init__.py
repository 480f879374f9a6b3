"""Operations: health and metrics for a deployed bot.

* :mod:`bot.ops.metrics` — the Prometheus metrics and the small functions the edges call;
* :mod:`bot.ops.instrument` — PTB extension points that call them (no handler changes needed);
* :mod:`bot.ops.server` — ``/healthz`` and ``/metrics`` on their own port
  (``start_ops_server(runtime, host, port)``);
* ``python -m bot.ops`` — a health probe for container health checks (exit 0 when healthy).

Nothing is imported here, so the probe starts in a fraction of a second.
"""
