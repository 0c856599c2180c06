"""`xiangyin bench rtf|load|soak|startup|table`: their flags and what they print.

Kept out of xiangyin/cli.py (which only registers them) so the CLI stays small; like
the other subcommands, each imports its benchmark only when run. With `--json` each
prints its machine-readable contract (issue 8); `--out DIR` also writes it to
DIR/<name>.json with the command and the machine's conditions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.bench.server_process import ServeOptions, ServerProcess


def _emit(args: argparse.Namespace, name: str, data: dict[str, Any], before: dict[str, Any] | None,
          text: list[str]) -> None:
    if args.out:
        from eval.bench.results import save

        path = save(Path(args.out), name, data, before)
        text.append(f"→ {path}")
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print("\n".join(text))


def _conditions(args: argparse.Namespace) -> dict[str, Any] | None:
    if not args.out:
        return None
    from eval.bench.results import conditions

    return conditions()


def _serve_options(args: argparse.Namespace, max_streams: int | None = None) -> ServeOptions:
    from eval.bench.server_process import ServeOptions

    return ServeOptions(model=args.model, dialects=args.dialects, lm=args.lm, workers=args.workers,
                        max_streams=max_streams, fp32=args.fp32,
                        processes=getattr(args, "server_processes", None))


@contextmanager
def _server(args: argparse.Namespace, max_streams: int | None = None) -> Iterator[ServerProcess]:
    """The server under test: --server (its process found by --server-pid or by its
    listening port), or a `xiangyin serve` started here."""
    from eval.bench.server_process import ServerProcess, listening_pids, running_server

    if args.server:
        pids = tuple(int(p) for p in args.server_pid.split(",")) if args.server_pid else None
        yield ServerProcess(pids or listening_pids(args.server), args.server)
        return
    with running_server(_serve_options(args, max_streams)) as server:
        yield server


def cmd_rtf(args: argparse.Namespace) -> int:
    from asr.lm import LM_DIR
    from eval.bench.rtf import run

    before = _conditions(args)
    lm = LM_DIR / "mixed.bin" if args.lm is None else Path(args.lm) if args.lm else None
    bench = run(Path(args.model or "models/default"), seconds=args.seconds, chunk_ms=args.chunk_ms,
                varieties=args.dialects.split(",") if args.dialects else None, lm_path=lm,
                int8=not args.fp32)
    stages = "  ".join(f"{k} {v:.4f}" for k, v in bench.stages.items())
    _emit(args, "rtf", bench.as_json(), before, [
        f"{bench.model}: {bench.audio_s:.0f} s of fixture speech, {bench.utterances} streams, "
        f"{bench.chunk_ms} ms chunks, one thread",
        f"  real-time factor {bench.rtf:.4f} ({1 / bench.rtf:.0f}x real time)",
        f"  by stage: {stages}",
    ])
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from eval.bench.load import RAMP_STEPS, LoadOptions, ramp, run

    options = LoadOptions(streams=args.streams, seconds=args.seconds, chunk_ms=args.chunk_ms,
                          sample_rate=args.sample_rate, processes=args.processes)
    before = _conditions(args)
    steps = tuple(int(s) for s in args.steps.split(",")) if args.steps else RAMP_STEPS
    with _server(args, max_streams=max(steps) + 8 if args.ramp else args.streams + 8) as server:
        if not server.pids:
            print(f"no process found listening at {server.target}: give --server-pid for server CPU",
                  file=sys.stderr)
        if args.ramp:
            out = Path(args.out) if args.out else Path(".")
            result = ramp(server.target, server.pids, options, out / "latency_vs_streams.png", steps)
            lines = [f"{r.streams:3d} streams: partial p95 {r.partial_latency_ms.p95} ms, final p95 "
                     f"{r.final_latency_ms.p95} ms, errors {r.errors}, server CPU {r.server_cpu:.2f} cores"
                     for r in result.runs]
            lines.append(f"largest N within p95 partial ≤ {result.budget_ms:.0f} ms: "
                         f"{result.max_streams_within_budget}; plot → {result.plot}")
            _emit(args, "load-ramp", result.as_json(), before, lines)
            return 0
        single = run(server.target, server.pids, options)
    p, f = single.partial_latency_ms, single.final_latency_ms
    _emit(args, f"load-{single.streams}", single.as_json(), before, [
        f"{single.streams} real-time streams for {single.seconds:.0f} s against {server.target}",
        f"  partial latency beyond the chunk: p50 {p.p50} p95 {p.p95} p99 {p.p99} ms ({single.partials})",
        f"  final latency after the endpoint: p50 {f.p50} p95 {f.p95} p99 {f.p99} ms ({single.finals})",
        f"  errors {single.errors} {single.errors_by_code or ''}; server CPU {single.server_cpu:.2f} cores, "
        f"RSS {single.server_rss_mb:.0f} MB; clients took {single.client_cpu:.2f} cores",
    ])
    return 0


def cmd_soak(args: argparse.Namespace) -> int:
    from eval.bench.soak import SoakOptions, run

    before = _conditions(args)
    with _server(args) as server:
        if len(server.pids) != 1:
            print(f"{len(server.pids)} processes listen at {server.target}: give the one to watch with "
                  "--server-pid", file=sys.stderr)
            return 2
        result = run(server.target, server.pids[0], SoakOptions(streams=args.streams, warmup=args.warmup))
    data = result.as_json()
    _emit(args, "soak", data, before, [
        f"{result.streams} streams in {result.seconds:.0f} s ({data['streams_per_s']}/s), "
        f"{result.errors} errors",
        f"  RSS {result.rss_start_mb:.1f} → {result.rss_end_mb:.1f} MB (max {result.rss_max_mb:.1f}); "
        f"slope {result.rss_slope_bytes_per_stream:.1f} bytes per stream over the last "
        f"{result.fitted_streams}",
    ])
    return 0


def cmd_startup(args: argparse.Namespace) -> int:
    from eval.bench.startup import run

    before = _conditions(args)
    result = run(_serve_options(args), repeat=args.repeat)
    _emit(args, "startup", result.as_json(), before, [
        f"xiangyin serve → health SERVING: {result.seconds_to_serving:.2f} s "
        f"(median of {', '.join(f'{r:.2f}' for r in result.runs)}); the server's CPU time by then: "
        f"{', '.join(f'{c:.2f}' for c in result.cpu_seconds)} s",
    ])
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    from eval.bench.report import performance_table
    from eval.bench.results import DEFAULT_DIR

    print(performance_table(Path(args.results) if args.results else DEFAULT_DIR))
    return 0


def _server_flags(p: argparse.ArgumentParser, started: str) -> None:
    """What the benchmark's own server (or the engine) loads."""
    p.add_argument("--model", help=f"model directory for {started} (default models/default)")
    p.add_argument("--dialects", help="comma-separated lexicons (default: every built one)")
    p.add_argument("--lm", help="KenLM binary; empty string: no LM (default the mixed LM)")
    p.add_argument("--fp32", action="store_true", help="the model in fp32 (default: int8 Linear layers)")
    p.add_argument("--out", help="also write the result as JSON into this folder (e.g. eval/bench/results)")
    p.add_argument("--json", action="store_true")


def add_parsers(bsub: Any) -> None:
    """Register the four benchmarks under `xiangyin bench`."""
    p = bsub.add_parser("rtf", help="one-stream real-time factor on one thread, by stage")
    p.add_argument("--seconds", type=float, default=60.0, help="audio seconds of fixture speech")
    p.add_argument("--chunk-ms", dest="chunk_ms", type=int, default=100)
    _server_flags(p, "the engine")
    p.set_defaults(func=cmd_rtf)

    for name, help_ in (("load", "N concurrent real-time streams: latency, errors, server CPU"),
                        ("soak", "thousands of short streams: server RSS slope per stream")):
        p = bsub.add_parser(name, help=help_)
        p.add_argument("--server", metavar="HOST:PORT", help="server to test (default: start one here)")
        p.add_argument("--server-pid", dest="server_pid",
                       help="its process(es), comma-separated, for CPU and memory (default: the local "
                            "processes listening on its port)")
        p.add_argument("--workers", type=int, help="compute threads of the server started here")
        p.add_argument("--server-processes", dest="server_processes", type=int,
                       help="processes of the server started here (`xiangyin serve --processes`)")
        _server_flags(p, "the server started here")
    p.add_argument("--streams", type=int, default=10_000)
    p.add_argument("--warmup", type=int, default=0, help="streams not fitted (default a tenth)")
    p.set_defaults(func=cmd_soak)

    p = bsub.choices["load"]
    p.add_argument("--streams", type=int, default=8)
    p.add_argument("--seconds", type=float, default=30.0, help="audio per stream")
    p.add_argument("--chunk-ms", dest="chunk_ms", type=int, default=100)
    p.add_argument("--sample-rate", dest="sample_rate", type=int, default=16_000)
    p.add_argument("--processes", type=int, default=0, help="client processes (default min(N, 4))")
    p.add_argument("--ramp", action="store_true",
                   help="raise N step by step; report the largest N within the p95 partial budget")
    p.add_argument("--steps", help="comma-separated N for --ramp (default 4,8,16,24,32,40,48,64)")
    p.set_defaults(func=cmd_load)

    p = bsub.add_parser("table", help="the README's performance table, from the saved results")
    p.add_argument("--results", help="folder of results (default eval/bench/results)")
    p.set_defaults(func=cmd_table)

    p = bsub.add_parser("startup", help="seconds from starting `xiangyin serve` to health SERVING")
    p.add_argument("--repeat", type=int, default=3, help="cold starts; the median is reported")
    p.add_argument("--workers", type=int)
    _server_flags(p, "the server")
    p.set_defaults(func=cmd_startup)
