"""Eval manifests and the corpus layouts real data comes in: synth manifests as they
are, Kaldi folders as KeSpeech ships them, Common Voice TSVs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from eval.manifest import EvalRow, WordRef, read_rows, write_rows
from eval.readers import load_audio, read_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "synth"


def test_synth_manifests_are_read_as_they_are() -> None:
    rows = read_corpus(FIXTURES)
    assert len(rows) == 30 and all(r.audio_path.exists() for r in rows)
    by_id = {r.id: r for r in rows}
    sichuan = next(r for r in rows if r.words and {w.dialect for w in r.words} == {"cmn-x-sichuan"})
    assert (sichuan.dialect, sichuan.variety, sichuan.mix, sichuan.label_kind) == (
        "cmn-x-sichuan", "cmn-x-sichuan", "", "synthetic-approx")
    switched = by_id["s11-0000004"]  # 我在等 boss
    assert (switched.dialect, switched.mix) == ("cmn", "cmn+en")
    assert switched.channel.startswith("app-16k") and switched.split == "train"


def test_rows_round_trip(tmp_path: Path) -> None:
    row = EvalRow("u1", "a/u1.wav", "你好 hello", "cmn", "cmn", 1.5, "mine", "human",
                  words=(WordRef("你好", "cmn"), WordRef("hello", "en")), voice="spk1")
    write_rows(tmp_path / "m.jsonl", [row])
    data = json.loads((tmp_path / "m.jsonl").read_text(encoding="utf-8"))
    assert "base" not in data and "channel" not in data  # empty optional keys are left out
    back = read_rows(tmp_path / "m.jsonl")[0]
    assert back == EvalRow(**{**vars(row), "base": str(tmp_path)})
    assert back.audio_path == tmp_path / "a" / "u1.wav"
    assert back.mix == "cmn+en"


def _wav(path: Path, rate: int, channels: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = 0.1 * np.sin(np.arange(rate // 2) / rate * 2 * np.pi * 440).astype(np.float32)
    sf.write(path, np.stack([tone] * channels, axis=1), rate)


def test_kaldi_layout_as_kespeech_ships_it(tmp_path: Path) -> None:
    root = tmp_path / "KeSpeech"
    _wav(root / "Audio" / "1" / "a.wav", 16000)
    _wav(root / "Audio" / "1" / "b.wav", 16000)
    task = root / "Tasks" / "ASR" / "test"
    task.mkdir(parents=True)
    (task / "wav.scp").write_text("a Audio/1/a.wav\nb Audio/1/b.wav\nc Audio/1/c.wav\n", encoding="utf-8")
    (task / "text").write_text("a 我 想 问 一下\nb 今天天气很好\n", encoding="utf-8")
    (task / "utt2subdialect").write_text("a Southwestern\nb Mandarin\n", encoding="utf-8")
    rows = read_corpus(task)
    assert [(r.id, r.dialect, r.label_kind) for r in rows] == [
        ("a", "cmn-x-southwestern", "human"), ("b", "cmn", "human")]  # c has no transcript
    assert rows[0].audio_path == (root / "Audio" / "1" / "a.wav").resolve()
    assert rows[0].text == "我 想 问 一下"


def test_common_voice_tsv(tmp_path: Path) -> None:
    locale = tmp_path / "cv-corpus" / "zh-HK"
    (locale / "clips").mkdir(parents=True)
    sf.write(locale / "clips" / "x1.mp3", np.full((4800, 2), 0.1, np.float32), 48000, format="MP3")
    (locale / "test.tsv").write_text(
        "client_id\tpath\tsentence\tup_votes\tlocale\nabc\tx1.mp3\t我哋去飲茶\t2\tzh-HK\n", encoding="utf-8")
    (row,) = read_corpus(locale)
    assert (row.id, row.dialect, row.source, row.voice) == ("x1", "yue", "common-voice:zh-HK", "abc")
    audio, rate = load_audio(row.audio_path)
    assert rate == 48000 and audio.ndim == 1 and audio.dtype == np.float32


def test_audio_is_mixed_to_mono_and_odd_rates_resampled(tmp_path: Path) -> None:
    _wav(tmp_path / "stereo.wav", 8000, channels=2)
    audio, rate = load_audio(tmp_path / "stereo.wav")
    assert (rate, audio.shape) == (8000, (4000,))
    _wav(tmp_path / "fast.wav", 96000)
    audio, rate = load_audio(tmp_path / "fast.wav")
    assert rate == 16000 and abs(len(audio) - 8000) <= 2
