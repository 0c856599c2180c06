"""`xiangyin bench load` and `bench soak` at tiny sizes against a real `xiangyin serve`
on a loopback port (a small lexicon and no LM, so it starts in seconds): each prints
its JSON contract (issue 8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.bench.load import LoadResult, Percentiles, covering_chunk, plot_latency
from eval.bench.server_process import ServeOptions, ServerProcess, running_server
from xiangyin.cli import main

SMALL = ServeOptions(dialects="cmn-x-sichuan", lm="")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with running_server(SMALL, idle=False) as running:
        yield running


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_load_prints_latencies_errors_and_server_cpu(
    server: ServerProcess, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = run_json(capsys, "bench", "load", "--server", server.target, "--streams", "2", "--seconds", "4",
                    "--json", "--out", str(tmp_path))
    assert data["streams"] == 2 and data["errors"] == 0
    for key in ("partial_latency_ms", "final_latency_ms"):
        latency = data[key]
        assert isinstance(latency, dict) and set(latency) >= {"p50", "p95", "p99"}
    assert isinstance(data["server_cpu"], float) and data["server_cpu"] > 0  # found by its port
    saved = json.loads((tmp_path / "load-2.json").read_text())
    assert saved["streams"] == 2 and saved["conditions"]["at_start"]["cores"] >= 1


def test_soak_prints_the_rss_slope(server: ServerProcess, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "bench", "soak", "--server", server.target, "--streams", "20", "--json")
    assert data["streams"] == 20 and data["errors"] == 0
    assert isinstance(data["rss_slope_bytes_per_stream"], float)


def test_a_result_covers_the_chunk_it_ends_in() -> None:
    assert covering_chunk(0.0, 0.1) == 0
    assert covering_chunk(0.3, 0.1) == 2  # audio up to 0.3 s ends in chunk [0.2, 0.3)
    assert covering_chunk(0.30000001, 0.1) == 2
    assert covering_chunk(0.32, 0.1) == 3


def test_ramp_budget_and_plot(tmp_path: Path) -> None:
    def result(streams: int, p95: float, errors: int = 0) -> LoadResult:
        latency = Percentiles(p95 / 2, p95, p95 * 1.2)
        return LoadResult(streams, latency, Percentiles(None, None, None), errors, {}, 1.0, 100.0, 0.1,
                          30.0, 10, 0, 100)

    runs = [result(8, 120.0), result(16, 290.0), result(24, 280.0, errors=1), result(32, 900.0)]
    assert [r.within_budget for r in runs] == [True, True, False, False]
    plot_latency(runs, tmp_path / "latency.png")
    assert (tmp_path / "latency.png").stat().st_size > 10_000
