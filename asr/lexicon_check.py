"""`xiangyin lexicon check`: what each built lexicon holds, measured from its file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from asr.lexicon import BUILD_DIR, built_varieties, read_lexicon
from asr.lm_text import SOURCES
from asr.units import outside_inventory

TOP_CHARACTERS = 3500


@cache
def top_characters(n: int = TOP_CHARACTERS) -> tuple[str, ...]:
    """The n most frequent Han characters in a month of People's Daily running text
    (a measured stand-in for the 3,500-character 现代汉语常用字表)."""
    counts: Counter[str] = Counter(
        ch
        for words in SOURCES["peoples-daily"].sentences()
        for word in words
        for ch in word
        if "\u4e00" <= ch <= "\u9fff"
    )
    return tuple(sorted(counts, key=lambda ch: (-counts[ch], ch))[:n])


@dataclass(frozen=True)
class LexiconStats:
    variety: str
    entries: int
    words: int
    top3500_coverage: float
    units_outside_inventory: int

    def as_json(self) -> dict[str, object]:
        return {
            "entries": self.entries,
            "words": self.words,
            "top3500_coverage": round(self.top3500_coverage, 4),
            "units_outside_inventory": self.units_outside_inventory,
        }


def check_variety(variety: str, directory: Path = BUILD_DIR) -> LexiconStats:
    entries = 0
    words: set[str] = set()
    outside = 0
    for e in read_lexicon(variety, directory):
        entries += 1
        words.add(e.word)
        outside += len(outside_inventory(e.units))
    top = top_characters()
    covered = sum(1 for ch in top if ch in words)
    return LexiconStats(variety, entries, len(words), covered / len(top), outside)


def check(directory: Path = BUILD_DIR) -> list[LexiconStats]:
    return [check_variety(v, directory) for v in built_varieties(directory)]
