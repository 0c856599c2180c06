"""On-the-fly augmentation: speed perturbation and noise mixing on audio, SpecAugment
on features. Every call draws from the generator it is given, so runs are repeatable."""

from __future__ import annotations

import torch
import torchaudio.functional as AF
from torchaudio.transforms import FrequencyMasking, TimeMasking

from asr.features import SAMPLE_RATE

SPEEDS = (0.9, 1.0, 1.1)
_FREQ_MASK = FrequencyMasking(freq_mask_param=15)
TIME_MASK_FRAMES = 20


def speed_perturb(audio: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Kaldi-style speed perturbation: resample as if recorded at rate × factor."""
    factor = SPEEDS[int(torch.randint(len(SPEEDS), (1,), generator=generator))]
    if factor == 1.0:
        return audio
    resampled: torch.Tensor = AF.resample(audio, int(SAMPLE_RATE * factor), SAMPLE_RATE)
    return resampled


def mix_noise(audio: torch.Tensor, other: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Add another utterance (babble) or white noise at 10–30 dB SNR, half the time."""
    if float(torch.rand(1, generator=generator)) < 0.5:
        return audio
    snr_db = 10 + 20 * float(torch.rand(1, generator=generator))
    noise = other.repeat(len(audio) // max(1, len(other)) + 1)[: len(audio)] if len(other) else audio * 0
    if float(torch.rand(1, generator=generator)) < 0.5 or not len(other):
        noise = torch.randn(len(audio), generator=generator)
    power = audio.pow(2).mean().clamp_min(1e-10)
    scale = torch.sqrt(power / (noise.pow(2).mean().clamp_min(1e-10) * 10 ** (snr_db / 10)))
    return audio + scale * noise


def spec_augment(features: torch.Tensor, time_mask_frames: int = TIME_MASK_FRAMES) -> torch.Tensor:
    """(frames, mels) → two frequency masks and two time masks of up to `time_mask_frames`
    (shorter masks hide less than a syllable, which a small model can still fit)."""
    time_mask = TimeMasking(time_mask_param=time_mask_frames)
    x = features.T.unsqueeze(0)
    for mask in (_FREQ_MASK, _FREQ_MASK, time_mask, time_mask):
        x = mask(x)
    masked: torch.Tensor = x.squeeze(0).T
    return masked
