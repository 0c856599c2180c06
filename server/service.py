"""The Asr gRPC service: authentication, limits, metrics and logs around the engine."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import grpc

from asr.audio import AudioError
from asr.dialects import Target
from asr.recognizer import Recognizer
from asr.utterances import ContinuousStream, Hypothesis
from server.admission import Admission, Overloaded
from server.audio_input import AudioInput
from server.auth import ApiKey, AuthError, KeyChecker
from server.config import ServerConfig
from server.logs import LOGGER
from server.metrics import Metrics
from server.request_config import InvalidRequest, call_settings, decoder_dialects
from server.responses import duration, recognize_result
from server.streaming_call import StreamingCall
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc

Context: TypeAlias = Any  # grpc.aio.ServicerContext: grpcio ships no type hints
VERSION = "0.1.0"


class CallFailed(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class AsrService(asr_pb2_grpc.AsrServicer):
    def __init__(
        self,
        recognizer: Recognizer,
        config: ServerConfig,
        pool: Executor,
        metrics: Metrics,
        keys: KeyChecker | None,
        coverage: Callable[[], dict[str, int]],
        registry: tuple[Target, ...],
    ) -> None:
        self.recognizer = recognizer
        self.config = config
        self.pool = pool
        self.metrics = metrics
        self.keys = keys
        self.coverage = coverage
        self.registry = registry
        self.admission = Admission(config.max_streams)
        self.drain = asyncio.Event()

    @contextmanager
    def _call(self, method: str, context: Context, log: dict[str, Any]) -> Iterator[ApiKey | None]:
        """Authenticate, then count the call's outcome by status code however it ends."""
        code = grpc.StatusCode.OK
        try:
            key = self._authenticate(method, context)
            log["key"] = key.name if key else ""
            yield key
        except CallFailed as err:
            code = err.code
            raise
        except asyncio.CancelledError:  # the client went away
            code = grpc.StatusCode.CANCELLED
            LOGGER.info("cancelled by the client", extra=log)
            raise
        except Exception:
            code = grpc.StatusCode.INTERNAL
            LOGGER.exception("internal error", extra=log)
            raise
        finally:
            self.metrics.streams.labels(method, code.name).inc()

    def _authenticate(self, method: str, context: Context) -> ApiKey | None:
        if self.keys is None:
            return None
        metadata = dict(context.invocation_metadata() or ())
        authorization = metadata.get("authorization")
        try:
            return self.keys.check(authorization if isinstance(authorization, str) else None, method)
        except AuthError as err:
            code = grpc.StatusCode.PERMISSION_DENIED if err.denied else grpc.StatusCode.UNAUTHENTICATED
            raise CallFailed(code, str(err)) from err

    async def StreamingRecognize(
        self, request_iterator: Any, context: Context
    ) -> None:
        log: dict[str, Any] = {"call": uuid.uuid4().hex[:12], "method": "StreamingRecognize",
                               "peer": context.peer()}
        try:
            with self._call("StreamingRecognize", context, log) as key:
                try:
                    slot = self.admission.admit(key)
                except Overloaded as err:
                    raise CallFailed(grpc.StatusCode.RESOURCE_EXHAUSTED, str(err)) from err
                self.metrics.active_streams.inc()
                call = StreamingCall(self.recognizer, self.config, self.pool, self.metrics, context,
                                     self.drain, log)
                started = time.perf_counter()
                try:
                    end = await call.run()
                finally:
                    self.admission.release(slot)
                    self.metrics.active_streams.dec()
                    if call.audio_s:
                        self.metrics.real_time_factor.observe(call.real_time_factor)
                    LOGGER.info("stream ended", extra={
                        **log, "audio_s": round(call.audio_s, 3), "finals": call.finals,
                        "rtf": round(call.real_time_factor, 4),
                        "wall_s": round(time.perf_counter() - started, 3)})
                if end.code is not None:
                    raise CallFailed(end.code, end.message)
        except CallFailed as err:
            LOGGER.info("call refused or stopped", extra={**log, "code": err.code.name, "reason": str(err)})
            await context.abort(err.code, str(err))

    async def Recognize(self, request: pb.RecognizeRequest, context: Context) -> pb.RecognizeResponse:
        log: dict[str, Any] = {"call": uuid.uuid4().hex[:12], "method": "Recognize", "peer": context.peer()}
        try:
            with self._call("Recognize", context, log):
                return await self._recognize(request)
        except CallFailed as err:
            LOGGER.info("call refused or stopped", extra={**log, "code": err.code.name, "reason": str(err)})
            await context.abort(err.code, str(err))
            raise  # unreachable: abort raises

    async def _recognize(self, request: pb.RecognizeRequest) -> pb.RecognizeResponse:
        try:
            settings = call_settings(request.config, decoder_dialects(self.recognizer))
            audio = AudioInput(settings.audio)
            samples = audio.accept(request.audio_content)
            tail = audio.finish()
        except (InvalidRequest, AudioError) as err:
            raise CallFailed(grpc.StatusCode.INVALID_ARGUMENT, str(err)) from err
        if tail.size:
            samples = tail
        seconds = samples.size / audio.sample_rate if samples.size else 0.0
        if seconds > self.config.max_recognize_seconds:
            raise CallFailed(grpc.StatusCode.INVALID_ARGUMENT,
                             f"{seconds:.1f} s of audio; Recognize takes at most "
                             f"{self.config.max_recognize_seconds:g} s — use StreamingRecognize")
        self.metrics.audio_seconds.inc(seconds)

        def run() -> list[Hypothesis]:
            stream = ContinuousStream(self.recognizer, audio.sample_rate, settings.decoder, settings.endpoint)
            events = stream.accept(samples) + stream.finish()
            return [e for e in events if isinstance(e, Hypothesis) and e.result.is_final]

        finals = await asyncio.get_running_loop().run_in_executor(self.pool, run) if samples.size else []
        return pb.RecognizeResponse(
            results=[recognize_result(f.result, f.utterance, settings) for f in finals],
            total_audio_time=duration(seconds),
        )

    async def ListDialects(
        self, request: pb.ListDialectsRequest, context: Context
    ) -> pb.ListDialectsResponse:
        log: dict[str, Any] = {"method": "ListDialects"}
        try:
            with self._call("ListDialects", context, log):
                levels = await asyncio.get_running_loop().run_in_executor(None, self.coverage)
                decodable = decoder_dialects(self.recognizer)
                return pb.ListDialectsResponse(dialects=[
                    pb.Dialect(
                        adcode=t.adcode, name=t.name, province=t.province, group=t.group,
                        subgroup=t.subgroup, cluster=t.cluster, variety=t.variety, iso639_3=t.iso639_3,
                        glottocode=t.glottocode, in_333=t.in_333, coverage_level=levels.get(t.adcode, 0),
                        decodable=t.variety in decodable,
                    )
                    for t in self.registry
                    if request.province in t.province and request.group in t.group
                ])
        except CallFailed as err:
            await context.abort(err.code, str(err))
            raise

    async def GetModelInfo(self, request: pb.GetModelInfoRequest, context: Context) -> pb.ModelInfo:
        try:
            with self._call("GetModelInfo", context, {"method": "GetModelInfo"}):
                info = self.recognizer.info
                return pb.ModelInfo(
                    name=Path(info.path).name, kind=info.kind, architecture=info.architecture,
                    vocabulary=info.vocabulary, tokens=info.tokens, parameters=info.parameters,
                    acoustic_dialects=list(info.dialects),
                    decoder_dialects=sorted(decoder_dialects(self.recognizer)),
                    chunk_ms=info.chunk_ms or info.hop_ms, frame_shift_ms=round(info.frame_shift_ms),
                    server_version=VERSION,
                )
        except CallFailed as err:
            await context.abort(err.code, str(err))
            raise
