"""Frame-level pitch features for tonal dialects: how periodic a frame is and its log F0.

Tone was the model's main error (most substitutions were one tone for another); log-mel
bins hold F0 only implicitly, in the spacing of harmonics. Kaldi's recipes for Mandarin
and Cantonese add pitch for the same reason. These features use the fbank frames exactly (the
same 25 ms window and 10 ms shift) and nothing outside them, so they stream like fbank:
chunk by chunk equals the whole audio. The estimate is the normalised cross-correlation
(NCCF) of each frame with itself shifted by every lag from 2.5 ms (400 Hz) to 18.2 ms
(55 Hz); the period is the shortest lag whose NCCF peak comes within 3 % of the best
one, which avoids picking twice the period (an octave too low). The floor was 70 Hz until
it showed that deep voices' low Cantonese tones (21, 22, 13 at 60–70 Hz) lost their pitch.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import torch

PITCH_DIMS = 2  # NCCF at the period (voicing, in [-1, 1]) and log F0 in Hz
MIN_F0_HZ = 55.0
MAX_F0_HZ = 400.0
PEAK_FRACTION = 0.97


@functools.cache
def _lags(window: int, sample_rate: int) -> tuple[int, int, int]:
    """The shortest and longest lag in samples, and the FFT size that makes circular
    correlation linear."""
    shortest = int(sample_rate / MAX_F0_HZ)
    longest = min(int(sample_rate / MIN_F0_HZ), window // 2 + window // 4)
    return shortest, longest, 1 << (2 * window - 1).bit_length()


def _nccf_pitch(frames: torch.Tensor, shortest: int, longest: int, size: int, sample_rate: int,
                peak_fraction: float) -> torch.Tensor:
    window = frames.shape[1]
    x = frames - frames.mean(dim=1, keepdim=True)
    spectrum = torch.fft.rfft(x, n=size)
    correlation = torch.fft.irfft(spectrum.real.pow(2) + spectrum.imag.pow(2), n=size)[:, : longest + 2]
    energy = torch.nn.functional.pad(x.pow(2).cumsum(dim=1), [1, 0])  # energy[:, k]: samples before k
    lags = torch.arange(shortest - 1, longest + 2)
    head = energy[:, window - lags]  # energy of x[0 : window - lag]
    tail = energy[:, window : window + 1] - energy[:, lags]  # energy of x[lag : window]
    nccf = correlation[:, lags] / torch.sqrt(head * tail + 1e-6)
    inner = nccf[:, 1:-1]
    best = inner.max(dim=1, keepdim=True).values
    peaks = (inner >= nccf[:, :-2]) & (inner >= nccf[:, 2:]) & (inner >= peak_fraction * best)
    first = peaks.int().argmax(dim=1)  # the first (shortest-lag) qualifying peak
    period = (shortest + first).float()
    voicing = inner.gather(1, first.unsqueeze(1)).squeeze(1)
    return torch.stack([voicing, torch.log(sample_rate / period)], dim=1)


@functools.cache
def _compiled() -> Any:
    """In TorchScript, as `asr.features` compiles fbank: one call that runs without the GIL."""
    with warnings.catch_warnings():  # deprecated in favour of torch.compile (a compiler, minutes)
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.script(_nccf_pitch)


def pitch(frames: torch.Tensor, sample_rate: int) -> torch.Tensor:
    """(frames, window) samples → (frames, 2): NCCF at the chosen period and log F0."""
    shortest, longest, size = _lags(frames.shape[1], sample_rate)
    features: torch.Tensor = _compiled()(frames, shortest, longest, size, sample_rate, PEAK_FRACTION)
    return features
