"""What eval/ runs utterances through: the engine in-process (offline mode), or — the
seam for online mode — a running server reached by its client, paced at real time.

Either way eval sees only a Transcription: the final words with their dialect tags and
the timings it needs. Offline mode measures the real-time factor; latencies (first
partial after audio began, final after audio ended) exist only in online mode.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch

from asr.audio import Samples
from asr.decode_result import DecoderOptions, Word
from asr.recognizer import Recognizer

CHUNK_S = 0.32  # audio per accept(): the model's default chunk, as a streaming client sends it


@dataclass(frozen=True)
class Transcription:
    transcript: str
    words: tuple[Word, ...]
    dialect: str  # the engine's utterance dialect ("" when it heard nothing)
    processing_s: float
    first_partial_ms: float | None
    final_ms: float | None


@dataclass(frozen=True)
class TranscribeOptions:
    beam_size: int = 16
    chunk_s: float = CHUNK_S
    threads: int = 1  # DESIGN §5 budgets the real-time factor of one stream on one core


class Transcriber(Protocol):
    def transcribe(self, audio: Samples, sample_rate: int, dialects: tuple[str, ...]) -> Transcription:
        """`dialects`: the hints for this utterance (empty: none)."""
        ...

    def describe(self) -> dict[str, object]:
        """What results.json records about the system under test."""
        ...


class OfflineTranscriber:
    """The engine's public face in this process, fed chunk by chunk as fast as it goes."""

    def __init__(self, model_dir: Path, options: TranscribeOptions) -> None:
        torch.set_num_threads(options.threads)
        started = time.perf_counter()
        self.recognizer = Recognizer.load(model_dir)
        self.load_s = time.perf_counter() - started
        self.model_dir = model_dir
        self.options = options

    def transcribe(self, audio: Samples, sample_rate: int, dialects: tuple[str, ...]) -> Transcription:
        decoder = DecoderOptions(beam_size=self.options.beam_size, dialects=dialects)
        step = max(1, int(self.options.chunk_s * sample_rate))
        started = time.perf_counter()
        stream = self.recognizer.stream(sample_rate, decoder)
        for i in range(0, len(audio), step):
            stream.accept(audio[i : i + step])
        result = stream.finish()
        elapsed = time.perf_counter() - started
        words = result.alternatives[0].words if result.alternatives else ()
        return Transcription(result.transcript, words, result.dialect, elapsed, None, None)

    def describe(self) -> dict[str, object]:
        return {"mode": "offline", "model": str(self.model_dir), "load_s": round(self.load_s, 1),
                "beam_size": self.options.beam_size, "chunk_s": self.options.chunk_s,
                "threads": self.options.threads}
