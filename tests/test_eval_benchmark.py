"""The fixed synthetic benchmark: a committed manifest whose audio regenerates exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval import benchmark
from eval.benchmark import BenchmarkMismatch, load_spec, materialise
from eval.manifest import read_rows


def test_the_committed_set_matches_its_spec() -> None:
    spec = load_spec("synthetic-v1")
    rows = read_rows(spec.folder / "manifest.jsonl")
    assert len(rows) == spec.utterances == len({r.id for r in rows})
    assert all(r.split == "test" and r.id.startswith(f"s{spec.seed}-") for r in rows)
    assert {r.dialect for r in rows} >= {"cmn", "yue", "en", "cmn-x-sichuan", "wuu-x-shanghai", "nan"}
    assert sum(1 for r in rows if r.mix) >= 30  # code-switched utterances
    assert (spec.folder / "manifest.jsonl").stat().st_size < 250_000


def test_audio_regenerates_into_the_cache(built: list[str], tmp_path: Path) -> None:
    rows = materialise("synthetic-v1", tmp_path, limit=2)
    assert len(rows) == 2 and all(r.audio_path.exists() for r in rows)
    assert rows[0].audio_path.is_relative_to(tmp_path / "synthetic-v1")
    stamp = rows[0].audio_path.stat().st_mtime_ns
    materialise("synthetic-v1", tmp_path, limit=2)  # present: nothing regenerated
    assert rows[0].audio_path.stat().st_mtime_ns == stamp


def test_a_changed_utterance_is_an_error(
    built: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = load_spec("synthetic-v1")
    folder = tmp_path / "sets" / "tampered"
    folder.mkdir(parents=True)
    shutil.copy(spec.folder / "benchmark.json", folder)
    first = json.loads((spec.folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    first["text"] += "了"
    (folder / "manifest.jsonl").write_text(json.dumps(first, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(benchmark, "BENCHMARKS_DIR", tmp_path / "sets")
    with pytest.raises(BenchmarkMismatch, match=first["id"]):
        materialise("tampered", tmp_path / "cache")
