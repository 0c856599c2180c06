"""The shipped default model: small, documented, loadable, streaming, and measurably
better than nothing on fixture utterances it never trained on (unseen voice and sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
import torch
import torchaudio.functional as AF

from asr.audio import StreamingResampler
from asr.features import fbank
from asr.model import load_model, pad_to_segments
from asr.synth.manifest import read_manifest

DEFAULT = Path(__file__).resolve().parents[1] / "models" / "default"
FIXTURES = Path(__file__).parent / "fixtures" / "synth"

pytestmark = pytest.mark.skipif(not (DEFAULT / "config.json").exists(), reason="no default model shipped")


def test_default_model_is_small_and_documented() -> None:
    size = sum(p.stat().st_size for p in DEFAULT.iterdir())
    assert size <= 25_000_000
    assert {"config.json", "model.safetensors", "units.txt", "cmvn.json", "README.md"} <= {
        p.name for p in DEFAULT.iterdir()
    }
    assert load_model(DEFAULT).parameters_count <= 10_000_000


def test_default_model_beats_chance_on_unseen_fixtures() -> None:
    model = load_model(DEFAULT)
    index = {u: i for i, u in enumerate(model.config.units)}
    errors = total = 0
    for row in read_manifest(FIXTURES / "manifest.jsonl"):
        if row.split != "test":
            continue
        audio, rate = sf.read(FIXTURES / row.audio, dtype="float32")
        wave = torch.from_numpy(StreamingResampler(rate).accept(audio, last=True))  # as the service does
        features = pad_to_segments(model.cmvn.apply(fbank(wave, model.config.features)), model.config)
        with torch.no_grad():
            units, _, frames = model(features.unsqueeze(0), torch.tensor([len(features)]))
        best = units[0, : int(frames[0])].argmax(-1).tolist()
        hypothesis = [u for i, u in enumerate(best) if u and (i == 0 or best[i - 1] != u)]
        reference = [index[u] for w in row.words for u in w.units]
        errors += AF.edit_distance(reference, hypothesis)
        total += len(reference)
    assert total > 0
    assert errors / total < 0.95  # the model card reports the measured figure
