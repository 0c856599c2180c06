"""The dialect registry: mainland China's 333 prefecture-level targets (plus the four
municipalities), each with the dialect of its seat and the variety code results carry.

Source of truth: `lexicons/registry.tsv` (see lexicons/REGISTRY.md for every column's
provenance). Coverage levels are not stored here: `eval.coverage` measures them.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from asr.lexicon import LEXICONS_DIR

REGISTRY_PATH = LEXICONS_DIR / "registry.tsv"


@dataclass(frozen=True)
class Target:
    adcode: str
    name: str
    province: str
    in_333: bool
    lat: float
    lon: float
    group: str
    subgroup: str
    cluster: str
    iso639_3: str
    variety: str
    glottocode: str
    notes: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _parse(row: dict[str, str]) -> Target:
    return Target(
        adcode=row["adcode"],
        name=row["name"],
        province=row["province"],
        in_333=row["in_333"] == "1",
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        group=row["group"],
        subgroup=row["subgroup"],
        cluster=row["cluster"],
        iso639_3=row["iso639_3"],
        variety=row["variety"],
        glottocode=row["glottocode"],
        notes=row["notes"],
    )


@cache
def load_registry(path: Path = REGISTRY_PATH) -> tuple[Target, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(_parse(row) for row in reader)


def select(
    targets: tuple[Target, ...], province: str | None = None, group: str | None = None
) -> list[Target]:
    """Rows whose province / group contains the given text (简称 like 四川 match 四川省)."""
    return [
        t
        for t in targets
        if (province is None or province in t.province) and (group is None or group in t.group)
    ]
