"""Where the data that ships with the bot lives: the flows and the translation catalogs.

A wheel carries ``flows/`` and ``locales/`` inside the ``bot`` package as ``bot/_data/flows`` and
``bot/_data/locales`` (hatch ``force-include``, see pyproject.toml), so an installed bot finds them
with :mod:`importlib.resources` wherever pip put it, without claiming a second top-level name in
site-packages. A source checkout (editable install, tests, flow authors) has no ``bot/_data``: the
directories at the repository root are the ones being edited, and are used as they are.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PACKAGED = "_data"


def data_dir(name: str) -> Path:
    """The directory ``name`` (``flows`` or ``locales``): packaged copy first, else the checkout's."""
    packaged = resources.files("bot").joinpath(PACKAGED, name)
    # The loaders walk real directories (rglob, open); pip always installs wheels unzipped.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


# --- derived data kept between starts --------------------------------------------------------
# What the bot computes from its shipped data at every start (compiled crisis patterns, parsed
# translation catalogs) is kept here, under names that say what it was made from, so a restart
# reads it instead. Every cache is optional: unreadable, foreign or damaged means recomputing.


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/samenspraak``, by default ``~/.cache/samenspraak``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "samenspraak"


def read_cache(path: Path) -> str | None:
    """The text of a cache file written by this user, or None."""
    try:
        if path.stat().st_uid != os.getuid():  # only our own user's files are trusted
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def write_cache(path: Path, text: str) -> bool:
    """Write ``path`` atomically (readers see the old file or the new one), in a directory
    only this user may enter; False when that is not possible (read-only home, full disk)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        log.info("cache %s not written (%s)", path.name, error.strerror or error)
        return False
    return True


def cached_json(name: str, source: bytes, compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON data derived from ``source`` alone), read from the cache file
    ``name`` when it was computed from the same ``source`` before.

    A result that JSON would not give back unchanged (tuples, non-string keys) is not kept.
    """
    path = cache_dir() / f"{name}.json"
    digest = hashlib.sha256(source).hexdigest()
    text = read_cache(path)
    if text is not None:
        try:
            stored = json.loads(text)
            if isinstance(stored, dict) and stored.get("digest") == digest:
                return stored["data"]
        except (ValueError, KeyError):
            pass
    data = compute()
    payload = json.dumps({"digest": digest, "data": data}, ensure_ascii=False)
    if json.loads(payload)["data"] == data:
        write_cache(path, payload)
    return data
