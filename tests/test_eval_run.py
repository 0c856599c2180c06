"""`xiangyin eval`: the results.json contract, the reports, and one real run of the
shipped model on a few fixture utterances."""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path

import pytest

from asr.audio import Samples
from asr.decode_result import Word
from eval.metrics import Timing
from eval.readers import read_corpus
from eval.report import cer_plot, latency_cdf
from eval.run import EvalOptions, run_eval, select
from eval.transcribe import Transcription
from xiangyin.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "synth"
DEFAULT = Path(__file__).resolve().parents[1] / "models" / "default"
CONTRACT = {"n", "cer", "wer", "mer", "dialect_id_acc", "rtf", "first_partial_ms_p50", "final_ms_p95"}


class Fixed:
    """Hears 我在等 boss in every utterance: a transcriber with known answers."""

    def __init__(self) -> None:
        self.hints: list[tuple[str, ...]] = []

    def transcribe(self, audio: Samples, sample_rate: int, dialects: tuple[str, ...]) -> Transcription:
        self.hints.append(dialects)
        words = tuple(Word(t, 0.0, 0.1, 0.9, d) for t, d in (("我", "cmn"), ("在等", "cmn"), ("boss", "en")))
        return Transcription("我在等 boss", words, "cmn", 0.01 * len(audio) / sample_rate, None, None)

    def describe(self) -> dict[str, object]:
        return {"mode": "offline", "model": "fixed"}


def test_results_contract_and_reports(tmp_path: Path) -> None:
    chosen = ("s11-0000002", "s11-0000004", "s11-0000005", "s11-0000008")
    rows = [r for r in read_corpus(FIXTURES) if r.id in chosen]
    fixed = Fixed()
    report = run_eval(rows, fixed, EvalOptions(dialect_hints=True), tmp_path, ["fixtures"], progress=False)
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(report))
    assert set(saved["per_dialect"]) == {"cmn", "yue", "cmn-x-sichuan"}
    for block in [saved["overall"], *saved["per_dialect"].values()]:
        assert set(block) >= CONTRACT
        assert block["first_partial_ms_p50"] is None and block["final_ms_p95"] is None  # offline
        assert block["rtf"] == pytest.approx(0.01)
    exact = saved["per_mix"]["cmn+en"]  # its one reference is 我在等 boss itself
    assert (exact["n"], exact["cer"], exact["wer"], exact["mer"], exact["dialect_id_acc"]) == (1, 0, 0, 0, 1)
    assert exact["word_dialect_acc"] == 1.0
    assert saved["per_dialect"]["cmn"]["n"] == 2
    assert saved["per_dialect"]["yue"]["dialect_id_acc"] == 0.0
    assert set(saved["per_mix"]) == {"cmn+en", "cmn+yue"}
    assert set(saved["per_label_kind"]) == {"synthetic", "synthetic-approx"}
    assert {"per_variety", "per_channel", "run"} <= set(saved)
    assert fixed.hints == [("yue",), ("cmn", "en"), ("cmn-x-sichuan",), ("cmn", "yue")]

    lines = [json.loads(x) for x in (tmp_path / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [u["id"] for u in lines] == [r.id for r in rows]
    first = next(u for u in lines if u["id"] == "s11-0000004")
    assert first["reference"] == first["hypothesis"] == "我在等 boss"
    assert [w["dialect"] for w in first["words"]] == ["cmn", "cmn", "en"]
    assert first["errors"]["mixed"] == {"ref": 4, "sub": 0, "del": 0, "ins": 0}

    assert "| cmn-x-sichuan |" in (tmp_path / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 1  # CER per dialect; no latencies offline


def test_split_and_limit() -> None:
    rows = read_corpus(FIXTURES)
    assert {r.split for r in select(rows, EvalOptions(split="test"))} == {"test"}
    assert len(select(rows, EvalOptions(split="test"))) == 2
    assert len(select(rows, EvalOptions(limit=5))) == 5


def test_online_mode_says_when_the_server_cannot_be_reached(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["eval", str(FIXTURES), "--server", "127.0.0.1:1", "--out", str(tmp_path), "--limit", "1"]
    assert main(args) == 1
    assert "127.0.0.1:1: UNAVAILABLE" in capsys.readouterr().err


@pytest.mark.skipif(not (DEFAULT / "config.json").exists(), reason="no default model shipped")
def test_the_default_model_end_to_end(built: list[str], tmp_path: Path) -> None:
    out = tmp_path / "eval"
    args = ["eval", str(FIXTURES), "--model", str(DEFAULT), "--out", str(out), "--split", "test", "--json"]
    assert main(args) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    overall = results["overall"]
    assert overall["n"] == 2 and overall["cer"] >= 0.0 and overall["rtf"] > 0
    assert results["run"]["mode"] == "offline" and results["run"]["split"] == "test"
    assert len((out / "utterances.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert (out / "report.md").exists()
    assert "data:image/png;base64," in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not (DEFAULT / "config.json").exists(), reason="no default model shipped")
def test_greedy_units_are_the_model_s_offline_best_path(built: list[str], tmp_path: Path) -> None:
    """eval's greedy units come through the streaming front; the training recipe's come from
    one offline pass: in fp32 they are the same units, and UER counts their edits."""
    import torch
    import torchaudio.functional as AF

    from asr.model import load_model
    from asr.train.data import load_examples
    from asr.train.loop import collate, features_of

    out = tmp_path / "eval"
    assert main(["eval", str(FIXTURES), "--model", str(DEFAULT), "--out", str(out), "--split", "test",
                 "--fp32", "--json"]) == 0
    utterances = {u["id"]: u for u in map(json.loads, (out / "utterances.jsonl").read_text().splitlines())}
    model = load_model(DEFAULT)
    errors = total = 0
    for example in load_examples([FIXTURES], model.config.units, model.config.dialects):
        if example.split != "test":
            continue
        batch, lengths = collate([features_of(example, model, None, [])], model.config)
        with torch.no_grad():
            units, _, frames = model(batch, lengths)
        best = units[0, : int(frames[0])].argmax(-1).tolist()
        greedy = [model.config.units[u] for i, u in enumerate(best) if u and (i == 0 or best[i - 1] != u)]
        assert utterances[example.id]["greedy_units"].split() == greedy
        errors += AF.edit_distance([model.config.units[u] for u in example.targets.tolist()], greedy)
        total += len(example.targets)
    overall = json.loads((out / "results.json").read_text())["overall"]
    assert (overall["units"], overall["unit_errors"]) == (total, errors)


def test_latency_cdf_only_when_latencies_exist() -> None:
    offline = [Timing(2.0, 0.1, None, None)] * 3
    online = [Timing(2.0, 0.1, 150.0 + i, 60.0 + 2 * i) for i in range(20)]
    assert latency_cdf(offline) is None
    image = latency_cdf(online)
    assert image is not None and base64.b64decode(image)[:4] == b"\x89PNG"


def test_the_cer_plot_of_a_single_dialect_draws_without_warnings() -> None:
    report = {"per_dialect": {"cmn": {"cer": 0.2, "cer_ci": [0.15, 0.25], "n": 3}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = cer_plot(report)
    assert png is not None and base64.b64decode(png).startswith(b"\x89PNG")
