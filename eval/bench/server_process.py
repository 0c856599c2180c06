"""A `xiangyin serve` process of the benchmark's own, for when no --server is given: the
benchmarks then measure a server exactly as an operator starts it, in its own process,
so its CPU and memory are its own."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import grpc
import psutil
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
SERVING_LINE = re.compile(r"xiangyin is serving .* on (\S+):(\d+) ")


@dataclass(frozen=True)
class ServeOptions:
    """What the server loads: as `xiangyin serve` flags (None = the server's default)."""

    model: str | None = None
    dialects: str | None = None  # comma-separated
    lm: str | None = None  # "" = no LM
    workers: int | None = None
    max_streams: int | None = None
    fp32: bool = False  # the model in fp32 instead of the server's default int8 Linear layers
    processes: int | None = None  # servers sharing the port (`xiangyin serve --processes`)

    def flags(self) -> list[str]:
        out = ["--fp32"] if self.fp32 else []
        for flag, value in (("--model", self.model), ("--dialects", self.dialects), ("--lm", self.lm),
                            ("--workers", self.workers), ("--max-streams", self.max_streams),
                            ("--processes", self.processes)):
            if value is not None:
                out += [flag, str(value)]
        return out


@dataclass(frozen=True)
class ServerProcess:
    pids: tuple[int, ...]  # several processes may share the port (SO_REUSEPORT)
    target: str


def serve_command(port: int, options: ServeOptions) -> list[str]:
    return [sys.executable, "-m", "xiangyin.cli", "serve", "--port", str(port), "--metrics-port", "0",
            *options.flags()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(options: ServeOptions, timeout_s: float = 180.0, idle: bool = True,
                   ) -> Iterator[ServerProcess]:
    """Start `xiangyin serve --port 0` (a free port for several processes, which share
    it), read its port from the line it prints once serving, wait until all its processes
    serve and are `idle` (see `settle`), and stop it (SIGTERM, which drains) at the end."""
    processes = options.processes or 1
    with tempfile.TemporaryFile() as log:  # its JSON logs: an unread pipe would fill and block it
        port = free_port() if processes > 1 else 0
        process = subprocess.Popen(serve_command(port, options), cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=log, text=True)
        try:
            target = _wait_for_port(process, timeout_s, log)
            pids = (wait_for_listeners(process, target, processes, timeout_s) if processes > 1
                    else (process.pid,))
            assert process.stdout is not None
            threading.Thread(target=process.stdout.read, daemon=True).start()  # drain the rest
            if idle:
                for pid in pids:
                    settle(pid)
            yield ServerProcess(pids, target)
        finally:
            stop(process)


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM (the server drains), then SIGKILL if it has not gone within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_port(process: subprocess.Popen[str], timeout_s: float, log: IO[bytes]) -> str:
    assert process.stdout is not None
    timer = threading.Timer(timeout_s, process.kill)  # a server stuck loading prints nothing
    timer.start()
    try:
        for line in process.stdout:
            match = SERVING_LINE.search(line)
            if match:
                return f"{match.group(1)}:{match.group(2)}"
    finally:
        timer.cancel()
    process.kill()
    code = process.wait()
    log.seek(0)
    tail = log.read().decode("utf-8", "replace")[-2000:]
    raise RuntimeError(f"xiangyin serve did not start (exit code {code}):\n{tail}")


def wait_for_listeners(
    supervisor: subprocess.Popen[Any], target: str, count: int, timeout_s: float
) -> tuple[int, ...]:
    """The server processes once `count` of them listen on the target's port; an error as
    soon as the supervisor (`xiangyin serve --processes`) has exited."""
    deadline = time.monotonic() + timeout_s
    while len(pids := listening_pids(target)) < count:
        if supervisor.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{len(pids)} of {count} server processes listen at {target} "
                               f"(supervisor exit code {supervisor.poll()})")
        time.sleep(0.1)
    return pids


def settle(pid: int, idle_cores: float = 0.1, timeout_s: float = 60.0) -> None:
    """Wait until the server is idle: once serving it still computes the registry's
    coverage levels in a child process (seconds of CPU), which would land in the first
    measurements."""
    process = psutil.Process(pid)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and (
        process.children() or process.cpu_percent(interval=0.5) / 100 > idle_cores
    ):
        time.sleep(0.1)


def listening_pids(target: str) -> tuple[int, ...]:
    """The local processes listening on the target's port (none for a remote server)."""
    port = int(target.rsplit(":", 1)[1])
    return tuple(sorted({int(c.pid) for c in psutil.net_connections(kind="tcp")
                         if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid}))


def is_serving(target: str, timeout_s: float = 0.5) -> bool:
    """grpc.health.v1 Check on a fresh channel (a channel made before the port opened
    would wait out gRPC's reconnect back-off)."""
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout_s)
        except grpc.RpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
