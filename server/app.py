"""Start, run and drain the server: the model is loaded once, then gRPC (with health and
reflection) and the metrics endpoint open; SIGTERM drains instead of cutting calls."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import grpc
import torch
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from asr.dialects import load_registry
from asr.recognizer import Recognizer
from server.auth import KeyChecker, load_keys
from server.config import ServerConfig
from server.logs import LOGGER
from server.metrics import Metrics
from server.service import AsrService
from xiangyin.asr.v1 import asr_pb2, asr_pb2_grpc

SERVICE = asr_pb2.DESCRIPTOR.services_by_name["Asr"].full_name
FINALISE_S = 5.0  # after the drain grace: time streams get to send their last finals
# A thread that wants the GIL waits for its holder to give it up at most this long (Python's
# default is 5 ms). The event loop needs it for every message while the workers hold it for
# decoding: at 32 streams, 1 ms took p95 partial latency from 336 to 255 ms and p95 final
# latency from 127 to 52 ms (`xiangyin bench load --streams 32`, README Performance).
GIL_SWITCH_S = 0.001


_coverage_children: set[subprocess.Popen[str]] = set()


@functools.cache
def coverage_levels(model_dir: str, results: tuple[str, ...]) -> dict[str, int]:
    """Registry row → coverage level from the lexicons, the served model's training data
    and the eval results the operator names — what `xiangyin coverage` computes. It runs
    once, off the start-up path, in a child process: reading every lexicon costs ~0.7 GB
    that a server should not keep. ListDialects waits for it the first time."""
    command = [sys.executable, "-m", "xiangyin.cli", "coverage", "--json", "--model", model_dir]
    if results:
        command += ["--results", *results]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        _coverage_children.add(child)
        try:
            stdout, stderr = child.communicate()
        finally:
            _coverage_children.discard(child)
    if child.returncode < 0:  # stopped with the server: not a result to keep
        raise RuntimeError("the coverage computation was stopped")
    if child.returncode:
        LOGGER.error("coverage levels unavailable", extra={"stderr": stderr[-2000:]})
        return {}
    return {row["adcode"]: int(row["level"]) for row in json.loads(stdout)["rows"]}


def stop_coverage() -> None:
    """End a coverage computation still running (seconds of CPU), so that a stopped server
    leaves no process behind."""
    for child in list(_coverage_children):
        child.terminate()


def _compute_ahead(coverage: Callable[[], dict[str, int]]) -> None:
    """Coverage levels before the first ListDialects asks (none if the server stops first)."""
    with contextlib.suppress(RuntimeError):
        coverage()


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    service: AsrService
    health: health.aio.HealthServicer
    pool: ThreadPoolExecutor

    async def drain(self, grace_s: float) -> None:
        """Refuse new calls, let open streams end within `grace_s`, then finalise the rest."""
        LOGGER.info("draining", extra={"active_streams": self.service.admission.active, "grace_s": grace_s})
        self.service.admission.draining = True
        await self.health.enter_graceful_shutdown()
        await self._wait_idle(grace_s)
        self.service.drain.set()
        await self._wait_idle(FINALISE_S)
        await self.server.stop(1.0)
        self.pool.shutdown(wait=False, cancel_futures=True)
        LOGGER.info("stopped")

    async def _wait_idle(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.service.admission.active and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


def load_recognizer(config: ServerConfig) -> Recognizer:
    return Recognizer.load(
        Path(config.model), list(config.dialects) or None, Path(config.lm) if config.lm else None,
        config.int8,
    )


async def start(config: ServerConfig, recognizer: Recognizer | None = None) -> RunningServer:
    """A serving server: `recognizer` may be shared (tests start several servers on one)."""
    torch.set_num_threads(1)  # one core per worker; parallelism comes from the pool
    sys.setswitchinterval(GIL_SWITCH_S)
    recognizer = recognizer or load_recognizer(config)
    keys = KeyChecker(load_keys(Path(config.api_keys))) if config.api_keys else None
    metrics = Metrics.create()
    pool = ThreadPoolExecutor(config.workers, thread_name_prefix="xiangyin-worker")
    coverage = functools.partial(coverage_levels, config.model, config.eval_results)
    service = AsrService(recognizer, config, pool, metrics, keys, coverage, load_registry())
    server = grpc.aio.server(options=[
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", config.max_message_bytes),
    ])
    asr_pb2_grpc.add_AsrServicer_to_server(service, server)  # type: ignore[no-untyped-call]
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    address = f"{config.host}:{config.port}"
    if config.tls_cert:
        credentials = grpc.ssl_server_credentials(
            [(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())],
            root_certificates=Path(config.tls_client_ca).read_bytes() if config.tls_client_ca else None,
            require_client_auth=bool(config.tls_client_ca),
        )
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    await server.start()
    if config.metrics_port:
        metrics.serve(config.metrics_host, config.metrics_port)
    for name in ("", SERVICE):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    threading.Thread(target=_compute_ahead, args=(coverage,), daemon=True).start()
    LOGGER.info("serving", extra={"address": f"{config.host}:{port}", "model": config.model,
                                  "int8": config.int8,
                                  "tls": bool(config.tls_cert), "api_keys": bool(keys)})
    return RunningServer(server, port, service, health_servicer, pool)


async def serve(config: ServerConfig) -> None:
    """Run until SIGTERM or SIGINT, then drain."""
    running = await start(config)
    scheme = "TLS" if config.tls_cert else "plaintext"
    print(f"xiangyin is serving {config.model} on {config.host}:{running.port} ({scheme}).\n"
          f"  try:    xiangyin transcribe tests/fixtures/synth/audio/*.flac "
          f"--server {config.host}:{running.port}\n"
          + (f"  metrics: http://{config.metrics_host}:{config.metrics_port}/metrics\n"
             if config.metrics_port else "")
          + "  stop:   Ctrl-C or SIGTERM (open streams get their finals first)", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await running.drain(config.drain_grace_s)
    stop_coverage()
