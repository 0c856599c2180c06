"""Recognizer / Stream / Result: the engine's whole public face (DESIGN §1).

One Recognizer per process holds the acoustic front (`asr.front`: our streaming model,
or a transformers CTC model over sliding windows) and the decoder; each call gets a
cheap Stream: audio in at its own rate, chunk by chunk → 16 kHz → acoustic front →
incremental decoder → partial Results, and a final one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from asr.audio import Samples, StreamingResampler
from asr.char_decoder import CharDecoder, character_lm
from asr.decode_result import Alternative, DecodeResult, DecoderOptions
from asr.decoder import UnitDecoder, load_decoder
from asr.front import AcousticFront, EmformerFront, ModelInfo, load_front
from asr.lexicon import built_varieties
from asr.lm import LM_DIR
from asr.model import AcousticModel
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
    def __init__(self, model: AcousticFront | AcousticModel, decoder: UnitDecoder | CharDecoder) -> None:
        """`model`: an acoustic front, or our model as it comes from training."""
        self.front = EmformerFront(model) if isinstance(model, AcousticModel) else model
        self.decoder = decoder

    @classmethod
    def load(
        cls,
        model_dir: Path,
        varieties: list[str] | None = None,
        lm_path: Path | None = LM_DIR / "mixed.bin",
        int8: bool = True,
    ) -> Recognizer:
        """A model directory (ours or a transformers CTC model), and for a unit vocabulary
        the built lexicons of `varieties` (default: every built one) and a word KenLM (None:
        no LM); a character vocabulary is decoded with the character twin of `lm_path`.
        `int8`: our model's Linear layers in int8 (see `asr.front.load_front`)."""
        front = load_front(model_dir, int8)
        if front.info.vocabulary == "characters":
            if lm_path is None:
                raise ValueError(f"{model_dir} has a character vocabulary: it needs a character LM")
            return cls(front, CharDecoder(front.tokens, 0, character_lm(lm_path)))
        return cls(front, load_decoder(varieties or built_varieties(), lm_path, front.tokens))

    @property
    def info(self) -> ModelInfo:
        """The model's description; a unit model without a dialect head reports the
        lexicons' varieties, since its dialect tags come from them."""
        info = self.front.info
        if not info.dialects and isinstance(self.decoder, UnitDecoder):
            return replace(info, dialects=tuple(sorted(self.decoder.dialects)))
        return info

    def stream(self, sample_rate: int = 16_000, options: DecoderOptions | None = None) -> Stream:
        """`options.frame_shift_s` is set from the model: word times depend on it."""
        shift = self.front.info.frame_shift_ms / 1000
        return Stream(self, sample_rate, replace(options or DecoderOptions(), frame_shift_s=shift))


class Stream:
    def __init__(self, recognizer: Recognizer, sample_rate: int, options: DecoderOptions) -> None:
        self.recognizer = recognizer
        self.resampler = StreamingResampler(sample_rate)
        self.front = recognizer.front.stream()
        self.search: SearchStream = recognizer.decoder.stream(options)
        self.frame_shift_s = options.frame_shift_s

    def accept(self, samples: Samples) -> Result:
        """Float32 mono samples at the stream's rate → the best hypothesis so far."""
        frames = self.front.accept(self.resampler.accept(samples))
        return self._result(self.search.accept(frames.units), final=False)

    def finish(self) -> Result:
        """End of audio: flush every stage and return the final result."""
        tail = self.resampler.accept(np.zeros(0, dtype=np.float32), last=True)
        self.search.accept(self.front.accept(tail).units)
        self.search.accept(self.front.finish().units)
        return self._result(self.search.finish(), final=True)

    def _result(self, decoded: DecodeResult, final: bool) -> Result:
        seconds = decoded.frames * self.frame_shift_s
        return Result(final, decoded.alternatives, decoded.stability, decoded.dialect, seconds)
