"""The streaming acoustic model: fbank → ×4 convolutional subsampling → Emformer →
CTC over the shared units, plus a dialect head; and its model directory.

Subsampling uses non-overlapping kernels (stride = kernel), so a 40 ms output frame
depends only on its own four feature frames and chunks never need each other's
features. torchaudio's Emformer has no positional encoding: its attention sees the frames
of its context as a set, so a rising tone and a falling one differ only within one 40 ms
frame. A causal depthwise convolution over the last `local_frames` frames (added to them)
gives each frame its recent trajectory; streaming carries those frames over. The
Emformer attends within a chunk (`chunk_ms`), to cached left context and to
`lookahead_ms` of right context (at most one chunk). `forward` is the training path
over whole padded utterances; `stream()` is the serving path, chunk by chunk, and gives
the same log-probabilities.
"""

from __future__ import annotations

import copy
import json
import math
import threading
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import cast

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torchaudio.models import Emformer

from asr.features import Cmvn, FbankOptions
from asr.relative_pitch import RelativePitch

SUBSAMPLING = 4
FEATURE_SHIFT_MS = 10
FRAME_MS = SUBSAMPLING * FEATURE_SHIFT_MS  # one encoder frame: 40 ms
CTC_SLOTS = (1, 2, 4)  # CTC outputs per encoder frame
_SCRIPTING = threading.Lock()  # streams of one model share one compiled encoder


@dataclass(frozen=True)
class ModelConfig:
    units: tuple[str, ...]  # CTC outputs; units[0] is the blank
    dialects: tuple[str, ...]  # dialect-head classes
    num_mel_bins: int = 80
    pitch: bool = False  # features end with voicing and log F0 (asr.pitch)
    local_frames: int = 0  # causal depthwise convolution over this many 40 ms frames (0: none)
    relative_pitch: bool = False  # one more input: log F0 against the voice's mean (asr.relative_pitch)
    ctc_slots: int = 1  # CTC outputs per 40 ms frame: fast speech has more units than frames
    d_model: int = 256
    num_heads: int = 4
    ffn_dim: int = 1024
    num_layers: int = 10
    chunk_ms: int = 320
    lookahead_ms: int = 160
    left_context_ms: int = 1280
    dropout: float = 0.1
    extra: dict[str, str] = field(default_factory=dict)  # provenance: training data, recipe

    def __post_init__(self) -> None:
        if not 160 <= self.chunk_ms <= 640 or self.chunk_ms % FRAME_MS:
            raise ValueError(f"chunk_ms must be a multiple of {FRAME_MS} in 160–640, got {self.chunk_ms}")
        if not 0 <= self.lookahead_ms <= self.chunk_ms or self.lookahead_ms % FRAME_MS:
            raise ValueError(f"lookahead_ms must be a multiple of {FRAME_MS} up to one chunk")
        if self.relative_pitch and not self.pitch:
            raise ValueError("relative_pitch needs the pitch features")
        if self.ctc_slots not in CTC_SLOTS:
            raise ValueError(f"ctc_slots must be one of {CTC_SLOTS}, got {self.ctc_slots}")

    @property
    def features(self) -> FbankOptions:
        return FbankOptions(num_mel_bins=self.num_mel_bins, pitch=self.pitch)

    @property
    def input_dims(self) -> int:
        """Columns the subsampling reads: the features, and relative pitch when on."""
        return self.features.dims + (1 if self.relative_pitch else 0)

    @property
    def output_frame_ms(self) -> float:
        """Time between CTC (and dialect) outputs."""
        return FRAME_MS / self.ctc_slots

    @property
    def segment(self) -> int:
        return self.chunk_ms // FRAME_MS

    @property
    def right_context(self) -> int:
        return self.lookahead_ms // FRAME_MS

    @property
    def feature_block(self) -> int:
        """Feature frames streaming works on at a time: chunks and their look-ahead are made
        of whole blocks, so fixed-size blocks add no latency (asr.features says why)."""
        return SUBSAMPLING * math.gcd(self.segment, self.right_context)


class AcousticModel(nn.Module):
    def __init__(self, config: ModelConfig, cmvn: Cmvn) -> None:
        super().__init__()
        self.config = config
        self.cmvn = cmvn
        d = config.d_model
        self.subsample = nn.Sequential(
            nn.Conv1d(config.input_dims, d, kernel_size=2, stride=2),
            nn.GELU(),
            nn.Conv1d(d, d, kernel_size=2, stride=2),
            nn.GELU(),
        )
        self.encoder = Emformer(
            input_dim=d,
            num_heads=config.num_heads,
            ffn_dim=config.ffn_dim,
            num_layers=config.num_layers,
            segment_length=config.segment,
            left_context_length=config.left_context_ms // FRAME_MS,
            right_context_length=config.right_context,
            dropout=config.dropout,
            max_memory_size=0,
        )
        self.local = LocalContext(d, config.local_frames) if config.local_frames else None
        voicing = config.num_mel_bins  # the first pitch column
        self.relative = (RelativePitch(voicing, cmvn.mean[voicing], cmvn.std[voicing], config.feature_block)
                         if config.relative_pitch else None)
        self.ctc = nn.Linear(d, len(config.units) * config.ctc_slots)
        self.dialect = nn.Linear(d, len(config.dialects))

    def embed(self, features: torch.Tensor) -> torch.Tensor:
        """(batch, feature frames, mels) normalised → (batch, frames / 4, d)."""
        if self.relative is not None:
            features, _ = self.relative(features, features.new_zeros(features.shape[0], 2))
        out: torch.Tensor = self.subsample(features.transpose(1, 2)).transpose(1, 2)
        if self.local is None:
            return out
        history = out.new_zeros(out.shape[0], self.config.local_frames - 1, out.shape[2])
        local: tuple[torch.Tensor, torch.Tensor] = self.local(out, history)
        return local[0]

    def forward(
        self, features: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Training path. features: (batch, frames, mels) CMVN-normalised, frames a multiple
        of 4 × segment; returns CTC log-probs, dialect log-probs per output frame, and output
        frame lengths."""
        x = self.embed(features)
        frames = lengths // SUBSAMPLING
        padded = torch.nn.functional.pad(x, (0, 0, 0, self.config.right_context))
        encoded, _ = self.encoder(padded, frames + self.config.right_context)
        units, dialects = outputs(self.ctc(encoded), self.dialect(encoded), self.config.ctc_slots)
        return units, dialects, frames * self.config.ctc_slots

    def stream(self) -> ModelStream:
        return ModelStream(self)

    def streaming_steps(self) -> StreamingSteps:
        """The tensor work of `ModelStream`; in eval mode compiled once to TorchScript: the
        same results bit for bit and the same weights, but a chunk is one call that runs
        without holding Python's GIL, so a server's worker threads encode in parallel (two
        threads do 2.1x the work of one, against 1.05x eager) and with less overhead."""
        if self.training:
            return StreamingSteps(self)
        with _SCRIPTING:
            scripted = self.__dict__.get("_scripted_steps")
            if scripted is None:
                with warnings.catch_warnings():  # deprecated in favour of torch.compile, which
                    warnings.simplefilter("ignore", DeprecationWarning)  # needs a compiler and minutes
                    scripted = torch.jit.script(StreamingSteps(self))
                self.__dict__["_scripted_steps"] = scripted  # not a submodule: not in state_dict
            return cast(StreamingSteps, scripted)

    @property
    def parameters_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


class LocalContext(nn.Module):
    """Frames plus a causal depthwise convolution over them and the frames before them."""

    def __init__(self, d_model: int, frames: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(d_model, d_model, frames, groups=d_model)

    def forward(self, frames: torch.Tensor, history: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """frames (batch, n, d) and the `frames - 1` before them → the new frames and the
        history for the frames that follow."""
        context = torch.cat([history, frames], dim=1)
        out = frames + self.conv(context.transpose(1, 2)).transpose(1, 2)
        return out, context[:, context.shape[1] - history.shape[1] :]


def outputs(
    ctc_logits: torch.Tensor, dialect_logits: torch.Tensor, slots: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The heads' logits (…, frames, ·) → CTC and dialect log-probs (…, frames × slots, ·).
    With several slots each 40 ms frame emits that many CTC outputs in a row, so a syllable
    of four units fits the three frames a fast speaker gives it; the frame's dialect
    log-probs are repeated so both outputs keep one time axis."""
    units = torch.stack(ctc_logits.chunk(slots, dim=-1), dim=-2).flatten(-3, -2).log_softmax(-1)
    dialects = dialect_logits.log_softmax(-1)
    if slots > 1:
        dialects = dialects.repeat_interleave(slots, dim=-2)
    return units, dialects


def pad_to_segments(features: torch.Tensor, config: ModelConfig) -> torch.Tensor:
    """Pad (frames, mels) with zeros to whole segments: the final chunk is always complete,
    in training and in streaming alike."""
    block = SUBSAMPLING * config.segment
    missing = (-len(features)) % block
    return torch.nn.functional.pad(features, (0, 0, 0, missing))


class StreamingSteps(nn.Module):
    """The model's streaming path as two methods TorchScript can compile (it shares the
    model's submodules and weights)."""

    def __init__(self, model: AcousticModel) -> None:
        super().__init__()
        self.subsample = model.subsample
        self.local = model.local
        self.relative = model.relative
        self.encoder = model.encoder
        self.ctc = model.ctc
        self.dialect = model.dialect
        self.ctc_slots = model.config.ctc_slots

    @torch.jit.export
    def embed(
        self, features: torch.Tensor, history: torch.Tensor, pitch_sums: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(frames, mels) normalised, frames one feature block, the local-context history and
        the relative-pitch sums → (1, frames / 4, d), the next history and the next sums."""
        with torch.no_grad():
            batch = features.unsqueeze(0)
            if self.relative is not None:
                batch, pitch_sums = self.relative(batch, pitch_sums)
            out: torch.Tensor = self.subsample(batch.transpose(1, 2)).transpose(1, 2)
            if self.local is None:
                return out, history, pitch_sums
            out, history = self.local(out, history)
            return out, history, pitch_sums

    @torch.jit.export
    def step(
        self, window: torch.Tensor, length: torch.Tensor, state: list[list[torch.Tensor]] | None
    ) -> tuple[torch.Tensor, torch.Tensor, list[list[torch.Tensor]]]:
        """One chunk and its look-ahead (1, segment + right context, d) → the chunk's CTC
        and dialect log-probs and the next state."""
        with torch.no_grad():
            encoded, _, next_state = self.encoder.infer(window, length, state)
            units, dialects = outputs(self.ctc(encoded[0]), self.dialect(encoded[0]), self.ctc_slots)
            return units, dialects, next_state


class ModelStream:
    """One utterance through the model: normalised feature frames in, log-probs out as
    soon as a chunk and its look-ahead are complete."""

    def __init__(self, model: AcousticModel) -> None:
        self.config = model.config
        self.steps = model.streaming_steps()
        self.window = self.config.segment + self.config.right_context
        self.length = torch.tensor([self.window])
        self.pending = torch.zeros(0, self.config.features.dims)  # features not yet embedded
        self.embedded = torch.zeros(1, 0, self.config.d_model)  # frames not yet encoded
        self.history = torch.zeros(1, max(0, self.config.local_frames - 1), self.config.d_model)
        self.pitch_sums = torch.zeros(1, 2)
        self.features_seen = 0
        self.state: list[list[torch.Tensor]] | None = None
        self.none = (torch.zeros(0, len(self.config.units)), torch.zeros(0, len(self.config.dialects)))

    def accept(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(frames, mels) normalised features → (new output frames, units) CTC log-probs
        and (new output frames, dialects) dialect log-probs."""
        self.features_seen += len(features)
        self.pending = torch.cat([self.pending, features]) if len(self.pending) else features
        block = self.config.feature_block
        while len(self.pending) >= block:  # in blocks of one size: the same bits however chunked
            embedded, self.history, self.pitch_sums = self.steps.embed(
                self.pending[:block], self.history, self.pitch_sums)
            self.embedded = torch.cat([self.embedded, embedded], dim=1)
            self.pending = self.pending[block:]
        return self._drain()

    def finish(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad as training does — features to whole chunks, then look-ahead frames of
        zeros — and flush the last chunks."""
        missing = (-self.features_seen) % (SUBSAMPLING * self.config.segment)
        units, dialects = self.accept(torch.zeros(missing, self.config.features.dims))
        zeros = torch.zeros(1, self.config.right_context, self.config.d_model)
        self.embedded = torch.cat([self.embedded, zeros], dim=1)
        more_units, more_dialects = self._drain()
        return torch.cat([units, more_units]), torch.cat([dialects, more_dialects])

    def _drain(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.embedded.shape[1] < self.window:
            return self.none
        units, dialects = [], []
        while self.embedded.shape[1] >= self.window:
            chunk_units, chunk_dialects, self.state = self.steps.step(
                self.embedded[:, : self.window], self.length, self.state)
            units.append(chunk_units)
            dialects.append(chunk_dialects)
            self.embedded = self.embedded[:, self.config.segment :]
        if len(units) == 1:
            return units[0], dialects[0]
        return torch.cat(units), torch.cat(dialects)


def save_model(model: AcousticModel, directory: Path, half: bool = False) -> None:
    """config.json, model.safetensors, units.txt, cmvn.json; `half` stores fp16 weights
    (half the size; they are loaded back as fp32)."""
    directory.mkdir(parents=True, exist_ok=True)
    config = asdict(model.config)
    (directory / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    (directory / "units.txt").write_text("\n".join(model.config.units) + "\n", encoding="utf-8")
    model.cmvn.save(directory / "cmvn.json")
    weights = {k: (v.half() if half and v.is_floating_point() else v).contiguous()
               for k, v in model.state_dict().items()}
    save_file(weights, str(directory / "model.safetensors"))


def with_int8_linears(model: AcousticModel) -> AcousticModel:
    """A copy for serving whose Linear layers (most of the Emformer's work) run in int8
    with activations quantized per call (dynamic quantization): the encoder takes ~40 %
    less time for log-probabilities that move by up to ~0.4 nat, 99 % of frames keeping
    their best unit. Whether the accuracy holds is measured by `xiangyin eval` (README)."""
    with warnings.catch_warnings():  # torch.ao's eager quantization is deprecated for torchao,
        warnings.simplefilter("ignore", DeprecationWarning)  # which has no TorchScript path yet
        quantized = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            copy.deepcopy(model).eval(), {nn.Linear}, dtype=torch.qint8
        )
    return cast(AcousticModel, quantized)


def widened(model: AcousticModel, config: ModelConfig, estimated: Cmvn) -> AcousticModel:
    """`model` grown to `config`: pitch columns (their CMVN from `estimated`, made on
    features with pitch), the relative-pitch column, a local-context convolution it lacked,
    wider feed-forward layers, more CTC slots per frame (each a copy of the one slot, so
    greedy decoding gives the same units), and new units and dialects (a lexicon added for
    a new dialect), through weights that start at zero (the new input columns' and hidden
    units' outputs) or far below the rest (a new unit's or dialect's output), so it
    computes what `model` did until fine-tuning teaches it to use them. Growing
    capacity this way keeps what a small model learnt in hours of CPU training."""
    start = model.config
    if replace(config, pitch=start.pitch, relative_pitch=start.relative_pitch,
               local_frames=start.local_frames, ffn_dim=start.ffn_dim, dropout=start.dropout,
               units=start.units, dialects=start.dialects, ctc_slots=start.ctc_slots,
               extra=start.extra) != start:
        raise ValueError("only pitch, relative pitch, local context, feed-forward width, CTC slots, "
                         "units and dialects can be added to a model")
    if config.units[0] != start.units[0] or not set(start.units) <= set(config.units):
        raise ValueError("a model keeps its units (and its blank first)")
    if not set(start.dialects) <= set(config.dialects):
        raise ValueError("a model keeps its dialects")
    if ((start.pitch and not config.pitch) or (start.relative_pitch and not config.relative_pitch)
            or start.local_frames not in (0, config.local_frames)):
        raise ValueError("a model keeps its pitch inputs and its local context")
    if start.ctc_slots not in (1, config.ctc_slots):
        raise ValueError(f"CTC slots grow from one, not from {start.ctc_slots} to {config.ctc_slots}")
    if config.ffn_dim < start.ffn_dim:
        raise ValueError(f"feed-forward layers can grow, not shrink ({start.ffn_dim} → {config.ffn_dim})")
    mels = start.num_mel_bins
    cmvn = model.cmvn
    if config.pitch and not start.pitch:
        cmvn = Cmvn(cmvn.mean + estimated.mean[mels:], cmvn.std + estimated.std[mels:])
    grown = AcousticModel(config, cmvn)
    state = model.state_dict()
    first = state["subsample.0.weight"]  # (d, feature dims, kernel)
    added = first.new_zeros(first.shape[0], config.input_dims - first.shape[1], first.shape[2])
    state["subsample.0.weight"] = torch.cat([first, added], dim=1)
    if grown.relative is not None and "relative.voicing_cmvn" not in state:
        state["relative.voicing_cmvn"] = grown.relative.voicing_cmvn
    if grown.local is not None and "local.conv.weight" not in state:
        state["local.conv.weight"] = torch.zeros(grown.local.conv.weight.shape)
        state["local.conv.bias"] = torch.zeros(config.d_model)
    fresh, added_units = grown.state_dict(), config.ffn_dim - start.ffn_dim
    for name, weight in list(state.items()):
        if name.endswith("pos_ff.1.weight") or name.endswith("pos_ff.1.bias"):  # new units: random inputs
            state[name] = torch.cat([weight, fresh[name][len(weight):]])
        elif name.endswith("pos_ff.4.weight"):  # … and outputs that start at zero
            state[name] = torch.cat([weight, weight.new_zeros(len(weight), added_units)], dim=1)
    state["dialect.weight"], state["dialect.bias"] = _rows_by_name(
        state["dialect.weight"], state["dialect.bias"], start.dialects, config.dialects)
    slots = [_rows_by_name(weight, bias, start.units, config.units) for weight, bias in zip(
        state["ctc.weight"].chunk(start.ctc_slots), state["ctc.bias"].chunk(start.ctc_slots), strict=True)]
    slots *= config.ctc_slots // start.ctc_slots  # every new slot a copy: CTC merges the repeats
    state["ctc.weight"] = torch.cat([weight for weight, _ in slots])
    state["ctc.bias"] = torch.cat([bias for _, bias in slots])
    grown.load_state_dict(state)
    return grown


NEW_OUTPUT_LOGIT_GAP = 5.0  # a new class starts this far below the lowest old bias


def _rows_by_name(
    weight: torch.Tensor, bias: torch.Tensor, old: tuple[str, ...], new: tuple[str, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """An output layer's rows rearranged from the `old` classes to the `new` ones; a new
    class gets zero weights and a bias far below every old one, so it is not chosen
    until training raises it."""
    rows = {name: i for i, name in enumerate(old)}
    floor = float(bias.min()) - NEW_OUTPUT_LOGIT_GAP
    grown_weight = weight.new_zeros(len(new), weight.shape[1])
    grown_bias = bias.new_full((len(new),), floor)
    for i, name in enumerate(new):
        if name in rows:
            grown_weight[i] = weight[rows[name]]
            grown_bias[i] = bias[rows[name]]
    return grown_weight, grown_bias


def load_model(directory: Path) -> AcousticModel:
    data = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    data["units"] = tuple(data["units"])
    data["dialects"] = tuple(data["dialects"])
    model = AcousticModel(ModelConfig(**data), Cmvn.load(directory / "cmvn.json"))
    state = load_file(str(directory / "model.safetensors"))
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.eval()
