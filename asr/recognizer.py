"""Recognizer / Stream / Result: the engine's whole public face (DESIGN §1).

One Recognizer per process holds the model and the decoder's lexicon; each call gets a
cheap Stream: audio in at its own rate, chunk by chunk → 16 kHz → streaming fbank →
streaming encoder → incremental decoder → partial Results, and a final one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from asr.audio import Samples, StreamingResampler
from asr.decode_result import Alternative, DecodeResult, DecoderOptions
from asr.decoder import UnitDecoder, load_decoder
from asr.features import StreamingFbank
from asr.lexicon import built_varieties
from asr.lm import LM_DIR
from asr.model import FRAME_MS, AcousticModel, ModelStream, load_model
from asr.search_stream import SearchStream


@dataclass(frozen=True)
class Result:
    is_final: bool
    alternatives: tuple[Alternative, ...]
    stability: float  # 0..1: share of the partial's words unchanged over recent chunks
    dialect: str  # duration-weighted dialect of the best alternative
    end_s: float  # audio decoded so far, seconds from the stream's start

    @property
    def transcript(self) -> str:
        return self.alternatives[0].transcript if self.alternatives else ""


class Recognizer:
    def __init__(self, model: AcousticModel, decoder: UnitDecoder) -> None:
        self.model = model
        self.decoder = decoder

    @classmethod
    def load(
        cls,
        model_dir: Path,
        varieties: list[str] | None = None,
        lm_path: Path | None = LM_DIR / "mixed.bin",
    ) -> Recognizer:
        """A model directory, the built lexicons of `varieties` (default: every built one)
        and a KenLM binary (None: no LM)."""
        model = load_model(model_dir)
        return cls(model, load_decoder(varieties or built_varieties(), lm_path, model.config.units))

    def stream(self, sample_rate: int = 16_000, options: DecoderOptions | None = None) -> Stream:
        return Stream(self, sample_rate, options or DecoderOptions(frame_shift_s=FRAME_MS / 1000))


class Stream:
    def __init__(self, recognizer: Recognizer, sample_rate: int, options: DecoderOptions) -> None:
        self.recognizer = recognizer
        self.resampler = StreamingResampler(sample_rate)
        self.features = StreamingFbank()
        self.encoder: ModelStream = recognizer.model.stream()
        self.search: SearchStream = recognizer.decoder.stream(options)
        self.frames = 0

    def accept(self, samples: Samples) -> Result:
        """Float32 mono samples at the stream's rate → the best hypothesis so far."""
        audio = torch.from_numpy(self.resampler.accept(samples))
        cmvn = self.recognizer.model.cmvn
        units, _ = self.encoder.accept(cmvn.apply(self.features.accept(audio)))
        return self._result(self.search.accept(units.numpy()), final=False)

    def finish(self) -> Result:
        """End of audio: flush every stage and return the final result."""
        tail = torch.from_numpy(self.resampler.accept(np.zeros(0, dtype=np.float32), last=True))
        cmvn = self.recognizer.model.cmvn
        units, _ = self.encoder.accept(cmvn.apply(self.features.accept(tail)))
        self.search.accept(units.numpy())
        last, _ = self.encoder.finish()
        self.search.accept(last.numpy())
        return self._result(self.search.finish(), final=True)

    def _result(self, decoded: DecodeResult, final: bool) -> Result:
        seconds = decoded.frames * FRAME_MS / 1000
        return Result(final, decoded.alternatives, decoded.stability, decoded.dialect, seconds)
