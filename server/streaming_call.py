"""One StreamingRecognize call, from its config message to its last final.

Model and decoder work runs on the shared worker pool, never on the event loop; each
call's chunks are processed in order. Whatever ends the call — the client's half-close,
an idle timeout, the stream-length limit, bad audio, a server drain — the audio already
accepted is finalised and its results are sent before the status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import numpy as np

from asr.audio import AudioError, Samples
from asr.recognizer import Recognizer
from asr.utterances import ContinuousStream, Event, Hypothesis, SpeechStarted, UtteranceEnded
from server.audio_input import AudioInput
from server.config import ServerConfig
from server.logs import LOGGER
from server.metrics import Metrics
from server.request_config import CallSettings, InvalidRequest, call_settings, decoder_dialects
from server.responses import speech_event, streaming_result
from xiangyin.asr.v1 import asr_pb2 as pb

T = TypeVar("T")


@dataclass(frozen=True)
class CallEnd:
    """Why the call stopped reading: the status to end with (None = OK) and its message."""

    code: grpc.StatusCode | None = None
    message: str = ""


class StreamingCall:
    def __init__(
        self,
        recognizer: Recognizer,
        config: ServerConfig,
        pool: Executor,
        metrics: Metrics,
        context: Any,  # grpc.aio.ServicerContext
        drain: asyncio.Event,
        log_fields: dict[str, Any],
    ) -> None:
        self.recognizer = recognizer
        self.config = config
        self.pool = pool
        self.metrics = metrics
        self.context = context
        self.drain = drain
        self.log = log_fields
        self.stream: ContinuousStream | None = None
        self.audio_s = 0.0
        self.compute_s = 0.0
        self.finals = 0
        self.last_partial: dict[int, str] = {}

    async def run(self) -> CallEnd:
        first = await self._next_message()
        if isinstance(first, CallEnd):
            return first
        if first is None or not first.HasField("streaming_config"):
            return CallEnd(grpc.StatusCode.INVALID_ARGUMENT,
                           "the first message must carry streaming_config; audio comes after it")
        streaming = first.streaming_config
        try:
            settings = call_settings(
                streaming.config, decoder_dialects(self.recognizer),
                interim_results=streaming.interim_results, single_utterance=streaming.single_utterance,
            )
        except InvalidRequest as err:
            return CallEnd(grpc.StatusCode.INVALID_ARGUMENT, str(err))
        self.log.update(encoding=settings.audio.encoding.value, sample_rate=settings.audio.sample_rate,
                        dialect_hints=len(settings.decoder.dialects), hotwords=len(settings.decoder.hotwords))
        audio = AudioInput(settings.audio)
        while True:
            message = await self._next_message()
            if message is None:  # half-close: finalise what was said
                return await self._finish(audio, settings, CallEnd())
            if isinstance(message, CallEnd):
                return await self._finish(audio, settings, message)
            if message.HasField("streaming_config"):
                return await self._finish(audio, settings, CallEnd(
                    grpc.StatusCode.INVALID_ARGUMENT, "streaming_config may only be in the first message"))
            received = time.perf_counter()
            data = message.audio_content
            if len(data) > self.config.max_audio_chunk_bytes:
                return await self._finish(audio, settings, CallEnd(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"an audio_content of {len(data)} bytes is over the limit of "
                    f"{self.config.max_audio_chunk_bytes} per message; send chunks of 20–320 ms"))
            end = None
            try:
                samples = audio.accept(data)
            except AudioError as err:
                bad = CallEnd(grpc.StatusCode.INVALID_ARGUMENT, str(err))
                return await self._finish(audio, settings, bad)
            limit = self.config.max_stream_seconds
            if samples.size and self.audio_s + samples.size / audio.sample_rate > limit:
                room = max(0, int((self.config.max_stream_seconds - self.audio_s) * audio.sample_rate))
                samples = samples[:room]
                end = CallEnd(grpc.StatusCode.OUT_OF_RANGE,
                              f"the stream passed the server's limit of {self.config.max_stream_seconds:g} s "
                              "of audio; results up to the limit were sent — open a new stream to go on")
            if samples.size:
                events = await self._accept(samples, audio.sample_rate, settings)
                if await self._send(events, settings, received) and settings.single_utterance:
                    return CallEnd()
            self.metrics.chunk_latency.observe(time.perf_counter() - received)
            if end is not None:
                return await self._finish(audio, settings, end)

    async def _next_message(self) -> pb.StreamingRecognizeRequest | CallEnd | None:
        """The next request; None at half-close; a CallEnd on idle timeout or drain."""
        read = asyncio.ensure_future(self.context.read())
        drained = asyncio.ensure_future(self.drain.wait())
        done, _ = await asyncio.wait({read, drained}, timeout=self.config.idle_timeout_s,
                                     return_when=asyncio.FIRST_COMPLETED)
        drained.cancel()
        if read in done:
            message = read.result()
            return None if message is grpc.aio.EOF else message
        read.cancel()
        if drained in done:
            return CallEnd(grpc.StatusCode.UNAVAILABLE,
                           "the server is shutting down; results so far were sent — reconnect and go on")
        return CallEnd(grpc.StatusCode.DEADLINE_EXCEEDED,
                       f"no message for {self.config.idle_timeout_s:g} s; send audio continuously "
                       "(silence too) or half-close the stream when done")

    async def _accept(self, samples: Samples, rate: int, settings: CallSettings) -> list[Event]:
        if self.stream is None:
            self.stream = ContinuousStream(self.recognizer, rate, settings.decoder, settings.endpoint)
        self.audio_s += samples.size / rate
        self.metrics.audio_seconds.inc(samples.size / rate)
        return await self._compute(self.stream.accept, samples)

    async def _finish(self, audio: AudioInput, settings: CallSettings, end: CallEnd) -> CallEnd:
        """Flush the audio input and the engine, send the last finals, then end as `end` says."""
        try:
            tail = audio.finish()
        except AudioError as err:
            tail = np.zeros(0, dtype=np.float32)
            end = end if end.code else CallEnd(grpc.StatusCode.INVALID_ARGUMENT, str(err))
        events: list[Event] = []
        if tail.size:
            events += await self._accept(tail, audio.sample_rate, settings)
        if self.stream is not None:
            events += await self._compute(self.stream.finish)
        await self._send(events, settings, time.perf_counter())
        return end

    async def _compute(self, fn: Callable[..., T], *args: Any) -> T:
        started = time.perf_counter()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)
        finally:
            self.compute_s += time.perf_counter() - started

    async def _send(self, events: list[Event], settings: CallSettings, received: float) -> bool:
        """Write the responses for `events`; True once a final was sent."""
        final_sent = False
        for event in events:
            if isinstance(event, SpeechStarted | UtteranceEnded):
                await self.context.write(speech_event(event))
                continue
            if not self._wanted(event, settings):
                continue
            await self.context.write(streaming_result(event.result, event.utterance, settings))
            if event.result.is_final:
                final_sent = True
                self.finals += 1
                self.metrics.final_latency.observe(time.perf_counter() - received)
                self.metrics.responses.labels("final").inc()
                if self.config.log_content:
                    LOGGER.info("final", extra={**self.log, "utterance": event.utterance,
                                                "transcript": event.result.transcript})
            else:
                self.metrics.responses.labels("partial").inc()
        return final_sent

    def _wanted(self, event: Hypothesis, settings: CallSettings) -> bool:
        """Every final; a partial only when asked for and when its text changed."""
        if event.result.is_final:
            return True
        text = event.result.transcript
        if not settings.interim_results or not text or self.last_partial.get(event.utterance) == text:
            return False
        self.last_partial[event.utterance] = text
        return True

    @property
    def real_time_factor(self) -> float:
        return self.compute_s / self.audio_s if self.audio_s else 0.0
