"""The README's performance table, generated from the benchmark results in a folder
(`eval/bench/results/*.json`), so each figure sits beside the command that produced it
and the conditions it ran under, and a test keeps the README's copy current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.bench.results import DEFAULT_DIR


def _read(directory: Path, name: str) -> dict[str, Any] | None:
    path = directory / f"{name}.json"
    data: dict[str, Any] | None = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    return data


def _conditions(data: dict[str, Any]) -> str:
    c = data.get("conditions") or {}
    c = c.get("at_start", c)
    jobs = [j for j in c.get("background") or [] if "stopped" not in j]
    busy = len(c.get("busy") or [])
    others = f", {busy} other busy process{'es' if busy != 1 else ''}" if busy else ", no other busy process"
    named = f", {len(jobs)} background job{'s' if len(jobs) != 1 else ''}" if jobs else ""
    return f"{c.get('cores', '?')} cores, load {c.get('load_average_1m', '?')}{named}{others}"


def _row(budget: str, figure: str, met: bool | None, data: dict[str, Any]) -> str:
    verdict = "—" if met is None else "yes" if met else "**no**"
    return f"| {budget} | {figure} | {verdict} | `{data.get('command') or '?'}` ({_conditions(data)}) |"


def performance_table(directory: Path = DEFAULT_DIR) -> str:
    """Markdown: one row per DESIGN §5 budget that has a result in `directory`."""
    rows = ["| budget (DESIGN §5) | measured | met | command (conditions at its start) |",
            "|---|---|---|---|"]
    rtf = _read(directory, "rtf")
    if rtf:
        stages = ", ".join(f"{k} {v:.4f}" for k, v in rtf["stages"].items())
        rows.append(_row("real-time factor per stream ≤ 0.05 on one core",
                         f"{rtf['rtf']:.4f} ({stages})", rtf["rtf"] <= 0.05, rtf))
    ramp = _read(directory, "load-ramp")
    if ramp:
        best = ramp["max_streams_within_budget"]
        steps = ", ".join(f"{r['streams']}: {r['partial_latency_ms']['p95']}" for r in ramp["runs"])
        rows.append(_row("≥ 32 real-time streams at p95 partial ≤ 300 ms beyond the chunk",
                         f"{best} streams (p95 partial ms by streams — {steps}; plot "
                         "`eval/bench/results/latency_vs_streams.png`)", best >= 32, ramp))
    load = _read(directory, "load-32")
    if load:
        p, f = load["partial_latency_ms"], load["final_latency_ms"]
        rows.append(_row("final ≤ 100 ms after the endpoint (at 32 streams)",
                         f"p50 {f['p50']} / p95 {f['p95']} / p99 {f['p99']} ms; partials p95 {p['p95']} ms, "
                         f"{load['errors']} errors, server {load['server_cpu']:.2f} cores",
                         f["p95"] is not None and f["p95"] <= 100, load))
    soak = _read(directory, "soak")
    if soak:
        flat = abs(soak["rss_change_percent"]) <= 5 and soak["rss_slope_bytes_per_stream"] <= 1024
        rows.append(_row("RSS flat (±5 %, slope ≤ 1 KB/stream) over 10,000 streams",
                         f"{soak['rss_slope_bytes_per_stream']:.0f} B/stream over the last "
                         f"{soak['fitted_streams']:,} of {soak['streams']:,}; {soak['rss_start_mb']:.0f} → "
                         f"{soak['rss_end_mb']:.0f} MB ({soak['rss_change_percent']:+.2f} %)", flat, soak))
        rows.append(_row("server RSS ≤ 400 MB with the default model",
                         f"{soak['rss_max_mb']:.0f} MB", soak["rss_max_mb"] <= 400, soak))
    startup = _read(directory, "startup")
    if startup:
        rows.append(_row("cold start to SERVING ≤ 3 s",
                         f"{startup['seconds_to_serving']:.2f} s (median of {len(startup['runs'])}; "
                         f"server CPU {min(startup['cpu_seconds']):.2f}–{max(startup['cpu_seconds']):.2f} s)",
                         startup["seconds_to_serving"] <= 3.0, startup))
    return "\n".join(rows)
