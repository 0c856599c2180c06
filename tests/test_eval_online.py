"""`xiangyin eval --server`: a real server on a loopback port, callers paced at real time,
latencies measured as a caller sees them."""

from __future__ import annotations

import json
from pathlib import Path

from asr.recognizer import Recognizer
from eval.readers import read_corpus
from eval.run import EvalOptions, run_eval
from eval.transcribe import OnlineTranscriber
from server.client import Connection
from tests.server_harness import FIXTURES, Servers


def test_online_evaluation_reports_latencies(recognizer: Recognizer, tmp_path: Path) -> None:
    servers = Servers(recognizer)
    try:
        served = servers.start()
        rows = [r for r in read_corpus(FIXTURES) if r.id in ("s11-0000013", "s11-0000016", "s11-0000027")]
        transcriber = OnlineTranscriber(Connection(served.target))
        options = EvalOptions(concurrency=3)
        report = run_eval(rows, transcriber, options, tmp_path, ["fixtures"], progress=False)
    finally:
        servers.close()
    overall = report["overall"]
    assert overall["n"] == 3 and overall["rtf"] is None  # the server's compute is not visible online
    assert 0 < overall["first_partial_ms_p50"] < 6000  # words appear while the caller speaks (≤ 3 s clips)
    assert 0 <= overall["final_ms_p95"] < 2000
    assert json.loads((tmp_path / "results.json").read_text())["run"]["mode"] == "online"
    for name in ("report.md", "report.html", "utterances.jsonl"):
        assert (tmp_path / name).exists()
