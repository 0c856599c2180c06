"""Calling the service from Python: a channel (plaintext or TLS, with an API key), audio
files as LINEAR16, and one streaming call paced like a live caller or as fast as the
server answers. `xiangyin transcribe`, `xiangyin eval --server` and `xiangyin bench load`
all use it.

It uses grpcio's blocking API on purpose: the asyncio client (grpcio 1.85) reports
INTERNAL instead of the server's status when the server ends a call while the client is
still sending (grpc/grpc#36066), which would hide every INVALID_ARGUMENT and OUT_OF_RANGE."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
import soundfile as sf
import soxr

from asr.audio import MAX_RATE, MIN_RATE, MODEL_RATE, Samples, linear16
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc


@dataclass(frozen=True)
class Connection:
    target: str = "localhost:50051"
    api_key: str = ""
    tls_ca: str = ""  # PEM of the CA that signed the server's certificate; set = TLS
    tls_cert: str = ""  # client certificate and key, for servers that require mutual TLS
    tls_key: str = ""

    def channel(self) -> grpc.Channel:
        if not self.tls_ca:
            return grpc.insecure_channel(self.target)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=Path(self.tls_ca).read_bytes(),
            private_key=Path(self.tls_key).read_bytes() if self.tls_key else None,
            certificate_chain=Path(self.tls_cert).read_bytes() if self.tls_cert else None,
        )
        return grpc.secure_channel(self.target, credentials)

    def stub(self, channel: grpc.Channel) -> asr_pb2_grpc.AsrStub:
        return asr_pb2_grpc.AsrStub(channel)  # type: ignore[no-untyped-call]

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.api_key}"),) if self.api_key else ()


@dataclass(frozen=True)
class Audio:
    pcm: bytes  # LINEAR16 mono
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


def audio_from_samples(mono: Samples, rate: int) -> Audio:
    """Float mono samples → LINEAR16 at their rate, or at 16 kHz when their rate is
    outside what the service takes."""
    if not MIN_RATE <= rate <= MAX_RATE:
        mono, rate = soxr.resample(mono, rate, MODEL_RATE), MODEL_RATE
    return Audio(linear16(mono), int(rate))


def load_audio(path: Path) -> Audio:
    """WAV, FLAC, MP3, OGG … (libsndfile) → mono LINEAR16."""
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return audio_from_samples(samples.mean(axis=1), rate)


@dataclass(frozen=True)
class StreamOptions:
    dialects: tuple[str, ...] = ()
    hotwords: tuple[tuple[str, float], ...] = ()  # (phrase, boost; 0 = server default)
    interim_results: bool = True
    word_times: bool = True
    word_confidence: bool = True
    max_alternatives: int = 1
    chunk_ms: int = 100
    realtime: bool = False  # pace the audio like a live caller
    trailing_silence_ms: int = 0  # 0 = server default


def streaming_config(audio: Audio, options: StreamOptions) -> pb.StreamingRecognitionConfig:
    return pb.StreamingRecognitionConfig(
        config=pb.RecognitionConfig(
            encoding=pb.RecognitionConfig.LINEAR16,
            sample_rate_hertz=audio.sample_rate,
            dialect_hints=list(options.dialects),
            hotwords=[pb.Hotword(phrase=p, boost=b) for p, b in options.hotwords],
            max_alternatives=options.max_alternatives,
            enable_word_time_offsets=options.word_times,
            enable_word_confidence=options.word_confidence,
            endpointing=pb.Endpointing(trailing_silence_ms=options.trailing_silence_ms),
        ),
        interim_results=options.interim_results,
    )


@dataclass(frozen=True)
class Timed:
    """A response and when it arrived, in seconds after the first audio was sent, beside
    how much audio had been sent by then."""

    response: pb.StreamingRecognizeResponse
    arrived_s: float
    audio_sent_s: float
    all_sent_s: float | None  # when the last audio was handed to gRPC; None while still sending


def stream(
    stub: asr_pb2_grpc.AsrStub, audio: Audio, options: StreamOptions, metadata: Sequence[tuple[str, str]] = ()
) -> Iterator[Timed]:
    """One StreamingRecognize call over `audio`; responses as they arrive."""
    chunk_bytes = max(2, audio.sample_rate * options.chunk_ms // 1000 * 2)
    started = time.perf_counter()
    sent = [0.0]
    all_sent: list[float | None] = [None]

    def requests() -> Iterator[pb.StreamingRecognizeRequest]:
        yield pb.StreamingRecognizeRequest(streaming_config=streaming_config(audio, options))
        for offset in range(0, len(audio.pcm), chunk_bytes):
            piece = audio.pcm[offset : offset + chunk_bytes]
            if options.realtime:
                due = started + offset / 2 / audio.sample_rate
                time.sleep(max(0.0, due - time.perf_counter()))
            yield pb.StreamingRecognizeRequest(audio_content=piece)
            sent[0] = (offset + len(piece)) / 2 / audio.sample_rate
        all_sent[0] = time.perf_counter() - started

    for response in stub.StreamingRecognize(requests(), metadata=tuple(metadata)):
        yield Timed(response, time.perf_counter() - started, sent[0], all_sent[0])
