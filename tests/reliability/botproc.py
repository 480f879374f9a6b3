"""A zygote for the crash tests: it forks a fresh ``samenspraak run`` process on request.

Start-up of the bot is mostly Python imports and reading the flow files. This process does both
once, then forks one child per line read from stdin (``go`` and the arguments of ``run``, e.g.
``go --webhook --port 8443 --url http://…``) and prints the child's pid. Each child runs
the real command line (``bot.cli.main`` with ``run``, configured by the SAMENSPRAAK_* environment)
in a fresh process with its own event loop, database connections and Bot API session, so the
test can SIGKILL it at any moment and start the next one in well under a second.

Children are reaped by the kernel (SIGCHLD ignored); the zygote ends at the end of its input.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

import bot.runtime
import bot.telegram.app
from bot.cli import main
from bot.engine import Catalog, load_catalog


def serve() -> None:
    flows = Path(os.environ["SAMENSPRAAK_FLOWS_DIR"])
    catalog = load_catalog(flows)

    def loaded(root: Path, extra: Iterable[Path] = ()) -> Catalog:
        return catalog if Path(root) == flows and not extra else load_catalog(root, extra)

    bot.runtime.load_catalog = loaded
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while line := sys.stdin.readline():
        args = line.split()[1:]  # "go" and the arguments of `samenspraak run`
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 0
            try:
                sys.argv = ["samenspraak", "run", *args]
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    serve()
