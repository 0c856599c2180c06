"""`xiangyin bench startup`: cold start, from launching `xiangyin serve` to its
grpc.health.v1 Check answering SERVING — interpreter start, imports, model, lexicons,
decoder and KenLM included, since an operator waits for all of them.

The port is chosen beforehand so the health check can be polled from the first
moment; each run is a fresh process, stopped (SIGTERM) once it serves.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Any

import psutil

from eval.bench.server_process import ROOT, ServeOptions, free_port, is_serving, serve_command, stop

POLL_S = 0.02


@dataclass(frozen=True)
class StartupResult:
    runs: tuple[float, ...]
    cpu_seconds: tuple[float, ...]  # the server's own CPU time until SERVING, per run

    @property
    def seconds_to_serving(self) -> float:
        return statistics.median(self.runs)

    def as_json(self) -> dict[str, Any]:
        return {"seconds_to_serving": round(self.seconds_to_serving, 3),
                "runs": [round(r, 3) for r in self.runs],
                "cpu_seconds": [round(c, 3) for c in self.cpu_seconds]}


def time_to_serving(options: ServeOptions, timeout_s: float = 180.0) -> tuple[float, float]:
    """Wall seconds to SERVING, and the CPU seconds the server used by then (on a busy
    machine the second says what the first would be on an idle one)."""
    port = free_port()
    target = f"127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(serve_command(port, options), cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while not is_serving(target):
            if process.poll() is not None:
                raise RuntimeError(f"xiangyin serve exited with {process.returncode} before serving")
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(f"xiangyin serve was not serving after {timeout_s:g} s")
            time.sleep(POLL_S)
        wall = time.perf_counter() - started
        cpu = psutil.Process(process.pid).cpu_times()
        return wall, cpu.user + cpu.system
    finally:
        stop(process)


def run(options: ServeOptions, repeat: int = 3) -> StartupResult:
    """The median of `repeat` cold starts (the first also pays for a cold page cache)."""
    runs = [time_to_serving(options) for _ in range(repeat)]
    return StartupResult(tuple(w for w, _ in runs), tuple(c for _, c in runs))
