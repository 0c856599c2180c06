"""Streaming log-mel filterbank features (torchaudio's Kaldi-compatible fbank), with
optional pitch columns (`asr.pitch`), and CMVN.

A frame depends only on its own 25 ms window, so features computed chunk by chunk, with
the unused tail of each chunk carried over, equal features computed on the whole audio.
Streaming computes them in blocks of a fixed number of frames: the float sums then run
in the same order however the audio was chunked, and the same audio gives the same bits
(numbers computed in differently sized batches differ in the last bits, which the
int8 encoder and the beam search can turn into another word).
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torchaudio.compliance import kaldi

from asr.pitch import PITCH_DIMS, pitch

SAMPLE_RATE = 16_000
LOW_FREQ_HZ = 20.0
EPSILON = torch.tensor(torch.finfo(torch.float32).eps)


@dataclass(frozen=True)
class FbankOptions:
    num_mel_bins: int = 80
    frame_length_ms: float = 25.0
    frame_shift_ms: float = 10.0
    pitch: bool = False  # two more columns: voicing and log F0 of the same frames

    @property
    def dims(self) -> int:
        return self.num_mel_bins + (PITCH_DIMS if self.pitch else 0)

    @property
    def window(self) -> int:
        return int(SAMPLE_RATE * self.frame_length_ms / 1000)

    @property
    def shift(self) -> int:
        return int(SAMPLE_RATE * self.frame_shift_ms / 1000)


@functools.cache
def _fbank_constants(options: FbankOptions) -> tuple[int, torch.Tensor, torch.Tensor]:
    """The FFT size, Povey window and mel filterbank of `options`, made once: Kaldi's
    fbank rebuilds the filterbank on every call, most of the cost of a 100 ms chunk."""
    padded = 1 << math.ceil(math.log2(options.window))
    window = torch.hann_window(options.window, periodic=False, dtype=torch.float32).pow(0.85).unsqueeze(0)
    mel, _ = kaldi.get_mel_banks(options.num_mel_bins, padded, float(SAMPLE_RATE), LOW_FREQ_HZ, 0.0,
                                 100.0, -500.0, 1.0)  # no VTLN
    return padded, window, F.pad(mel.to(dtype=torch.float32), (0, 1), mode="constant", value=0)


def _log_mel(audio: torch.Tensor, window: torch.Tensor, mel: torch.Tensor, size: int, shift: int,
             padded: int, epsilon: torch.Tensor) -> torch.Tensor:
    wave = audio.float() * 32768.0  # Kaldi's scale: 16-bit sample values
    frames = 1 + (wave.size(0) - size) // shift
    x = wave.as_strided([frames, size], [shift, 1])
    x = x - torch.mean(x, dim=1).unsqueeze(1)
    previous = F.pad(x.unsqueeze(0), [1, 0], mode="replicate").squeeze(0)
    x = (x - 0.97 * previous[:, :-1]) * window  # pre-emphasis, Povey window
    x = F.pad(x.unsqueeze(0), [0, padded - size], mode="constant", value=0.0).squeeze(0)
    power = torch.fft.rfft(x).abs().pow(2.0)
    return torch.max(torch.mm(power, mel.t()), epsilon).log()


@functools.cache
def _compiled_log_mel() -> Any:
    """`_log_mel` in TorchScript: one call that runs without Python's GIL, where a dozen
    small eager ops each gave it up and waited to take it back (two threads of eager
    fbank did 0.79x the work of one; compiled, 1.6x)."""
    with warnings.catch_warnings():  # deprecated in favour of torch.compile (a compiler, minutes)
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.script(_log_mel)


def fbank(audio: torch.Tensor, options: FbankOptions = FbankOptions()) -> torch.Tensor:
    """(samples,) float audio at 16 kHz in [-1, 1] → (frames, mels) log-mel features,
    then the pitch columns if `options.pitch`.

    The same computation as torchaudio's `kaldi.fbank` with dither 0, energy floor 0,
    snip_edges, pre-emphasis 0.97, DC removal, Povey window and power spectrum (the
    results are bit-identical; `tests/test_features.py` checks), with its constants
    cached and compiled."""
    if len(audio) < options.window:
        return torch.zeros(0, options.dims)
    padded, window, mel = _fbank_constants(options)
    features: torch.Tensor = _compiled_log_mel()(audio, window, mel, options.window, options.shift, padded,
                                                 EPSILON)
    if not options.pitch:
        return features
    frames = audio.float().as_strided([len(features), options.window], [options.shift, 1])
    return torch.cat([features, pitch(frames, SAMPLE_RATE)], dim=1)


class StreamingFbank:
    """Feed audio chunks of any size; get the frames of every complete block of `block`
    frames, and from `finish` the rest."""

    def __init__(self, options: FbankOptions = FbankOptions(), block: int = 16) -> None:
        self.options = options
        self.block = block
        self.pending = torch.zeros(0)

    def accept(self, audio: torch.Tensor) -> torch.Tensor:
        self.pending = torch.cat([self.pending, audio.float()])
        needed = (self.block - 1) * self.options.shift + self.options.window
        blocks = []
        while len(self.pending) >= needed:
            blocks.append(fbank(self.pending[:needed], self.options))
            self.pending = self.pending[self.block * self.options.shift :]
        if not blocks:
            return torch.zeros(0, self.options.dims)
        return blocks[0] if len(blocks) == 1 else torch.cat(blocks)

    def finish(self) -> torch.Tensor:
        """End of audio: the frames of the last, incomplete block."""
        features = fbank(self.pending, self.options)
        self.pending = torch.zeros(0)
        return features


@dataclass(frozen=True)
class Cmvn:
    """Global mean and standard deviation per mel bin, from the training data."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    def apply(self, features: torch.Tensor) -> torch.Tensor:
        mean, std = self.tensors
        return (features - mean) / std

    @functools.cached_property
    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """mean and std as tensors, made once rather than per chunk."""
        return torch.tensor(self.mean), torch.tensor(self.std)

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
