"""`python -m tgstub --port 8081 --token 123:TEST`: run the local Bot API standalone."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from tgstub.server import LocalBotApi


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tgstub", description="Local Telegram Bot API server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--username", default="test_bot", help="the bot's @username")
    parser.add_argument("--name", default="Test Bot", help="the bot's first name")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    api = LocalBotApi(
        token=args.token,
        bot_username=args.username,
        bot_name=args.name,
        host=args.host,
        port=args.port,
    )
    async with api:
        print(f"Local Bot API:  {api.base_url}", flush=True)
        print(f"File base URL:  {api.base_file_url}", flush=True)
        print(f"Play users:     {api.sim_url}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
