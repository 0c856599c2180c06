"""What every lexicon source yields, and how a source's entries become a lexicon."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asr.lexicon import Pronunciation
from asr.units import UnitError


@dataclass(frozen=True)
class RawEntry:
    """A word as the source spells it, with its pronunciation in the source's notation."""

    word: str
    pronunciation: str
    frequency: int | None = None


@dataclass(frozen=True)
class Source:
    variety: str
    name: str
    read: Callable[[], Iterable[RawEntry]]
    to_units: Callable[[str], list[str]]


@dataclass(frozen=True)
class SourceReport:
    variety: str
    name: str
    read: int
    kept: int
    skipped: int
    skipped_examples: tuple[str, ...]


def normalise(source: Source, spell: Callable[[str], str]) -> tuple[list[Pronunciation], SourceReport]:
    """Every entry of `source` in shared units; entries that cannot be placed are counted."""
    kept: list[Pronunciation] = []
    skipped: list[str] = []
    read = 0
    for raw in source.read():
        read += 1
        try:
            units = tuple(source.to_units(raw.pronunciation))
        except UnitError as err:
            skipped.append(f"{raw.word}\t{raw.pronunciation}\t{err}")
            continue
        kept.append(Pronunciation(spell(raw.word), source.variety, units, raw.frequency, source.name))
    report = SourceReport(source.variety, source.name, read, len(kept), len(skipped), tuple(skipped[:5]))
    return kept, report
