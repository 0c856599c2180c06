"""Streaming log-mel filterbank features (torchaudio's Kaldi-compatible fbank) and CMVN.

A frame depends only on its own 25 ms window, so features computed chunk by chunk, with
the unused tail of each chunk carried over, equal features computed on the whole audio.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torchaudio.compliance import kaldi

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class FbankOptions:
    num_mel_bins: int = 80
    frame_length_ms: float = 25.0
    frame_shift_ms: float = 10.0

    @property
    def window(self) -> int:
        return int(SAMPLE_RATE * self.frame_length_ms / 1000)

    @property
    def shift(self) -> int:
        return int(SAMPLE_RATE * self.frame_shift_ms / 1000)


def fbank(audio: torch.Tensor, options: FbankOptions = FbankOptions()) -> torch.Tensor:
    """(samples,) float audio at 16 kHz in [-1, 1] → (frames, mels) log-mel features."""
    if len(audio) < options.window:
        return torch.zeros(0, options.num_mel_bins)
    features: torch.Tensor = kaldi.fbank(
        audio.unsqueeze(0) * 32768,  # Kaldi's scale: 16-bit sample values
        num_mel_bins=options.num_mel_bins,
        frame_length=options.frame_length_ms,
        frame_shift=options.frame_shift_ms,
        dither=0.0,
        energy_floor=0.0,
        sample_frequency=SAMPLE_RATE,
        snip_edges=True,
    )
    return features


class StreamingFbank:
    """Feed audio chunks of any size; get every frame whose window is complete."""

    def __init__(self, options: FbankOptions = FbankOptions()) -> None:
        self.options = options
        self.pending = torch.zeros(0)

    def accept(self, audio: torch.Tensor) -> torch.Tensor:
        self.pending = torch.cat([self.pending, audio.float()])
        if len(self.pending) < self.options.window:
            return torch.zeros(0, self.options.num_mel_bins)
        frames = (len(self.pending) - self.options.window) // self.options.shift + 1
        used = (frames - 1) * self.options.shift + self.options.window
        features = fbank(self.pending[:used], self.options)
        self.pending = self.pending[frames * self.options.shift :]
        return features


@dataclass(frozen=True)
class Cmvn:
    """Global mean and standard deviation per mel bin, from the training data."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    def apply(self, features: torch.Tensor) -> torch.Tensor:
        return (features - torch.tensor(self.mean)) / torch.tensor(self.std)

    @staticmethod
    def estimate(feature_sets: list[torch.Tensor]) -> Cmvn:
        stacked = torch.cat(feature_sets)
        return Cmvn(tuple(stacked.mean(0).tolist()), tuple(stacked.std(0).clamp_min(1e-3).tolist()))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> Cmvn:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Cmvn(tuple(data["mean"]), tuple(data["std"]))
