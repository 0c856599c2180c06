"""What a decoder is asked for and what it answers: options, words, n-best, results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from asr.hotwords import Hotword

# CTC log-probabilities, natural log, shaped (frames, tokens).
LogProbs = npt.NDArray[np.float32]


@dataclass(frozen=True)
class DecoderOptions:
    beam_size: int = 16
    # tokens tried per frame (the most likely; 0 = all): 32 gives the same transcripts as all
    # 167 on the fixtures and `bench decoder`, in a quarter of the decoder's time (README, Performance)
    beam_size_token: int = 32
    beam_threshold: float = 25.0  # prune hypotheses this far (nats) below the best
    lm_weight: float = 0.3  # multiplies the LM's natural-log probability (tuned: README, Decoder)
    word_score: float = 2.0  # added per word: without it a weak acoustic model decodes to silence
    max_alternatives: int = 1
    frame_shift_s: float = 0.04
    dialects: tuple[str, ...] = ()  # allowed dialect codes (hints); empty = every lexicon
    hotwords: tuple[Hotword, ...] = ()


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float
    confidence: float  # mean posterior of the word's own frames, 0..1
    dialect: str  # "" where the model's vocabulary says nothing about dialect


@dataclass(frozen=True)
class Alternative:
    transcript: str
    words: tuple[Word, ...]
    score: float  # total search score (nats)
    confidence: float  # share of the n-best probability mass, 0..1


@dataclass(frozen=True)
class DecodeResult:
    alternatives: tuple[Alternative, ...]
    is_final: bool
    stability: float  # share of the best transcript's words unchanged over the last chunks
    dialect: str  # duration-weighted dialect of the best alternative ("" when empty)
    frames: int

    @property
    def transcript(self) -> str:
        return self.alternatives[0].transcript if self.alternatives else ""


def join_words(words: Iterable[str]) -> str:
    """Chinese words run together; a Latin word is set off by spaces."""
    out = ""
    for w in words:
        if out and (w[:1].isascii() or out[-1:].isascii()):
            out += " "
        out += w
    return out


def utterance_dialect(words: Sequence[Word]) -> str:
    weight: dict[str, float] = {}
    for w in words:
        if w.dialect:
            weight[w.dialect] = weight.get(w.dialect, 0.0) + max(w.end_s - w.start_s, 1e-3)
    return max(weight, key=lambda d: weight[d]) if weight else ""
