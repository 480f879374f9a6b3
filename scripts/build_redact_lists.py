"""Regenerate ``bot/privacy/data/redact_lists.json.gz`` from deduce's lookup lists.

The bot does not import deduce: loading it whole costs about 1.1 GB RSS and 9 s, far above the
bot's budget (300 MB, 3 s start-up). It needs only deduce's word lists, so this script copies
them once into one small compressed file that ``bot.privacy.names`` reads at start-up.

Sources (install them in a throw-away virtualenv, not in the project's)::

    pip install deduce==3.0.6 wordfreq==3.1.1
    python scripts/build_redact_lists.py

* deduce 3.0.6 (https://github.com/vmenger/deduce, LGPL-3.0-or-later): first names, surnames,
  interfixes ("van der"), places (residences, municipalities, provinces, regions), streets
  (BAG), and its whitelist of common and stop words. The generated file is a derived work of
  those lists and stays under deduce's licence; see ``bot/privacy/data/README-redact.md``.
* wordfreq 3.1.1 (word lists CC-BY-SA 4.0): which name-list entries are also frequent Dutch
  words ("hoop", "roos", "klaar"), so that they are only taken for a name in context, and the
  30,000 most frequent Dutch words that are no name or place (``words``: "kapot" after "mijn
  snap is" is no handle). Only word membership is kept, not wordfreq's frequencies.

The script reads the list files directly (``importlib.util.find_spec``), so deduce's model is
never loaded here either.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import wordfreq

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bot" / "privacy" / "data" / "redact_lists.json.gz"
# Names that are also frequent Dutch words, but are used as names far more than as words in
# what jongeren and ouders write. Everything else in the overlap counts as a common word.
REAL_NAMES = frozenset(
    str.split(
        """
    jan john peter david max frank paul michael tom willem james mark george anna hans harry
    maria jack bob thomas charles richard martin kim robert mike koos sam chris albert henry
    steve bill tony tim kevin alexander alex louis eric simon marc joe jean henk daniel rob lee
    charlie anne sarah johan bart laura jones job adam walter roy nick pieter dick robin oscar
    michel erik patrick mary marco brian vincent eva francisco juan smith josé carlos william
    ray lisa johannes fred elizabeth dennis arthur maarten jim danny wim joseph johnny hugo gary
    kees herman bakker theo marie linda bert jesse jacob dave carl sophie victor taylor rick
    alan sara ron roger johnson jackson emma marcel luis dirk brown williams jeroen geert gordon
    gerard steven norman jimmy jay sydney nelson mohammed jason ellen edward davis clinton
    alice hendrik billy ronald kelly jos jordan jonathan jansen florence donald andy nina mario
    marcus joost erna charlotte cameron amanda visser samuel nathan eddie andrew luc andré sven
    ryan pierre jaap stefan robinson phil howard barry rené matt lewis fransen clark diana
    miguel margaret justin julie paulo nicole mulder jerry dylan christian barbara tommy sean
    oliver morgan jessica ernst owen jane harris dekker bruce veronica smit louise francis
    wilson vera sandra martha jeff janssen françois anton annie michelle marianne kate jennifer
    iris caroline austin abraham bas vries
    """
    )
)
# Words deduce lists as names that are plainly ordinary in chat Dutch but rarer in wordfreq's
# news-and-subtitles sources.
EXTRA_COMMON = frozenset(
    str.split(
        """
    bn mn zn m'n z'n d'r lol haha hahaha xd oke oké ok okee joh jij jou zij hun ons mij
    mama papa mam pap opa oma juf meester meneer mevrouw tante oom neef nicht vriend vriendin
    snap insta tiktok discord groep klas school bieb wijk kamp sport club corona covid
    """
    )
)


# Municipalities named after an ordinary word.
PLACE_WORDS = frozenset(
    str.split(
        """
    best buren huizen houten bergen putten goes beek sluis duiven hoorn kampen son loon
    """
    )
)


def _read(src: Path, relative: str) -> set[str]:
    lines = (src / relative / "items.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip().lower() for line in lines if line.strip()}


def _common(src: Path, names: set[str]) -> set[str]:
    common = _read(src, "whitelist/lst_common_word") | _read(src, "whitelist/lst_stop_word")
    common |= EXTRA_COMMON
    for name in names:
        if "-" in name or " " in name or name in REAL_NAMES:
            continue
        if wordfreq.zipf_frequency(name, "nl") >= 4.0:
            common.add(name)
    return common


def main() -> None:
    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install deduce==3.0.6 wordfreq==3.1.1 first")
    src = Path(spec.origin).parent / "data" / "lookup" / "src"
    first = _read(src, "names/lst_first_name")
    surnames = _read(src, "names/lst_surname") | _read(src, "names/lst_interfix_surname")
    interfixes = _read(src, "names/lst_interfix")
    places = set()
    for part in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
        places |= _read(src, f"locations/lst_placename/{part}")
    streets = {
        line.strip().lower()
        for line in (src / "locations/lst_street/items.txt").read_text("utf-8").splitlines()
        if line.strip() and " " not in line.strip()
    }
    # A municipality or province is never "common" ("Zwolle" is a surname too, and frequent),
    # unless its name is an ordinary word ("Best", "Buren", "Huizen").
    towns = _read(src, "locations/lst_placename/lst_municipality")
    towns |= _read(src, "locations/lst_placename/lst_province")
    common = _common(src, first | surnames | places) - (towns - PLACE_WORDS)
    # Frequent Dutch words that are no name or place (or are, but mostly used as a word).
    ambiguous = (first | surnames | places) - common
    words = {
        word
        for word in wordfreq.top_n_list("nl", 30_000)
        if word.isalpha() and word not in ambiguous
    }
    lists = {
        "source": "deduce 3.0.6 lookup lists (LGPL-3.0-or-later); wordfreq 3.1.1 for 'common'",
        "first_names": sorted(first),
        "surnames": sorted(surnames),
        "interfixes": sorted(interfixes),
        "places": sorted(places),
        "towns": sorted(towns),
        "streets": sorted(streets),
        "common": sorted(common),
        "words": sorted(words - common),
    }
    payload = json.dumps(lists, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the file byte-identical between runs, so a rebuild shows no spurious diff.
    OUT.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(json.dumps({key: len(value) for key, value in lists.items() if key != "source"}))


if __name__ == "__main__":
    main()
