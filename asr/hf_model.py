"""A local transformers CTC model (Wav2Vec2ForCTC, HubertForCTC, Data2VecAudioForCTC,
WavLMForCTC) as the acoustic front, so integrators can bring a model fine-tuned on real
dialect speech. Nothing is downloaded: the directory must hold config.json, the weights,
the tokenizer (vocab.json) and preprocessor_config.json.

Vocabulary, used as is. The model's pad token is its CTC blank; the decoder wants the
blank in column 0, so the columns are reordered. A phone vocabulary (every token but the
special ones — pad, <s>, </s>, <unk>, the word delimiter | — is in the shared unit
inventory) goes through the lexicon decoder, which spells words in units alone: a frame
on a special token carries no unit, so those columns are summed into the blank. Any other
vocabulary is a character one, decoded lexicon-free with a character KenLM; it keeps the
word delimiter (Latin words end there) and sums only the other special tokens into the
blank.

Streaming. These encoders attend over their whole input, so they run over sliding
windows (`Windows`: 4 s every 3 s by default). Window k covers [3k, 3k + 4) s of audio and
gives only its middle frames, [3k + 0.5, 3k + 3.5) s; the first window also gives its
first 0.5 s, and at the end of audio the last window gives everything to the end. So a
frame has at least 0.5 s of context on each side except at the stream's edges, every
frame leaves exactly once and in order, and a stream has as many frames as one pass over
its whole audio: window starts are whole frames (320 samples = 20 ms for these models)
apart, so a window's frames fall on that pass's frames. The price: 4/3 of one pass of
compute, and a frame leaves 0.5–3.5 s after it was spoken (up to 4 s in the first
window). Each window is normalised as the model's feature extractor says (do_normalize:
zero mean, unit variance per input), since that is what the model saw in training.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoConfig, AutoModelForCTC, AutoTokenizer, Wav2Vec2FeatureExtractor

from asr.audio import MODEL_RATE, Samples
from asr.char_decoder import WORD_DELIMITER
from asr.decode_result import LogProbs
from asr.decoder import BLANK
from asr.front import HF_ARCHITECTURES, Frames, ModelInfo, Vocabulary
from asr.units import INVENTORY


@dataclass(frozen=True)
class Windows:
    """Sliding windows for a whole-input encoder; half the overlap is context each side."""

    window_ms: int = 4000
    hop_ms: int = 3000

    @property
    def context_ms(self) -> int:
        """Audio on each side of a window's emitted frames, seen but not emitted."""
        return (self.window_ms - self.hop_ms) // 2


@dataclass(frozen=True)
class ColumnMap:
    """How the model's log-prob columns become the decoder's: the `blank` columns summed
    into column 0, then the `text` columns in order."""

    vocabulary: Vocabulary
    tokens: tuple[str, ...]  # the decoder's tokens; tokens[0] is BLANK
    blank: tuple[int, ...]
    text: tuple[int, ...]

    def apply(self, logprobs: torch.Tensor) -> LogProbs:
        blank = logprobs[:, list(self.blank)].logsumexp(-1, keepdim=True)
        out: LogProbs = torch.cat([blank, logprobs[:, list(self.text)]], dim=1).numpy()
        return out


def column_map(tokens: Sequence[str], blank: int, specials: Collection[str], delimiter: str) -> ColumnMap:
    """Classify a vocabulary (`tokens` in model column order) and map its columns."""
    text = [i for i, t in enumerate(tokens) if i != blank and t not in specials and t != delimiter]
    if not text:
        raise ValueError(f"the vocabulary has no token besides special ones: {list(tokens)}")
    vocabulary: Vocabulary = "units" if all(tokens[i] in INVENTORY for i in text) else "characters"
    if vocabulary == "characters" and delimiter in tokens:
        text = sorted([*text, tokens.index(delimiter)])
    names = tuple(WORD_DELIMITER if tokens[i] == delimiter else tokens[i] for i in text)
    kept = set(text)
    merged = tuple(i for i in range(len(tokens)) if i not in kept)
    return ColumnMap(vocabulary, (BLANK, *names), merged, tuple(text))


def output_frames(samples: int, kernels: Sequence[int], strides: Sequence[int]) -> int:
    """Frames the convolutional feature encoder makes of `samples` samples."""
    for kernel, stride in zip(kernels, strides, strict=True):
        if samples < kernel:
            return 0
        samples = (samples - kernel) // stride + 1
    return samples


class HFFront:
    def __init__(
        self, model: Any, extractor: Any, columns: ColumnMap, path: Path, windows: Windows = Windows()
    ) -> None:
        """`model`: a transformers *ForCTC in eval mode; `extractor`: its feature extractor."""
        config = model.config
        if extractor.sampling_rate != MODEL_RATE:
            raise ValueError(f"{path}: the model wants {extractor.sampling_rate} Hz audio, not {MODEL_RATE}")
        if getattr(config, "add_adapter", False):
            raise ValueError(f"{path}: models with an adapter after the encoder are not supported")
        self.model = model
        self.extractor = extractor
        self.columns = columns
        self.kernels = tuple(config.conv_kernel)
        self.strides = tuple(config.conv_stride)
        self.shift = math.prod(self.strides)  # samples per frame
        self.window = windows.window_ms * MODEL_RATE // 1000
        self.hop = windows.hop_ms * MODEL_RATE // 1000
        self.context = windows.context_ms * MODEL_RATE // 1000
        if not (
            0 < self.hop < self.window
            and self.hop % self.shift == 0
            and self.context % self.shift == 0
            and self.window == self.hop + 2 * self.context
            and self.frames(self.window) >= (self.context + self.hop) // self.shift
        ):
            raise ValueError(
                f"{windows}: window and hop must be whole {self.shift}-sample frames, the hop shorter "
                "than the window by an even number of frames"
            )
        self.info = ModelInfo(
            path=str(path), kind="hf-ctc", architecture=type(model).__name__,
            vocabulary=columns.vocabulary, tokens=int(config.vocab_size), dialects=(), chunk_ms=0,
            window_ms=windows.window_ms, hop_ms=windows.hop_ms,
            parameters=sum(p.numel() for p in model.parameters()),
            frame_shift_ms=1000 * self.shift / MODEL_RATE,
        )
        self.tokens = columns.tokens

    def frames(self, samples: int) -> int:
        return output_frames(samples, self.kernels, self.strides)

    def logprobs(self, audio: Samples) -> LogProbs:
        """One window through the model → the decoder's log-prob columns."""
        inputs = self.extractor(audio, sampling_rate=MODEL_RATE, return_tensors="pt")
        with torch.inference_mode():
            logits = self.model(inputs.input_values).logits[0]
        return self.columns.apply(logits.float().log_softmax(-1))

    def stream(self) -> WindowStream:
        return WindowStream(self)


class WindowStream:
    """One utterance over sliding windows (see the module docstring)."""

    def __init__(self, front: HFFront) -> None:
        self.front = front
        self.buffer = np.zeros(0, dtype=np.float32)  # audio from frame `start` on
        self.start = 0  # whole-audio frame index of buffer[0]
        self.emitted = 0  # frames given out so far

    def accept(self, audio: Samples) -> Frames:
        front = self.front
        self.buffer = np.concatenate([self.buffer, np.asarray(audio, dtype=np.float32)])
        out = [np.zeros((0, len(front.tokens)), dtype=np.float32)]
        while len(self.buffer) >= front.window:
            logprobs = front.logprobs(self.buffer[: front.window])
            end = (front.context + front.hop) // front.shift  # the next window's first own frame
            out.append(logprobs[self.emitted - self.start : end])
            self.emitted = self.start + end
            self.buffer = self.buffer[front.hop :]
            self.start += front.hop // front.shift
        return Frames(np.concatenate(out), None)

    def finish(self) -> Frames:
        """The last window: the rest of the audio, from the last hop on."""
        tail = np.zeros((0, len(self.front.tokens)), dtype=np.float32)
        if self.front.frames(len(self.buffer)) > self.emitted - self.start:
            tail = self.front.logprobs(self.buffer)[self.emitted - self.start :]
            self.emitted += len(tail)
        self.buffer = self.buffer[:0]
        return Frames(tail, None)


def load_hf_front(directory: Path, windows: Windows = Windows()) -> HFFront:
    """A transformers CTC model directory, loaded from local files only, in fp32."""
    config = AutoConfig.from_pretrained(directory, local_files_only=True)
    if not set(config.architectures or ()) & set(HF_ARCHITECTURES):
        raise ValueError(f"{directory}: architectures {config.architectures}; supported: {HF_ARCHITECTURES}")
    model = AutoModelForCTC.from_pretrained(directory, local_files_only=True, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    extractor = Wav2Vec2FeatureExtractor.from_pretrained(directory, local_files_only=True)  # all four use it
    if len(tokenizer) != config.vocab_size:
        raise ValueError(f"{directory}: {len(tokenizer)} tokenizer tokens, {config.vocab_size} CTC outputs")
    if config.pad_token_id is None:
        raise ValueError(f"{directory}: config.json has no pad_token_id, the CTC blank")
    tokens = tokenizer.convert_ids_to_tokens(list(range(config.vocab_size)))
    delimiter = getattr(tokenizer, "word_delimiter_token", None) or WORD_DELIMITER
    columns = column_map(tokens, config.pad_token_id, set(tokenizer.all_special_tokens), delimiter)
    return HFFront(model, extractor, columns, directory, windows)
