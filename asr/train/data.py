"""Training examples from manifests: 16 kHz audio, unit targets, an utterance dialect.

Audio at other rates is resampled exactly as the service resamples it
(`asr.audio.StreamingResampler`, soxr): resamplers differ most where telephone audio
has nothing, above 4 kHz, and the log-mel bins there would otherwise differ by ~11 nats
between training and serving (the greedy unit error rate of 8 kHz test audio went from
36 % as trained to 49 % as served)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf
import torch

from asr.audio import StreamingResampler
from asr.synth.manifest import ManifestRow, read_manifest


@dataclass(frozen=True)
class Example:
    id: str
    audio: torch.Tensor  # (samples,) at 16 kHz
    targets: torch.Tensor  # unit ids
    dialect: int
    split: str


def majority_dialect(row: ManifestRow) -> str:
    """The dialect most of the utterance's units are in (a code-switched utterance's
    matrix language)."""
    counts: Counter[str] = Counter()
    for w in row.words:
        counts[w.dialect] += len(w.units)
    return counts.most_common(1)[0][0]


def load_examples(
    directories: list[Path], units: tuple[str, ...], dialects: tuple[str, ...]
) -> list[Example]:
    index = {u: i for i, u in enumerate(units)}
    dialect_index = {d: i for i, d in enumerate(dialects)}
    examples = []
    for directory in directories:
        for row in read_manifest(directory / "manifest.jsonl"):
            audio, rate = sf.read(directory / row.audio, dtype="float32")
            wave = torch.from_numpy(StreamingResampler(rate).accept(audio, last=True))
            targets = torch.tensor([index[u] for w in row.words for u in w.units])
            examples.append(Example(row.id, wave, targets, dialect_index[majority_dialect(row)], row.split))
    return examples


def manifest_dialects(directories: list[Path]) -> tuple[str, ...]:
    found = {majority_dialect(r) for d in directories for r in read_manifest(d / "manifest.jsonl")}
    return tuple(sorted(found))
