"""`xiangyin bench load`: N callers at once, each streaming speech-like audio in real time
from its own client process, and how late their results come back.

Each caller sends fixture utterances separated by silence longer than the endpointer's
trailing silence, so utterances end by endpoint, as on a hotline. A chunk is sent once
it has been "spoken" (chunk k of `chunk_ms` at k+1 chunk durations after the start),
and the client notes when it sent each chunk. Then, per result:

- partial latency: its arrival minus when the chunk holding the end of the audio it
  covers (`result_end_time`) was sent — the wait beyond the chunk itself, which includes
  the model's look-ahead, queueing and compute;
- final latency: the final's arrival minus when the chunk holding the endpoint (the
  END_OF_UTTERANCE event's time) was sent. Finals at the end of the audio are not
  endpoints and are not counted.

Clients and server share this machine's cores; `client_cpu` says how much the clients
took. Latencies are measured inside each client process (one monotonic clock each).
"""

from __future__ import annotations

import asyncio
import math
import resource
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import psutil

from asr.audio import linear16
from eval.bench.speech import call_audio
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc

PARTIAL_BUDGET_MS = 300.0  # DESIGN §5: p95 partial latency beyond the chunk
FINAL_BUDGET_MS = 100.0  # DESIGN §5: final after the endpoint
RAMP_STEPS = (4, 8, 16, 24, 32, 40, 48, 64)
STAGGER_S = 1.0  # callers start spread over this, as calls arrive


@dataclass(frozen=True)
class LoadOptions:
    streams: int
    seconds: float = 30.0  # audio per caller
    chunk_ms: int = 100
    sample_rate: int = 16_000
    gap_s: float = 1.5  # silence after each utterance (the endpointer waits 0.8 s)
    processes: int = 0  # client processes; 0 = min(streams, 4)
    warmup_s: float = 2.0  # results in each caller's first seconds are not counted


@dataclass(frozen=True)
class StreamRecord:
    partial_ms: list[float]
    final_ms: list[float]
    error: str  # gRPC status code name, "" when the call ended OK


@dataclass(frozen=True)
class Percentiles:
    p50: float | None
    p95: float | None
    p99: float | None

    @staticmethod
    def of(values: Sequence[float]) -> Percentiles:
        if not values:
            return Percentiles(None, None, None)
        p50, p95, p99 = (round(float(v), 1) for v in np.percentile(values, [50, 95, 99]))
        return Percentiles(p50, p95, p99)

    def as_json(self) -> dict[str, float | None]:
        return {"p50": self.p50, "p95": self.p95, "p99": self.p99}


@dataclass(frozen=True)
class LoadResult:
    streams: int
    partial_latency_ms: Percentiles
    final_latency_ms: Percentiles
    errors: int
    errors_by_code: dict[str, int]
    server_cpu: float  # cores the server kept busy on average (this machine has 2)
    server_rss_mb: float
    client_cpu: float  # cores the client processes took on average
    seconds: float  # wall time of the run
    partials: int
    finals: int
    chunk_ms: int

    @property
    def within_budget(self) -> bool:
        p95 = self.partial_latency_ms.p95
        return self.errors == 0 and p95 is not None and p95 <= PARTIAL_BUDGET_MS

    def as_json(self) -> dict[str, Any]:
        return {
            "streams": self.streams,
            "partial_latency_ms": self.partial_latency_ms.as_json(),
            "final_latency_ms": self.final_latency_ms.as_json(),
            "errors": self.errors,
            "errors_by_code": self.errors_by_code,
            "server_cpu": round(self.server_cpu, 3),
            "server_rss_mb": round(self.server_rss_mb, 1),
            "client_cpu": round(self.client_cpu, 3),
            "seconds": round(self.seconds, 1),
            "partials": self.partials,
            "finals": self.finals,
            "chunk_ms": self.chunk_ms,
        }


def _seconds(d: Any) -> float:
    return float(d.seconds + d.nanos / 1e9)


def covering_chunk(audio_s: float, chunk_s: float) -> int:
    """The chunk holding the audio just before `audio_s` (chunk k spans k·chunk_s to
    (k+1)·chunk_s); float noise in `audio_s` does not push it into the next chunk."""
    return max(math.ceil(audio_s / chunk_s - 1e-6) - 1, 0)


async def _caller(stub: asr_pb2_grpc.AsrStub, index: int, options: LoadOptions, start: float) -> StreamRecord:
    rate = options.sample_rate
    pcm = linear16(call_audio(rate, options.seconds, options.gap_s, first=index))
    step = rate * options.chunk_ms // 1000 * 2  # bytes per chunk
    chunk_s = options.chunk_ms / 1000
    sent: list[float] = []  # when chunk k was handed to gRPC
    config = pb.StreamingRecognizeRequest(streaming_config=pb.StreamingRecognitionConfig(
        config=pb.RecognitionConfig(encoding=pb.RecognitionConfig.LINEAR16, sample_rate_hertz=rate),
        interim_results=True))
    await asyncio.sleep(max(0.0, start - time.time()))
    began = time.perf_counter()

    async def requests() -> AsyncIterator[pb.StreamingRecognizeRequest]:
        yield config
        for k, offset in enumerate(range(0, len(pcm), step)):
            wait = began + (k + 1) * chunk_s - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            sent.append(time.perf_counter())
            yield pb.StreamingRecognizeRequest(audio_content=pcm[offset : offset + step])

    def sent_at(audio_s: float) -> float:
        return sent[min(covering_chunk(audio_s, chunk_s), len(sent) - 1)]

    partial_ms: list[float] = []
    final_ms: list[float] = []
    endpoint: float | None = None
    try:
        async for response in stub.StreamingRecognize(requests()):
            arrived = time.perf_counter()
            if response.speech_event_type == pb.StreamingRecognizeResponse.END_OF_UTTERANCE:
                endpoint = _seconds(response.speech_event_time)
            counted = arrived - began >= options.warmup_s
            for result in response.results:
                if not result.is_final:
                    if counted:
                        partial_ms.append(1000 * (arrived - sent_at(_seconds(result.result_end_time))))
                    continue
                if endpoint is not None and counted:
                    final_ms.append(1000 * (arrived - sent_at(endpoint)))
                endpoint = None
    except grpc.aio.AioRpcError as err:
        return StreamRecord(partial_ms, final_ms, err.code().name)
    return StreamRecord(partial_ms, final_ms, "")


async def _callers(target: str, indices: Sequence[int], options: LoadOptions, start: float,
                   ) -> list[StreamRecord]:
    async def caller(index: int) -> StreamRecord:
        # a channel and TCP connection per caller, as separate callers have (and as the
        # kernel spreads connections over several server processes sharing a port)
        own_connection = [("grpc.use_local_subchannel_pool", 1)]
        async with grpc.aio.insecure_channel(target, options=own_connection) as channel:
            stub = asr_pb2_grpc.AsrStub(channel)  # type: ignore[no-untyped-call]
            return await _caller(stub, index, options, start + STAGGER_S * index / options.streams)

    return list(await asyncio.gather(*(caller(i) for i in indices)))


def client_process(target: str, indices: Sequence[int], options: LoadOptions, start: float,
                   ) -> tuple[list[StreamRecord], float]:
    """One client process: its callers, and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    records = asyncio.run(_callers(target, indices, options, start))
    after = resource.getrusage(resource.RUSAGE_SELF)
    return records, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(target: str, server_pids: Sequence[int], options: LoadOptions) -> LoadResult:
    """`server_pids`: the server's processes (several when they share the port), for
    CPU and memory; empty: not measured."""
    processes = options.processes or min(options.streams, 4)
    groups = [list(range(p, options.streams, processes)) for p in range(processes)]
    servers = [psutil.Process(pid) for pid in server_pids]
    # a Pool starts all its processes at once, and each takes one group of callers
    with get_context("spawn").Pool(processes) as pool:
        pool.map(_warm, range(processes), chunksize=1)  # imports and fixture audio, before the clock
        start = time.time() + 0.5
        pending = [pool.apply_async(client_process, (target, g, options, start)) for g in groups]
        time.sleep(max(0.0, start - time.time()))
        cpu_before = _cpu(servers)
        began = time.perf_counter()
        outcomes = [p.get() for p in pending]
        wall = time.perf_counter() - began
        cpu_after = _cpu(servers)
    records = [r for rs, _ in outcomes for r in rs]
    codes = Counter(r.error for r in records if r.error)
    partials = [x for r in records for x in r.partial_ms]
    finals = [x for r in records for x in r.final_ms]
    return LoadResult(
        streams=options.streams,
        partial_latency_ms=Percentiles.of(partials),
        final_latency_ms=Percentiles.of(finals),
        errors=sum(codes.values()),
        errors_by_code=dict(codes),
        server_cpu=(cpu_after - cpu_before) / wall,
        server_rss_mb=sum(s.memory_info().rss for s in servers) / 2**20,
        client_cpu=sum(cpu for _, cpu in outcomes) / wall,
        seconds=wall,
        partials=len(partials),
        finals=len(finals),
        chunk_ms=options.chunk_ms,
    )


def _warm(_: int) -> None:
    call_audio(16_000, 1.0, 0.0)
    call_audio(8_000, 1.0, 0.0)


def _cpu(processes: Sequence[psutil.Process]) -> float:
    return float(sum(t.user + t.system for t in (p.cpu_times() for p in processes)))


@dataclass(frozen=True)
class RampResult:
    runs: tuple[LoadResult, ...]
    plot: str
    budget_ms: float = PARTIAL_BUDGET_MS
    steps: tuple[int, ...] = field(default=RAMP_STEPS)

    @property
    def max_streams_within_budget(self) -> int:
        return max((r.streams for r in self.runs if r.within_budget), default=0)

    def as_json(self) -> dict[str, Any]:
        return {
            "max_streams_within_budget": self.max_streams_within_budget,
            "partial_budget_ms": self.budget_ms,
            "plot": self.plot,
            "runs": [r.as_json() for r in self.runs],
        }


def ramp(target: str, server_pids: Sequence[int], options: LoadOptions, plot: Path,
         steps: Sequence[int] = RAMP_STEPS) -> RampResult:
    """Raise the number of callers until two steps in a row miss the budget."""
    runs: list[LoadResult] = []
    misses = 0
    for n in steps:
        result = run(target, server_pids, replace(options, streams=n))
        runs.append(result)
        misses = 0 if result.within_budget else misses + 1
        if misses == 2:
            break
    plot_latency(runs, plot)
    return RampResult(tuple(runs), str(plot), steps=tuple(steps))


def plot_latency(runs: Sequence[LoadResult], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    streams = [r.streams for r in runs]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = {
        "partial p50": ([r.partial_latency_ms.p50 for r in runs], "-o"),
        "partial p95": ([r.partial_latency_ms.p95 for r in runs], "-s"),
        "partial p99": ([r.partial_latency_ms.p99 for r in runs], ":^"),
        "final p95": ([r.final_latency_ms.p95 for r in runs], "--d"),
    }
    for name, (values, style) in series.items():
        ax.plot(streams, [np.nan if v is None else v for v in values], style, label=name)
    ax.axhline(PARTIAL_BUDGET_MS, color="red", lw=1, label=f"partial budget {PARTIAL_BUDGET_MS:.0f} ms (p95)")
    ax.axhline(FINAL_BUDGET_MS, color="orange", lw=1, ls="--", label=f"final budget {FINAL_BUDGET_MS:.0f} ms")
    ax.set_xlabel("concurrent real-time streams")
    ax.set_ylabel("latency beyond the chunk, ms")
    ax.set_yscale("log")
    ax.set_yticks([10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000])
    ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_title("xiangyin bench load --ramp")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
