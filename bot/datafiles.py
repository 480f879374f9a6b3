"""Where the data that ships with the bot lives: the flows and the translation catalogs.

A wheel carries ``flows/`` and ``locales/`` inside the ``bot`` package as ``bot/_data/flows`` and
``bot/_data/locales`` (hatch ``force-include``, see pyproject.toml), so an installed bot finds them
with :mod:`importlib.resources` wherever pip put it, without claiming a second top-level name in
site-packages. A source checkout (editable install, tests, flow authors) has no ``bot/_data``: the
directories at the repository root are the ones being edited, and are used as they are.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGED = "_data"


def data_dir(name: str) -> Path:
    """The directory ``name`` (``flows`` or ``locales``): packaged copy first, else the checkout's."""
    packaged = resources.files("bot").joinpath(PACKAGED, name)
    # The loaders walk real directories (rglob, open); pip always installs wheels unzipped.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
