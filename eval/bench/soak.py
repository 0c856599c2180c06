"""`xiangyin bench soak`: thousands of short streams, one after another, while the
server's resident memory is sampled after each; the slope of a least-squares line
through (stream number, RSS) is what each stream leaves behind.

Streams are 0.3 s slices of the fixture utterances (so the VAD starts an utterance and
the model and decoder run), alternately at 8 and 16 kHz (both resampler paths), sent
without real-time pacing so 10,000 of them take minutes. The first `warmup` streams are
not fitted: allocator pools and caches fill there, once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import numpy as np
import psutil

from asr.audio import linear16
from eval.bench.speech import utterances
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc

RATES = (16_000, 8_000)


@dataclass(frozen=True)
class SoakOptions:
    streams: int = 10_000
    audio_s: float = 0.3
    chunk_ms: int = 100
    warmup: int = 0  # 0 = a tenth of the streams


@dataclass(frozen=True)
class SoakResult:
    streams: int
    rss_slope_bytes_per_stream: float
    fitted_streams: int
    rss_start_mb: float  # first fitted sample
    rss_end_mb: float
    rss_max_mb: float
    errors: int
    seconds: float
    curve: tuple[tuple[int, float], ...] = ()  # (stream, RSS MB), a hundred points over the run

    def as_json(self) -> dict[str, Any]:
        return {
            "streams": self.streams,
            "rss_slope_bytes_per_stream": round(self.rss_slope_bytes_per_stream, 1),
            "fitted_streams": self.fitted_streams,
            "rss_start_mb": round(self.rss_start_mb, 1),
            "rss_end_mb": round(self.rss_end_mb, 1),
            "rss_max_mb": round(self.rss_max_mb, 1),
            "rss_change_percent": round(100 * (self.rss_end_mb / self.rss_start_mb - 1), 2),
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "streams_per_s": round(self.streams / self.seconds, 1),
            "rss_mb_by_stream": [[n, round(mb, 2)] for n, mb in self.curve],
        }


def _requests(index: int, options: SoakOptions) -> Iterator[pb.StreamingRecognizeRequest]:
    rate = RATES[index % len(RATES)]
    pool = utterances(rate)
    utterance = pool[index % len(pool)]
    length = int(options.audio_s * rate)
    room = max(1, len(utterance) - length)
    offset = (index // len(pool) * int(0.37 * rate)) % room  # a different slice each round
    pcm = linear16(utterance[offset : offset + length])
    yield pb.StreamingRecognizeRequest(streaming_config=pb.StreamingRecognitionConfig(
        config=pb.RecognitionConfig(encoding=pb.RecognitionConfig.LINEAR16, sample_rate_hertz=rate),
        interim_results=True))
    step = rate * options.chunk_ms // 1000 * 2
    for start in range(0, len(pcm), step):
        yield pb.StreamingRecognizeRequest(audio_content=pcm[start : start + step])


def run(target: str, server_pid: int, options: SoakOptions) -> SoakResult:
    server = psutil.Process(server_pid)
    warmup = options.warmup or options.streams // 10
    rss = np.zeros(options.streams)
    errors = 0
    started = time.perf_counter()
    with grpc.insecure_channel(target) as channel:
        stub = asr_pb2_grpc.AsrStub(channel)  # type: ignore[no-untyped-call]
        for i in range(options.streams):
            try:
                for _ in stub.StreamingRecognize(_requests(i, options), timeout=30):
                    pass
            except grpc.RpcError:
                errors += 1
            rss[i] = server.memory_info().rss
    seconds = time.perf_counter() - started
    fitted = rss[warmup:]
    slope = float(np.polyfit(np.arange(warmup, options.streams), fitted, 1)[0]) if len(fitted) > 1 else 0.0
    mb = 2**20
    every = max(1, options.streams // 100)
    curve = tuple((i + 1, float(rss[i]) / mb) for i in range(every - 1, options.streams, every))
    return SoakResult(options.streams, slope, len(fitted), float(fitted[0]) / mb, float(fitted[-1]) / mb,
                      float(rss.max()) / mb, errors, seconds, curve)
