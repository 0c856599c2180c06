"""Pitch columns: the F0 of voiced frames, low voicing for noise, the fbank's frames
exactly, and the same values streamed as computed on the whole audio."""

from __future__ import annotations

import math

import pytest
import torch

from asr.features import SAMPLE_RATE, FbankOptions, StreamingFbank, fbank

WITH_PITCH = FbankOptions(pitch=True)


def voice(f0: torch.Tensor) -> torch.Tensor:
    """A buzzy vowel-like signal with 12 harmonics following the per-sample F0 contour."""
    phase = 2 * math.pi * torch.cumsum(f0, 0) / SAMPLE_RATE
    return 0.1 * sum(torch.sin(k * phase) / k for k in range(1, 13))  # type: ignore[return-value]


@pytest.mark.parametrize("f0", [58.0, 65.0, 80.0, 120.0, 200.0, 300.0])  # low tones of deep voices: 60 Hz
def test_a_steady_voice_gives_its_f0(f0: float) -> None:
    features = fbank(voice(torch.full((SAMPLE_RATE,), f0)), WITH_PITCH)
    assert features.shape[1] == 82
    estimated = torch.exp(features[:, 81])
    assert torch.all((estimated / f0 - 1).abs() < 0.03)
    assert torch.all(features[:, 80] > 0.95)


def test_noise_is_unvoiced() -> None:
    torch.manual_seed(0)
    voicing = fbank(torch.randn(SAMPLE_RATE) * 0.1, WITH_PITCH)[:, 80]
    assert voicing.median() < 0.5


def test_a_rising_tone_rises() -> None:
    features = fbank(voice(torch.linspace(100.0, 200.0, SAMPLE_RATE // 2)), WITH_PITCH)
    log_f0 = features[:, 81]
    assert log_f0[-5:].mean() - log_f0[:5].mean() == pytest.approx(math.log(2), abs=0.1)


def test_pitch_frames_are_the_fbank_frames_and_stream_alike() -> None:
    torch.manual_seed(1)
    contour = torch.cat([torch.linspace(90.0, 220.0, SAMPLE_RATE), torch.linspace(220.0, 150.0, SAMPLE_RATE)])
    audio = voice(contour) + 0.01 * torch.randn(len(contour))
    whole = fbank(audio, WITH_PITCH)
    assert torch.equal(whole[:, :80], fbank(audio))
    stream = StreamingFbank(WITH_PITCH)
    pieces = [stream.accept(audio[i : i + 1234]) for i in range(0, len(audio), 1234)]
    assert torch.allclose(torch.cat([*pieces, stream.finish()]), whole, atol=1e-4)
