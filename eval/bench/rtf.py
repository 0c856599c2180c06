"""`xiangyin bench rtf`: one stream's real-time factor on one thread, through the public
engine (Recognizer.load → stream → accept … finish), split by stage.

The Stream is driven exactly as the server drives it (one Stream per utterance, audio in
100 ms chunks); its pieces — the fbank and encoder of the acoustic front, and the
decoder's search — are wrapped in timers, so the stage split costs no hooks in the
engine. `glue` is what is left of each accept/finish call: resampling, CMVN, tensor ↔
array conversions and building the Result. A transformers front has no separate
feature stage; all of its time counts as encoder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import torch

from asr.audio import MODEL_RATE
from asr.front import EmformerFrontStream
from asr.lm import LM_DIR
from asr.recognizer import Recognizer, Stream
from eval.bench.speech import utterances

STAGES = ("features", "encoder", "decoder", "glue")


class _Timed:
    """Stands in for one of a Stream's pieces and adds up the time its calls take."""

    def __init__(self, inner: Any, clock: dict[str, float], stage: str) -> None:
        self.inner, self.clock, self.stage = inner, clock, stage

    def _timed(self, method: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return getattr(self.inner, method)(*args)
        finally:
            self.clock[self.stage] += time.perf_counter() - started

    def accept(self, *args: Any) -> Any:
        return self._timed("accept", *args)

    def finish(self) -> Any:
        return self._timed("finish")


def instrument(stream: Stream, clock: dict[str, float]) -> None:
    """Wrap the stream's stages in timers (the same objects do the same work)."""
    front = stream.front
    if isinstance(front, EmformerFrontStream):
        front.features = cast(Any, _Timed(front.features, clock, "features"))
        front.encoder = cast(Any, _Timed(front.encoder, clock, "encoder"))
    else:
        stream.front = cast(Any, _Timed(front, clock, "encoder"))
    stream.search = cast(Any, _Timed(stream.search, clock, "decoder"))


@dataclass(frozen=True)
class RtfBench:
    model: str
    audio_s: float
    chunk_ms: int
    utterances: int
    rtf: float  # wall seconds of accept/finish per audio second
    int8: bool  # the model's Linear layers in int8 (the server's default)
    stages: dict[str, float] = field(default_factory=dict)  # the same, per stage; they sum to rtf

    def as_json(self) -> dict[str, Any]:
        return {
            "rtf": round(self.rtf, 5),
            "stages": {k: round(v, 5) for k, v in self.stages.items()},
            "audio_s": round(self.audio_s, 2),
            "chunk_ms": self.chunk_ms,
            "utterances": self.utterances,
            "model": self.model,
            "threads": 1,
            "int8": self.int8,
        }


def run(
    model_dir: Path,
    seconds: float = 60.0,
    chunk_ms: int = 100,
    varieties: list[str] | None = None,
    lm_path: Path | None = LM_DIR / "mixed.bin",
    recognizer: Recognizer | None = None,
    int8: bool = True,
) -> RtfBench:
    """Stream fixture utterances (16 kHz) one after another until `seconds` of audio,
    after one untimed utterance (the first stream compiles the model's TorchScript)."""
    torch.set_num_threads(1)
    recognizer = recognizer or Recognizer.load(model_dir, varieties, lm_path, int8)
    pool = utterances(MODEL_RATE)
    step = MODEL_RATE * chunk_ms // 1000
    warmup = recognizer.stream(MODEL_RATE)
    warmup.accept(pool[-1])
    warmup.finish()
    clock = dict.fromkeys((*STAGES, "total"), 0.0)
    audio = 0
    count = 0
    while audio < seconds * MODEL_RATE:
        samples = pool[count % len(pool)][: int(seconds * MODEL_RATE) - audio]
        stream = recognizer.stream(MODEL_RATE)
        instrument(stream, clock)
        started = time.perf_counter()
        for start in range(0, len(samples), step):
            stream.accept(samples[start : start + step])
        stream.finish()
        clock["total"] += time.perf_counter() - started
        audio += len(samples)
        count += 1
    audio_s = audio / MODEL_RATE
    stages = {k: clock[k] / audio_s for k in STAGES[:-1]}
    stages["glue"] = max(0.0, clock["total"] / audio_s - sum(stages.values()))
    return RtfBench(str(model_dir), audio_s, chunk_ms, count, clock["total"] / audio_s, int8, stages)
