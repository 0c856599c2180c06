"""The engine's public face end to end: audio at any rate → features → model → decoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asr.audio import AudioError
from asr.decoder import UnitDecoder
from asr.lexicon import Pronunciation
from asr.model import load_model
from asr.recognizer import Recognizer
from asr.synth.manifest import read_manifest
from asr.train.loop import TrainOptions, train

FIXTURES = Path(__file__).parent / "fixtures" / "synth"


@pytest.fixture(scope="module")
def recognizer(built: list[str], tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    out = tmp_path_factory.mktemp("model")
    train([FIXTURES], out, TrainOptions(epochs=1, batch_seconds=30, d_model=64, num_layers=2, ffn_dim=128))
    model = load_model(out)
    rows = list(read_manifest(FIXTURES / "manifest.jsonl"))
    entries = {Pronunciation(w.text, w.dialect, w.units, None, "fixture") for r in rows for w in r.words}
    return Recognizer(model, UnitDecoder(model.config.units, entries, None))


def audio_of(rate: int) -> np.ndarray:
    row = next(r for r in read_manifest(FIXTURES / "manifest.jsonl") if r.sample_rate == rate)
    audio, got = sf.read(FIXTURES / row.audio, dtype="float32")
    assert got == rate
    return audio


@pytest.mark.parametrize("rate", [8000, 16000])
def test_chunked_stream_equals_one_shot(recognizer: Recognizer, rate: int) -> None:
    audio = audio_of(rate)
    one = recognizer.stream(rate)
    one.accept(audio)
    expected = one.finish()
    stream = recognizer.stream(rate)
    rng = np.random.default_rng(0)
    partials, i = [], 0
    while i < len(audio):
        n = int(rng.integers(50, rate // 2))
        partials.append(stream.accept(audio[i : i + n]))
        i += n
    final = stream.finish()
    assert final.is_final and not any(p.is_final for p in partials)
    assert final.transcript == expected.transcript
    assert [p.end_s for p in partials] == sorted(p.end_s for p in partials)
    assert abs(final.end_s - len(audio) / rate) < 0.5  # padded to whole chunks
    assert all(0.0 <= p.stability <= 1.0 for p in partials)


def test_rates_outside_the_range_are_refused(recognizer: Recognizer) -> None:
    with pytest.raises(AudioError, match="outside"):
        recognizer.stream(4000)
