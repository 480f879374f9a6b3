"""A restart of a migrated database knows it is current without importing Alembic.

Alembic (with Mako, Pygments and every SQL dialect it registers) costs 0.2-0.3 s of start-up;
``storage.db`` reads the head from the migration files and the current revision with one query,
and only a database that is behind pays for Alembic.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.ops.server import migration_state
from storage.db import MIGRATIONS, alembic_config, head_revision, known_revisions

ROOT = Path(__file__).resolve().parent.parent


def test_the_migration_files_read_without_alembic_agree_with_alembic() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {
        script.revision: script.down_revision for script in scripts.walk_revisions()
    }
    assert len(known_revisions()) == len(list((MIGRATIONS / "versions").glob("*.py")))


def test_a_revision_from_newer_code_is_ahead_and_an_old_one_pending() -> None:
    assert migration_state(head_revision()) == "current"
    assert migration_state("0001") == "pending"
    assert migration_state(None) == "pending"
    assert migration_state("9999_from_a_newer_release") == "ahead"


PROBE = """
import asyncio, sys
from storage.db import upgrade_async, current_revision, head_revision, make_engine
url = sys.argv[1]
asyncio.run(upgrade_async(url))
first = "alembic" in sys.modules
async def check():
    engine = make_engine(url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()
print(first, asyncio.run(check()) == head_revision())
"""


def probe(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip()


def test_only_a_database_behind_the_head_imports_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new' / 'bot.db'}"
    assert probe(url) == "True True"  # empty: Alembic migrates it
    assert probe(url) == "False True"  # migrated: a restart does not import Alembic
