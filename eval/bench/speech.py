"""Speech-like audio for the benchmarks: the committed synthetic utterances
(`tests/fixtures/synth`, 30 utterances, 8 and 16 kHz espeak-ng speech through phone and
app channels), so the model and decoder do the work real calls give them — random noise
would leave the decoder almost idle.

Imports no torch: load-test client processes use it and must start fast.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "synth"
Samples = npt.NDArray[np.float32]


@functools.cache
def utterances(rate: int) -> tuple[Samples, ...]:
    """Every fixture utterance as float32 mono at `rate`, in manifest order."""
    rows = [json.loads(line) for line in (FIXTURES / "manifest.jsonl").read_text().splitlines() if line]
    out = []
    for row in rows:
        samples, file_rate = sf.read(str(FIXTURES / row["audio"]), dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        if file_rate != rate:
            mono = soxr.resample(mono, file_rate, rate)
        out.append(np.ascontiguousarray(mono, dtype=np.float32))
    return tuple(out)


def call_audio(rate: int, seconds: float, gap_s: float, first: int = 0) -> Samples:
    """A caller's audio: utterances from the `first`-th on, each followed by `gap_s` of
    silence (longer than the endpointer's trailing silence, so every utterance gets its
    final), repeated until `seconds`."""
    pieces: list[Samples] = []
    total = 0
    wanted = int(seconds * rate)
    pool = utterances(rate)
    gap = np.zeros(int(gap_s * rate), dtype=np.float32)
    i = first
    while total < wanted:
        for piece in (pool[i % len(pool)], gap):
            pieces.append(piece)
            total += len(piece)
        i += 1
    return np.concatenate(pieces)[:wanted]
