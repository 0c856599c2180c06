"""What eval/ runs utterances through: the engine in-process (offline mode), or — the
seam for online mode — a running server reached by its client, paced at real time.

Either way eval sees only a Transcription: the final words with their dialect tags and
the timings it needs. Offline mode measures the real-time factor; latencies (first
partial after audio began, final after audio ended) exist only in online mode. Offline
mode also gives the acoustic model's greedy unit sequence (best token per frame, repeats
and blanks removed), scored against the units a synthetic corpus records: the acoustic
model's own error rate, before lexicon and language model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from asr.audio import Samples, StreamingResampler
from asr.ctc_path import collapsed
from asr.decode_result import DecoderOptions, Word, join_words, utterance_dialect
from asr.recognizer import Recognizer
from server.client import Connection, StreamOptions, audio_from_samples, stream

CHUNK_S = 0.32  # audio per accept(): the model's default chunk, as a streaming client sends it


@dataclass(frozen=True)
class Transcription:
    transcript: str
    words: tuple[Word, ...]
    dialect: str  # the engine's utterance dialect ("" when it heard nothing)
    processing_s: float | None  # None online: the server's compute time is not visible
    first_partial_ms: float | None
    final_ms: float | None
    units: tuple[str, ...] | None = None  # greedy unit sequence; None where the model's tokens are not units


@dataclass(frozen=True)
class TranscribeOptions:
    beam_size: int = 16
    lm_weight: float = DecoderOptions.lm_weight
    word_score: float = DecoderOptions.word_score
    chunk_s: float = CHUNK_S
    threads: int = 1  # DESIGN §5 budgets the real-time factor of one stream on one core
    int8: bool = True  # the model's Linear layers in int8, as the server runs it by default


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
        self.recognizer = Recognizer.load(model_dir, int8=options.int8)
        self.load_s = time.perf_counter() - started
        self.model_dir = model_dir
        self.options = options

    def transcribe(self, audio: Samples, sample_rate: int, dialects: tuple[str, ...]) -> Transcription:
        decoder = DecoderOptions(beam_size=self.options.beam_size, dialects=dialects,
                                 lm_weight=self.options.lm_weight, word_score=self.options.word_score)
        step = max(1, int(self.options.chunk_s * sample_rate))
        started = time.perf_counter()
        stream = self.recognizer.stream(sample_rate, decoder)
        for i in range(0, len(audio), step):
            stream.accept(audio[i : i + step])
        result = stream.finish()
        elapsed = time.perf_counter() - started
        words = result.alternatives[0].words if result.alternatives else ()
        return Transcription(result.transcript, words, result.dialect, elapsed, None, None,
                             self.greedy_units(audio, sample_rate))

    def greedy_units(self, audio: Samples, sample_rate: int) -> tuple[str, ...] | None:
        """A second, untimed pass through the acoustic front alone."""
        front = self.recognizer.front
        if front.info.vocabulary != "units":
            return None
        resampler, stream = StreamingResampler(sample_rate), front.stream()
        frames = [stream.accept(resampler.accept(audio)),
                  stream.accept(resampler.accept(audio[:0], last=True)), stream.finish()]
        best = np.concatenate([f.units.argmax(-1) for f in frames]).tolist()
        return tuple(front.tokens[u] for u in collapsed(best))

    def describe(self) -> dict[str, object]:
        return {"mode": "offline", "model": str(self.model_dir), "load_s": round(self.load_s, 1),
                "beam_size": self.options.beam_size, "lm_weight": self.options.lm_weight,
                "word_score": self.options.word_score, "chunk_s": self.options.chunk_s,
                "threads": self.options.threads, "int8": self.options.int8}


class OnlineTranscriber:
    """A running server through its public client, audio paced like a live caller, so the
    latencies are the ones a caller would see. First-partial latency: from the first
    audio sent to the first partial (or final) result; final latency: from the last audio
    sent to the last final."""

    def __init__(self, connection: Connection, chunk_ms: int = 100) -> None:
        self.connection = connection
        self.chunk_ms = chunk_ms
        self.channel = connection.channel()
        self.stub = connection.stub(self.channel)

    def transcribe(self, audio: Samples, sample_rate: int, dialects: tuple[str, ...]) -> Transcription:
        pcm = audio_from_samples(audio, sample_rate)
        options = StreamOptions(dialects=dialects, chunk_ms=self.chunk_ms, realtime=True)
        words: list[Word] = []
        first_partial_ms = final_ms = None
        for timed in stream(self.stub, pcm, options, self.connection.metadata):
            for result in timed.response.results:
                if first_partial_ms is None:
                    first_partial_ms = timed.arrived_s * 1000
                if result.is_final and result.alternatives:
                    words += [
                        Word(w.word, w.start_time.ToNanoseconds() / 1e9, w.end_time.ToNanoseconds() / 1e9,
                             w.confidence, w.dialect)
                        for w in result.alternatives[0].words
                    ]
                if result.is_final and timed.all_sent_s is not None:
                    final_ms = (timed.arrived_s - timed.all_sent_s) * 1000
        return Transcription(join_words(w.text for w in words), tuple(words), utterance_dialect(words), None,
                             first_partial_ms, final_ms)

    def describe(self) -> dict[str, object]:
        return {"mode": "online", "server": self.connection.target, "chunk_ms": self.chunk_ms,
                "paced": "real time"}
