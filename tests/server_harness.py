"""Real servers on loopback ports for end-to-end tests: each runs in its own event loop on
a background thread, and tests talk to it with the real (blocking) gRPC client."""

from __future__ import annotations

import asyncio
import audioop
import json
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import grpc
import numpy as np
import soundfile as sf

from asr.audio import linear16
from asr.recognizer import Recognizer
from server.app import RunningServer, start
from server.config import ServerConfig
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc

FIXTURES = Path(__file__).parent / "fixtures" / "synth"
T = TypeVar("T")


def fixture_row(utterance_id: str) -> dict[str, Any]:
    """A committed synthetic utterance's manifest row (text, words with their dialects, …)."""
    rows = {r["id"]: r for r in map(json.loads, (FIXTURES / "manifest.jsonl").read_text().splitlines())}
    return rows[utterance_id]


def fixture_audio(utterance_id: str) -> tuple[np.ndarray[Any, np.dtype[np.float32]], int, str]:
    """Samples, rate and reference text of a committed synthetic utterance."""
    row = fixture_row(utterance_id)
    samples, rate = sf.read(FIXTURES / row["audio"], dtype="float32")
    return samples, int(rate), row["text"]


def mulaw(samples: np.ndarray[Any, np.dtype[np.float32]]) -> bytes:
    return audioop.lin2ulaw(linear16(samples), 2)


def config(rate: int, encoding: int = pb.RecognitionConfig.LINEAR16, interim: bool = True,
           **fields: Any) -> pb.StreamingRecognizeRequest:
    return pb.StreamingRecognizeRequest(streaming_config=pb.StreamingRecognitionConfig(
        config=pb.RecognitionConfig(encoding=encoding, sample_rate_hertz=rate, enable_word_time_offsets=True,
                                    enable_word_confidence=True, **fields),
        interim_results=interim))


def requests(first: pb.StreamingRecognizeRequest, data: bytes, chunk: int = 3200,
             ) -> Iterator[pb.StreamingRecognizeRequest]:
    yield first
    for i in range(0, len(data), chunk):
        yield pb.StreamingRecognizeRequest(audio_content=data[i : i + chunk])


@dataclass
class Served:
    running: RunningServer
    loop: asyncio.AbstractEventLoop
    target: str

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def stub(self, channel: grpc.Channel | None = None) -> asr_pb2_grpc.AsrStub:
        return asr_pb2_grpc.AsrStub(channel or grpc.insecure_channel(self.target))


class Servers:
    """Starts servers on one background event loop; stops them all at the end."""

    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.started: list[Served] = []

    def start(self, **settings: Any) -> Served:
        settings = {"port": 0, "metrics_port": 0, "idle_timeout_s": 10.0, **settings}
        future = asyncio.run_coroutine_threadsafe(start(replace(ServerConfig(), **settings), self.recognizer),
                                                  self.loop)
        running = future.result(timeout=60)
        served = Served(running, self.loop, f"127.0.0.1:{running.port}")
        self.started.append(served)
        return served

    def close(self) -> None:
        for served in self.started:
            if not served.running.service.drain.is_set():
                served.run(served.running.drain(0.5))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
