"""The acoustic front: 16 kHz float audio in, CTC log-prob frames out (plus dialect
posteriors where the model has a dialect head).

A Stream sees only this interface, so the decoder and everything after it are the same
for our streaming Emformer (`EmformerFront`: fbank → CMVN → chunked encoder) and for a
transformers CTC model run over sliding windows (`asr.hf_model.HFFront`). `load_front`
tells the two kinds of model directory apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import torch

from asr.audio import Samples
from asr.decode_result import LogProbs
from asr.features import StreamingFbank
from asr.model import AcousticModel, ModelStream, load_model, with_int8_linears

ModelKind = Literal["xiangyin-emformer", "hf-ctc"]
HF_ARCHITECTURES = ("Wav2Vec2ForCTC", "HubertForCTC", "Data2VecAudioForCTC", "WavLMForCTC")
Vocabulary = Literal["units", "characters"]


@dataclass(frozen=True)
class ModelInfo:
    """What a loaded model is, in plain fields (the gRPC server's GetModelInfo); a field
    that does not apply to the kind is 0."""

    path: str
    kind: ModelKind
    architecture: str
    vocabulary: Vocabulary  # units: lexicon decoder; characters: lexicon-free decoder
    tokens: int  # size of the model's own output vocabulary
    dialects: tuple[str, ...]  # dialect head classes, or the lexicons' varieties
    chunk_ms: int  # streaming chunk (xiangyin-emformer)
    window_ms: int  # sliding window (hf-ctc)
    hop_ms: int  # sliding window step (hf-ctc)
    parameters: int
    frame_shift_ms: float


@dataclass(frozen=True)
class Frames:
    """New frames from a front: CTC log-probs (frames, tokens), natural log, column 0 the
    blank; dialect log-probs (frames, dialects), or None without a dialect head."""

    units: LogProbs
    dialects: LogProbs | None


class FrontStream(Protocol):
    def accept(self, audio: Samples) -> Frames:
        """16 kHz float32 mono samples → the frames they complete."""
        ...

    def finish(self) -> Frames:
        """End of audio: every frame still held back."""
        ...


class AcousticFront(Protocol):
    """One per process, shared read-only by every stream."""

    @property
    def info(self) -> ModelInfo: ...

    @property
    def tokens(self) -> tuple[str, ...]:
        """The decoder's tokens, one per log-prob column; tokens[0] is the blank."""
        ...

    def stream(self) -> FrontStream: ...


class EmformerFront:
    """Our streaming model: frames leave as soon as a chunk and its look-ahead are in."""

    def __init__(self, model: AcousticModel, path: Path | None = None, int8: bool = False) -> None:
        """`int8`: serve a copy with int8 Linear layers (`asr.model.with_int8_linears`)."""
        self.model = with_int8_linears(model) if int8 else model
        config = model.config
        self.info = ModelInfo(
            path=str(path or ""), kind="xiangyin-emformer", architecture="Emformer", vocabulary="units",
            tokens=len(config.units), dialects=config.dialects, chunk_ms=config.chunk_ms, window_ms=0,
            hop_ms=0, parameters=model.parameters_count, frame_shift_ms=config.output_frame_ms,
        )
        self.tokens = config.units

    def stream(self) -> EmformerFrontStream:
        return EmformerFrontStream(self.model)


class EmformerFrontStream:
    def __init__(self, model: AcousticModel) -> None:
        self.cmvn = model.cmvn
        self.features = StreamingFbank(model.config.features, block=model.config.feature_block)
        self.encoder: ModelStream = model.stream()

    def accept(self, audio: Samples) -> Frames:
        features = self.cmvn.apply(self.features.accept(torch.from_numpy(audio)))
        return _frames(*self.encoder.accept(features))

    def finish(self) -> Frames:
        units, dialects = self.encoder.accept(self.cmvn.apply(self.features.finish()))
        more_units, more_dialects = self.encoder.finish()
        return _frames(torch.cat([units, more_units]), torch.cat([dialects, more_dialects]))


def _frames(units: torch.Tensor, dialects: torch.Tensor) -> Frames:
    return Frames(units.numpy(), dialects.numpy())


def load_front(directory: Path, int8: bool = True) -> AcousticFront:
    """Our model directory (config.json with units, cmvn.json) or a transformers CTC model
    directory (config.json whose architectures name a supported CTC head). `int8`: our
    model serves with int8 Linear layers (`asr.model.with_int8_linears`); False: fp32."""
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        config = None
    if isinstance(config, dict) and "units" in config and (directory / "cmvn.json").exists():
        return EmformerFront(load_model(directory), directory, int8)
    if isinstance(config, dict) and set(config.get("architectures") or ()) & set(HF_ARCHITECTURES):
        from asr.hf_model import load_hf_front  # transformers takes seconds to import: only here

        return load_hf_front(directory)
    raise ValueError(
        f"{directory} is not a model directory: expected a xiangyin model (config.json with units, "
        f"cmvn.json) or a transformers CTC model (config.json with architectures one of "
        f"{', '.join(HF_ARCHITECTURES)})"
    )
