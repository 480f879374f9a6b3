"""``python -m bot.ops [--host H] [--port P]``: exit 0 when ``/healthz`` answers 200, else 1.

For container health checks (the slim image has no curl). The port defaults to
``SAMENSPRAAK_METRICS_PORT`` (9090), the host to 127.0.0.1: the probe runs next to the bot.
Standard library only, so a probe costs a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_PORT = 9090


def probe(host: str, port: int, timeout: float) -> tuple[bool, str]:
    """Whether the bot at ``host:port`` is healthy, and a one-line reason."""
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return False, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as error:
        return False, json.dumps({"probe": f"no answer from {url}: {error}"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SAMENSPRAAK_METRICS_PORT") or DEFAULT_PORT)
    )
    parser.add_argument("--timeout", type=float, default=8.0)
    args = parser.parse_args(argv)
    healthy, detail = probe(args.host, args.port, args.timeout)
    print(detail.strip(), file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
