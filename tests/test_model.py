"""The streaming acoustic model: size, streaming equals offline, and its model directory."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from asr.ctc_path import collapsed
from asr.features import Cmvn, FbankOptions, StreamingFbank, fbank
from asr.model import (
    AcousticModel,
    ModelConfig,
    load_model,
    pad_to_segments,
    save_model,
    widened,
    with_int8_linears,
)

UNITS = ("<blk>", *(f"u{i}" for i in range(150)))
CMVN = Cmvn(tuple([10.0] * 80), tuple([3.0] * 80))
PITCH_CMVN = Cmvn((*CMVN.mean, 0.5, 5.0), (*CMVN.std, 0.3, 0.4))  # voicing, log F0


def model(
    chunk_ms: int = 320, lookahead_ms: int = 160, layers: int = 10, local_frames: int = 0,
    relative_pitch: bool = False, ctc_slots: int = 1,
) -> AcousticModel:
    torch.manual_seed(0)
    config = ModelConfig(UNITS, ("cmn", "yue", "en"), chunk_ms=chunk_ms, lookahead_ms=lookahead_ms,
                         num_layers=layers, local_frames=local_frames, pitch=relative_pitch,
                         relative_pitch=relative_pitch, ctc_slots=ctc_slots)
    return AcousticModel(config, PITCH_CMVN if relative_pitch else CMVN).eval()


def offline(m: AcousticModel, audio: torch.Tensor) -> torch.Tensor:
    features = pad_to_segments(m.cmvn.apply(fbank(audio, m.config.features)), m.config)
    with torch.no_grad():
        units, _, _ = m(features.unsqueeze(0), torch.tensor([len(features)]))
    return units[0]


def streamed(m: AcousticModel, audio: torch.Tensor, seed: int) -> torch.Tensor:
    rng = random.Random(seed)
    features, stream, out = StreamingFbank(m.config.features, block=m.config.feature_block), m.stream(), []
    i = 0
    while i < len(audio):
        n = rng.randint(80, 9000)  # chunks of any size, as a network delivers them
        units, _ = stream.accept(m.cmvn.apply(features.accept(audio[i : i + n])))
        out.append(units)
        i += n
    units, _ = stream.accept(m.cmvn.apply(features.finish()))
    last, _ = stream.finish()
    return torch.cat([*out, units, last])


def test_model_is_small() -> None:
    assert model().parameters_count <= 10_000_000


def voiced_audio(samples: int, seed: int) -> torch.Tensor:
    """A gliding tone in noise: pitch features with voiced and unvoiced frames."""
    t = torch.arange(samples) / 16000
    torch.manual_seed(seed)
    return 0.1 * torch.sin(2 * torch.pi * (120 + 40 * t) * t) * (t % 1.0 < 0.6) + 0.02 * torch.randn(samples)


@pytest.mark.parametrize(("chunk_ms", "lookahead_ms", "local_frames", "relative", "slots"),
                         [(160, 0, 0, False, 1), (320, 160, 0, False, 1), (640, 640, 0, False, 1),
                          (320, 160, 6, False, 1), (160, 0, 9, False, 1), (320, 160, 8, True, 1),
                          (640, 320, 0, True, 1), (320, 160, 8, True, 2), (160, 40, 0, False, 4)])
def test_streaming_equals_offline(
    chunk_ms: int, lookahead_ms: int, local_frames: int, relative: bool, slots: int
) -> None:
    m = model(chunk_ms, lookahead_ms, layers=4, local_frames=local_frames, relative_pitch=relative,
              ctc_slots=slots)
    audio = voiced_audio(16000 * 3 + 1234, seed=1)
    full, incremental = offline(m, audio), streamed(m, audio, seed=chunk_ms)
    assert full.shape == incremental.shape
    assert (full - incremental).abs().max().item() <= 1e-4


def test_a_widened_model_starts_where_it_was_and_streams_like_offline() -> None:
    m = model(layers=2)
    t = torch.arange(16000 * 3 + 777) / 16000
    torch.manual_seed(4)
    audio = 0.1 * torch.sin(2 * torch.pi * (120 + 40 * t) * t) + 0.02 * torch.randn(len(t))
    config = replace(m.config, pitch=True, relative_pitch=True, local_frames=5, ffn_dim=2 * m.config.ffn_dim)
    wide = widened(m, config, Cmvn.estimate([fbank(audio, FbankOptions(pitch=True))])).eval()
    assert wide.config.input_dims == 83 and wide.local is not None and wide.relative is not None
    assert wide.parameters_count > m.parameters_count + 2 * 2 * m.config.d_model * m.config.ffn_dim
    assert (offline(m, audio) - offline(wide, audio)).abs().max().item() <= 1e-4
    with torch.no_grad():  # as after fine-tuning: pitch, local context and new units now count
        wide.subsample[0].weight[:, 80:] = torch.randn(wide.config.d_model, 3, 2)
        wide.local.conv.weight.normal_()
        for layer in wide.encoder.emformer_layers:
            layer.pos_ff[4].weight[:, m.config.ffn_dim:].normal_(std=0.05)
    full, incremental = offline(wide, audio), streamed(wide, audio, seed=7)
    assert (full - offline(m, audio)).abs().max().item() > 1e-2
    assert (full - incremental).abs().max().item() <= 1e-4
    with pytest.raises(ValueError, match="only pitch, relative pitch, local context, feed-forward width"):
        widened(m, replace(config, d_model=128), m.cmvn)
    with pytest.raises(ValueError, match="can grow, not shrink"):
        widened(wide, replace(config, ffn_dim=m.config.ffn_dim), m.cmvn)
    with pytest.raises(ValueError, match="keeps its pitch inputs"):
        widened(wide, m.config, m.cmvn)
    with pytest.raises(ValueError, match="keeps its pitch inputs"):
        widened(wide, replace(config, relative_pitch=False), m.cmvn)


def test_a_model_given_ctc_slots_keeps_its_greedy_units_and_learns_to_use_them() -> None:
    """Two CTC outputs per 40 ms frame start as copies of the one: CTC merges the repeats."""
    m = model(layers=2)
    audio = voiced_audio(16000 * 2 + 321, seed=3)
    grown = widened(m, replace(m.config, ctc_slots=2), m.cmvn).eval()
    assert grown.config.output_frame_ms == 20
    before, after = offline(m, audio), offline(grown, audio)
    assert after.shape == (2 * before.shape[0], before.shape[1])
    assert (after[0::2] - before).abs().max().item() <= 1e-5
    assert (after[1::2] - before).abs().max().item() <= 1e-5
    assert collapsed(after.argmax(-1).tolist()) == collapsed(before.argmax(-1).tolist())
    with torch.no_grad():  # as after fine-tuning: the second slot says something else
        grown.ctc.bias[len(UNITS):] += torch.randn(len(UNITS))
    full, incremental = offline(grown, audio), streamed(grown, audio, seed=5)
    assert (full[1::2] - after[1::2]).abs().max().item() > 1e-2
    assert (full - incremental).abs().max().item() <= 1e-4
    with pytest.raises(ValueError, match="CTC slots grow from one"):
        widened(AcousticModel(replace(m.config, ctc_slots=4), m.cmvn), replace(m.config, ctc_slots=2), m.cmvn)
    with pytest.raises(ValueError, match="ctc_slots must be one of"):
        replace(m.config, ctc_slots=3)


def test_a_model_grows_new_units_and_dialects_by_name_and_keeps_its_outputs() -> None:
    """A lexicon for a new dialect brings its units (Hakka's ɨ) and a dialect-head class."""
    m = model(layers=2)
    t = torch.arange(16000 * 2) / 16000
    audio = 0.1 * torch.sin(2 * torch.pi * (150 + 30 * t) * t)
    units = (UNITS[0], *sorted([*UNITS[1:], "a-new-unit"]))  # sorted in, not appended
    config = replace(m.config, units=units, dialects=("cmn", "en", "hak", "yue"))
    grown = widened(m, config, m.cmvn).eval()
    before, after = offline(m, audio), offline(grown, audio)
    new = units.index("a-new-unit")
    kept = [units.index(u) for u in UNITS]
    assert (before - after[:, kept]).abs().max().item() <= 1e-3
    assert after[:, new].exp().max().item() < 1e-3  # not chosen until training raises it
    dialect_rows = [config.dialects.index(d) for d in m.config.dialects]
    assert torch.equal(grown.dialect.weight[dialect_rows], m.dialect.weight)
    assert grown.dialect.bias[config.dialects.index("hak")] < m.dialect.bias.min()
    with pytest.raises(ValueError, match="keeps its units"):
        widened(m, replace(config, units=UNITS[:-1]), m.cmvn)
    with pytest.raises(ValueError, match="keeps its dialects"):
        widened(m, replace(config, dialects=("cmn", "hak")), m.cmvn)


@pytest.mark.parametrize("int8", [False, True])
def test_the_same_audio_gives_the_same_bits_however_it_is_chunked(int8: bool) -> None:
    """Batches of other sizes sum floats in another order; streaming works in blocks of one
    size, so a client's chunking cannot change a transcript (the int8 encoder would turn
    last-bit differences into visible ones)."""
    m = model(layers=2, local_frames=4)
    m = with_int8_linears(m) if int8 else m
    torch.manual_seed(3)
    audio = torch.randn(16000 * 3 + 555) * 0.1
    runs = [streamed(m, audio, seed) for seed in (1, 2, 3)]
    assert all(torch.equal(runs[0], other) for other in runs[1:])


def test_save_load_round_trip(tmp_path: Path) -> None:
    m = model(layers=2)
    save_model(m, tmp_path / "m")
    assert {p.name for p in (tmp_path / "m").iterdir()} >= {"config.json", "model.safetensors", "units.txt"}
    loaded = load_model(tmp_path / "m")
    audio = torch.randn(16000) * 0.1
    assert torch.allclose(offline(m, audio), offline(loaded, audio))
    assert loaded.config == m.config
    save_model(m, tmp_path / "half", half=True)
    size = (tmp_path / "half" / "model.safetensors").stat().st_size
    assert size < 0.6 * (tmp_path / "m" / "model.safetensors").stat().st_size
    assert (offline(m, audio) - offline(load_model(tmp_path / "half"), audio)).abs().max() < 0.05


def test_chunk_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="chunk_ms"):
        ModelConfig(UNITS, ("cmn",), chunk_ms=1000)
    with pytest.raises(ValueError, match="lookahead_ms"):
        ModelConfig(UNITS, ("cmn",), chunk_ms=320, lookahead_ms=480)


def test_streaming_features_equal_offline_features() -> None:
    torch.manual_seed(2)
    audio = torch.randn(16000 * 2) * 0.1
    stream = StreamingFbank()
    pieces = [stream.accept(audio[i : i + 777]) for i in range(0, len(audio), 777)]
    assert all(len(p) % stream.block == 0 for p in pieces)  # whole blocks until the end
    assert torch.allclose(torch.cat([*pieces, stream.finish()]), fbank(audio), atol=1e-4)
