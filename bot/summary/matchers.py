"""One theme matcher per taxonomy in a process.

Building a matcher expands every Dutch word of the taxonomy into its forms (about 0.4 s for the
default taxonomy); the bot tags each free-text answer with it and every summary counts with it,
so both share the one built first instead of each building their own (a first summary paid it
again, a CLI summary in a fresh process still pays it once).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.engine.schema import Taxonomy
from bot.summary.themes import ThemeMatcher

__all__ = ["matcher_for"]

# Taxonomies are loaded once per catalog; a few catalogs at most live in one process (tests load
# more, hence the bound). Keyed by identity: the taxonomy is kept so its id is not reused.
_KEPT = 8
_built: OrderedDict[int, tuple[Taxonomy, ThemeMatcher]] = OrderedDict()
_lock = threading.Lock()


def matcher_for(taxonomy: Taxonomy) -> ThemeMatcher:
    with _lock:
        kept = _built.get(id(taxonomy))
        if kept is not None and kept[0] is taxonomy:
            _built.move_to_end(id(taxonomy))
            return kept[1]
    matcher = ThemeMatcher(taxonomy)
    with _lock:
        _built[id(taxonomy)] = (taxonomy, matcher)
        while len(_built) > _KEPT:
            _built.popitem(last=False)
    return matcher
