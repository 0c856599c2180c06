"""lhotse-style JSONL manifests: one utterance per line, audio beside it, exact labels.

The same shape serves real corpora (label_kind human/pseudo) and synthetic ones
(synthetic; synthetic-approx for lexicon-only dialects spoken by a borrowed voice).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from asr.units import outside_inventory

LABEL_KINDS = ("human", "pseudo", "synthetic", "synthetic-approx")
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class WordLabel:
    text: str
    dialect: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class ManifestRow:
    id: str
    audio: str  # path relative to the manifest's folder
    duration_s: float
    sample_rate: int  # Hz
    text: str
    words: tuple[WordLabel, ...]
    voice: str  # speaker: espeak-ng variant@speed,pitch,range (or a corpus speaker id)
    channel: str
    split: str
    label_kind: str
    source: str

    def validate(self) -> None:
        problems = []
        if self.split not in SPLITS:
            problems.append(f"split {self.split!r} not in {SPLITS}")
        if self.label_kind not in LABEL_KINDS:
            problems.append(f"label_kind {self.label_kind!r} not in {LABEL_KINDS}")
        if not self.duration_s > 0 or self.sample_rate not in (8000, 16000, 22050, 24000, 44100, 48000):
            problems.append(f"duration {self.duration_s} s at {self.sample_rate} Hz")
        if not self.words or not all(w.units for w in self.words):
            problems.append("every utterance needs words with units")
        outside = [u for w in self.words for u in outside_inventory(w.units)]
        if outside:
            problems.append(f"units outside the inventory: {outside[:5]}")
        if problems:
            raise ValueError(f"manifest row {self.id}: " + "; ".join(problems))


def write_manifest(path: Path, rows: Iterable[ManifestRow]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            row.validate()
            f.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def read_manifest(path: Path) -> Iterator[ManifestRow]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            data = json.loads(line)
            data["words"] = tuple(
                WordLabel(w["text"], w["dialect"], tuple(w["units"])) for w in data["words"]
            )
            row = ManifestRow(**data)
            row.validate()
            yield row
