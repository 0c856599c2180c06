"""Benchmark results as files: one JSON per command in an output folder, each with the
command line that produced it and the conditions it ran under (cores, load, background
jobs), since on a 2-core machine a figure means little without them."""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import psutil

DEFAULT_DIR = Path(__file__).resolve().parent / "results"
BACKGROUND = ("xiangyin train", "xiangyin synth", "pytest")  # jobs worth naming beside a figure


def conditions(sample_s: float = 0.5) -> dict[str, Any]:
    """The machine at the time of the run: load, named background jobs, and every other
    process that kept ≥ 10 % of a core busy over `sample_s`."""
    me = os.getpid()
    background = []
    processes = []
    for p in psutil.process_iter(["pid", "cmdline", "nice", "status"]):
        if p.info["pid"] == me:
            continue
        command = " ".join(p.info["cmdline"] or ())
        if any(job in command for job in BACKGROUND):
            state = "stopped" if p.info["status"] == psutil.STATUS_STOPPED else "running"
            background.append(f"{command[:80]} (pid {p.info['pid']}, nice {p.info['nice']}, {state})")
        try:
            p.cpu_percent(None)
            processes.append(p)
        except psutil.Error:
            pass
    time.sleep(sample_s)
    busy = []
    for p in processes:
        try:
            share = p.cpu_percent(None)
        except psutil.Error:
            continue
        if share >= 10:
            busy.append(f"{' '.join(p.info['cmdline'] or ())[:80] or p.name()} ({share:.0f} % of a core)")
    return {
        "cores": psutil.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "background": background,
        "busy": busy,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def command_line() -> str:
    """The `xiangyin …` command being run ("" when called from Python, as tests do)."""
    launcher = Path(sys.argv[0]).name
    return "xiangyin " + shlex.join(sys.argv[1:]) if launcher in ("xiangyin", "cli.py") else ""


def save(directory: Path, name: str, data: dict[str, Any], before: dict[str, Any] | None = None) -> Path:
    """`directory/name.json`: the figures, the command and the conditions (`before`: as
    sampled when the run began)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    record = {
        **data,
        "command": command_line(),
        "conditions": {"at_start": before, "at_end": conditions()} if before else conditions(),
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
