"""Per-dialect lexicons and the union lexicon the decoder searches.

A lexicon maps a written word to its units in ONE variety; the union holds every
(word, variety, pronunciation), which is how a decoded word knows the dialect it was
spoken in. Built lexicons are TSV files `lexicons/build/<variety>.tsv` with columns
word, units (space-separated), frequency (count in the source corpus, empty if
unknown) and source.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from asr.units import format_units, parse_units

LEXICONS_DIR = Path(os.environ.get("XIANGYIN_LEXICONS", Path(__file__).resolve().parents[1] / "lexicons"))
BUILD_DIR = LEXICONS_DIR / "build"
COLUMNS = ("word", "units", "frequency", "source")


@dataclass(frozen=True)
class Pronunciation:
    word: str
    variety: str
    units: tuple[str, ...]
    frequency: int | None
    source: str


def lexicon_path(variety: str, directory: Path = BUILD_DIR) -> Path:
    return directory / f"{variety}.tsv"


def built_varieties(directory: Path = BUILD_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.tsv"))


def write_lexicon(path: Path, entries: Iterable[Pronunciation]) -> int:
    """Write entries sorted by word then units; returns the number written."""
    rows = sorted(entries, key=lambda e: (e.word, e.units))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(COLUMNS)
        for e in rows:
            freq = "" if e.frequency is None else str(e.frequency)
            writer.writerow((e.word, format_units(e.units), freq, e.source))
    tmp.replace(path)
    return len(rows)


def read_lexicon(variety: str, directory: Path = BUILD_DIR) -> Iterator[Pronunciation]:
    path = lexicon_path(variety, directory)
    if not path.exists():
        raise FileNotFoundError(f"no lexicon for {variety!r} at {path}; run `xiangyin lexicon build`")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if tuple(header) != COLUMNS:
            raise ValueError(f"{path}: header {header} is not {list(COLUMNS)}")
        for word, units, freq, source in reader:
            yield Pronunciation(word, variety, parse_units(units), int(freq) if freq else None, source)


def union_lexicon(
    varieties: Iterable[str] | None = None, directory: Path = BUILD_DIR
) -> dict[str, list[Pronunciation]]:
    """Every pronunciation of every word across the given varieties (default: all built)."""
    union: dict[str, list[Pronunciation]] = defaultdict(list)
    for variety in varieties if varieties is not None else built_varieties(directory):
        for entry in read_lexicon(variety, directory):
            union[entry.word].append(entry)
    return dict(union)
