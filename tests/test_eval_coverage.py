"""Coverage levels 2–4 come from training data and measured CER, never typed in; the
map, page and history are written from them."""

from __future__ import annotations

import json
from pathlib import Path

from asr.dialects import Target, load_registry
from eval.coverage import (
    AcousticEvidence,
    Measurement,
    compute_coverage,
    measurements_from_results,
    training_from_manifests,
    training_from_model,
)
from eval.coverage_report import append_history, write_outputs
from xiangyin.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "synth"
DEFAULT = Path(__file__).resolve().parents[1] / "models" / "default"


def _rows() -> tuple[Target, Target]:
    chengdu = next(t for t in load_registry() if t.adcode == "510100")  # cmn-x-sichuan, level 1
    liuzhou = next(t for t in load_registry() if t.adcode == "450200")  # no lexicon, level 0
    return chengdu, liuzhou


def test_levels_climb_only_on_measured_evidence(built: list[str]) -> None:
    trained = {"cmn-x-sichuan": "here", "cmn-x-liuzhou": "here"}
    cases = [
        (AcousticEvidence(), [1, 0]),
        (AcousticEvidence(trained), [2, 0]),  # Liuzhou has data but no lexicon: still 0
        (AcousticEvidence(trained, {"cmn-x-sichuan": Measurement(0.40, 50, "r")}), [2, 0]),
        (AcousticEvidence(trained, {"cmn-x-sichuan": Measurement(0.12, 50, "r")}), [3, 0]),
        (AcousticEvidence(trained, {}, {"cmn-x-sichuan": Measurement(0.2, 50, "r")}), [4, 0]),
        (AcousticEvidence({}, {"cmn-x-sichuan": Measurement(0.12, 50, "r")}), [1, 0]),  # no training data
    ]
    for acoustic, levels in cases:
        report = compute_coverage(_rows(), acoustic)
        assert [r.level for r in report.rows] == levels, acoustic
    report = compute_coverage(_rows(), cases[2][0])
    assert "synthetic CER 40.0% > 15% (n=50)" in report.rows[0].reason


def _results(folder: Path, per_kind: dict[str, dict[str, tuple[int, int, int]]]) -> Path:
    folder.mkdir(parents=True)
    blocks = {
        kind: {"per_variety": {v: {"n": n, "chars": chars, "char_errors": errors}
                               for v, (n, chars, errors) in varieties.items()}}
        for kind, varieties in per_kind.items()
    }
    (folder / "results.json").write_text(json.dumps({"per_label_kind": blocks}), encoding="utf-8")
    return folder


def test_measurements_pool_synthetic_kinds_and_keep_the_best(tmp_path: Path) -> None:
    a = _results(tmp_path / "a", {
        "synthetic": {"cmn": (30, 300, 60), "yue": (5, 50, 1)},  # yue: too few utterances
        "synthetic-approx": {"cmn": (10, 100, 20)},
        "human": {"yue": (40, 400, 80)},
    })
    b = _results(tmp_path / "b", {"synthetic": {"cmn": (20, 200, 10)}})
    synthetic, human = measurements_from_results([a, b])
    assert synthetic == {"cmn": Measurement(0.05, 20, str(b))}
    assert human == {"yue": Measurement(0.2, 40, str(a))}
    synthetic, _ = measurements_from_results([a])
    assert synthetic["cmn"] == Measurement(0.2, 40, str(a))  # (60 + 20) / (300 + 100)


def test_training_data_from_a_model_and_from_manifests() -> None:
    assert {"cmn", "yue", "cmn-x-sichuan"} <= set(training_from_model(DEFAULT))
    assert training_from_model(FIXTURES) == {}  # no config.json: no dialect head
    found = training_from_manifests([FIXTURES])
    assert {"cmn", "yue", "en", "wuu-x-shanghai", "cmn-x-sichuan"} <= set(found)


def test_map_page_and_history(built: list[str], tmp_path: Path) -> None:
    report = compute_coverage(_rows(), AcousticEvidence({"cmn-x-sichuan": "here"}))
    history = append_history(tmp_path / "history.jsonl", report, {"model": "m"})
    history = append_history(tmp_path / "history.jsonl", report, {"model": "m"})
    assert len(history) == 2 and history[-1]["levels"] == {"0": 1, "1": 0, "2": 1, "3": 0, "4": 0}
    write_outputs(tmp_path / "out", report, history)
    for name in ("coverage_map.png", "coverage_history.png"):
        assert (tmp_path / "out" / name).read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "out" / "coverage.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 and "cmn-x-sichuan" in page
    assert json.loads((tmp_path / "out" / "coverage.json").read_text(encoding="utf-8"))["levels"]["2"] == 1


def test_cli_reads_results(built: list[str], tmp_path: Path) -> None:
    results = _results(tmp_path / "r", {"synthetic": {"yue": (30, 300, 30)}})
    out = tmp_path / "out"
    assert main(["coverage", "--results", str(results), "--out", str(out), "--json"]) == 0
    data = json.loads((out / "coverage.json").read_text(encoding="utf-8"))
    guangzhou = next(r for r in data["rows"] if r["adcode"] == "440100")
    assert guangzhou["level"] == 3  # yue: in the default model's training data, CER 10 %
    assert data["levels"]["3"] == 9  # the nine Cantonese seats, and no other row
