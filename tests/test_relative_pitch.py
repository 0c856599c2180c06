"""Relative pitch: the same tones from a high and a low voice look alike, and blocks
carried over give what one pass gives."""

from __future__ import annotations

import torch

from asr.features import Cmvn, FbankOptions, fbank
from asr.relative_pitch import RelativePitch

OPTIONS = FbankOptions(pitch=True)
BLOCK = 16


def tones(base_hz: float, seconds: float = 4.0) -> torch.Tensor:
    """Syllables of 200 ms, alternately level at the base and a fifth above it, with gaps."""
    t = torch.arange(int(16000 * seconds)) / 16000
    syllable = (t / 0.25).floor()
    hz = base_hz * torch.where(syllable % 2 == 0, 1.0, 1.5)
    phase = 2 * torch.pi * torch.cumsum(hz, 0) / 16000
    voiced = (t % 0.25) < 0.2
    torch.manual_seed(int(base_hz))
    return 0.2 * torch.sin(phase) * voiced + 0.005 * torch.randn(len(t))


def normalised(audios: list[torch.Tensor]) -> tuple[list[torch.Tensor], Cmvn]:
    raw = [fbank(a, OPTIONS) for a in audios]
    cmvn = Cmvn.estimate(raw)
    return [cmvn.apply(f)[: len(f) - len(f) % BLOCK] for f in raw], cmvn


def relative_column(module: RelativePitch, features: torch.Tensor) -> torch.Tensor:
    out, _ = module(features.unsqueeze(0), torch.zeros(1, 2))
    assert out.shape == (1, len(features), features.shape[1] + 1)
    assert torch.equal(out[0, :, :-1], features)
    return out[0, :, -1]


def test_a_high_and_a_low_voice_give_alike_relative_pitch() -> None:
    (low, high), cmvn = normalised([tones(110.0), tones(220.0)])
    module = RelativePitch(80, cmvn.mean[80], cmvn.std[80], BLOCK)
    late = slice(200, None)  # after two seconds of voicing have outweighed the prior
    raw_gap = (high[late, 81] - low[late, 81]).abs().mean()
    relative_gap = (relative_column(module, high)[late] - relative_column(module, low)[late]).abs().mean()
    assert raw_gap > 1.0  # an octave apart in the raw column (CMVN units)
    assert relative_gap < 0.3 * raw_gap
    voiced = high[:, 80] * cmvn.std[80] + cmvn.mean[80] > 0.9
    rel = relative_column(module, high)
    assert (rel[~(high[:, 80] * cmvn.std[80] + cmvn.mean[80] > 0.5)] == 0).all()  # unvoiced: nothing
    upper = high[:, 81] > high[voiced, 81].median()  # the fifth above: above the voice's mean
    assert rel[voiced & upper][10:].mean() > 0 > rel[voiced & ~upper][10:].mean()


def test_blocks_with_carried_sums_equal_one_pass() -> None:
    (features,), cmvn = normalised([tones(150.0)])
    module = RelativePitch(80, cmvn.mean[80], cmvn.std[80], BLOCK)
    whole, whole_sums = module(features.unsqueeze(0), torch.zeros(1, 2))
    sums, pieces = torch.zeros(1, 2), []
    for start in range(0, len(features), BLOCK):
        piece, sums = module(features[start : start + BLOCK].unsqueeze(0), sums)
        pieces.append(piece)
    assert torch.equal(torch.cat(pieces, dim=1), whole)
    assert torch.equal(sums, whole_sums)
