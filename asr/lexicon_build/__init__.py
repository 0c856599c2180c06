"""`xiangyin lexicon build`: every lexicon from offline package data into lexicons/build/.

Built lexicons are not committed: they are derived deterministically from pinned
packages at setup (see lexicons/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asr.lexicon import BUILD_DIR, Pronunciation, lexicon_path, write_lexicon
from asr.lexicon_build import cantonese, english, hakka, hokkien, mandarin, ngungu_points
from asr.lexicon_build.source import Source, SourceReport, normalise
from asr.script import simplified

ALL_SOURCES: tuple[Source, ...] = (
    *mandarin.SOURCES,
    *cantonese.SOURCES,
    *ngungu_points.SOURCES,
    *hokkien.SOURCES,
    *hakka.SOURCES,
    *english.SOURCES,
)


@dataclass(frozen=True)
class VarietyReport:
    variety: str
    entries: int
    path: Path
    sources: tuple[SourceReport, ...]


def varieties() -> list[str]:
    return sorted({s.variety for s in ALL_SOURCES})


def _merge(entries: Iterable[Pronunciation]) -> list[Pronunciation]:
    """One entry per (word, units): the first source wins, the largest frequency is kept."""
    merged: dict[tuple[str, tuple[str, ...]], Pronunciation] = {}
    for e in entries:
        key = (e.word, e.units)
        if key not in merged:
            merged[key] = e
        elif e.frequency is not None and (merged[key].frequency or 0) < e.frequency:
            old = merged[key]
            merged[key] = Pronunciation(old.word, old.variety, old.units, e.frequency, old.source)
    return list(merged.values())


def build_variety(variety: str, out: Path = BUILD_DIR) -> VarietyReport:
    entries: list[Pronunciation] = []
    reports = []
    for source in (s for s in ALL_SOURCES if s.variety == variety):
        spell = (lambda w: w) if variety == "en" else simplified
        kept, report = normalise(source, spell)
        entries.extend(kept)
        reports.append(report)
    if not reports:
        raise ValueError(f"no lexicon source for variety {variety!r}; known: {varieties()}")
    path = lexicon_path(variety, out)
    count = write_lexicon(path, _merge(entries))
    return VarietyReport(variety, count, path, tuple(reports))


def build(selected: Sequence[str] | None = None, out: Path = BUILD_DIR) -> list[VarietyReport]:
    return [build_variety(v, out) for v in (selected or varieties())]
