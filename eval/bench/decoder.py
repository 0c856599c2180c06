"""`xiangyin bench decoder`: decoder real-time factor at beam 16, beside pyctcdecode.

Posteriors are realistic rather than random: held-out People's Daily sentences are
turned into unit sequences through the cmn lexicon, each unit lasting 1–3 frames with
0–2 blanks between, its probability 0.55–0.98 and the rest spread over a few
confusable units; one unit in ten is replaced by a confusion. Both decoders get the
same posteriors on one thread. pyctcdecode has no way to use a unit lexicon, so it runs
lexicon-free without an LM — less work than xiangyin's lexicon + KenLM search.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from pypinyin import Style, lazy_pinyin

from asr.decode_result import DecoderOptions, LogProbs
from asr.decoder import BLANK, UnitDecoder, load_decoder
from asr.lexicon import read_lexicon
from asr.lm import LM_DIR
from asr.lm_text import SOURCES
from asr.notation import pinyin


@dataclass(frozen=True)
class DecoderBench:
    beam: int
    audio_s: float
    xiangyin_rtf: float
    pyctcdecode_rtf: float
    character_accuracy: float  # share of reference characters recovered, in order


def realistic_posteriors(
    decoder: UnitDecoder, seconds: float, seed: int = 0, frame_shift_s: float = 0.04
) -> tuple[list[LogProbs], list[list[str]]]:
    rng = np.random.default_rng(seed)
    index = {t: i for i, t in enumerate(decoder.tokens)}
    cmn_words = {e.word for e in read_lexicon("cmn")}
    vocabulary = len(decoder.tokens)
    utterances: list[LogProbs] = []
    references: list[list[str]] = []
    total = 0.0
    sentences = islice(SOURCES["peoples-daily"].sentences(), 5000, None)
    for sentence in sentences:
        words = [w for w in sentence if w in cmn_words]
        if not 4 <= len(words) <= 20:  # utterance-sized, as an endpointer would cut them
            continue
        rows: list[npt.NDArray[np.float64]] = []
        for word in words:
            for unit in _reading(word):
                token = index[unit]
                confusion = int(rng.integers(1, vocabulary)) if rng.random() < 0.1 else None
                for _ in range(int(rng.integers(1, 4))):
                    rows.append(_frame(rng, vocabulary, token, confusion))
                for _ in range(int(rng.integers(0, 3))):
                    rows.append(_frame(rng, vocabulary, 0, None))
        rows += [_frame(rng, vocabulary, 0, None) for _ in range(5)]
        utterances.append(np.log(np.stack(rows)).astype(np.float32))
        references.append(words)
        total += len(rows) * frame_shift_s
        if total >= seconds:
            break
    return utterances, references


def _reading(word: str) -> list[str]:
    """The word's usual reading (pypinyin's choice), in units."""
    return pinyin.to_units(" ".join(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)))


def _frame(
    rng: np.random.Generator, vocabulary: int, token: int, confusion: int | None
) -> npt.NDArray[np.float64]:
    """A frame saying `token`, or mistaking it for `confusion` (which then takes the peak
    while the true unit keeps 10–40 %, as a real model's second choice would)."""
    row = np.full(vocabulary, 1e-5)
    peak = rng.uniform(0.55, 0.98)
    rest = 1.0 - peak
    others = rng.integers(0, vocabulary, size=3)
    row[others] += rest * rng.dirichlet(np.ones(3))
    if confusion is None:
        row[token] += peak
    else:
        second = rng.uniform(0.1, 0.4)
        row[confusion] += peak - second
        row[token] += second
    normalised: npt.NDArray[np.float64] = row / row.sum()
    return normalised


def _in_order(reference: list[str], hypothesis: list[str]) -> int:
    """Longest common subsequence length: reference characters recovered in order."""
    prev = [0] * (len(hypothesis) + 1)
    for r in reference:
        cur = [0]
        for j, h in enumerate(hypothesis):
            cur.append(prev[j] + 1 if r == h else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def run(seconds: float = 60.0, beam: int = 16, lm_path: Path = LM_DIR / "mixed.bin") -> DecoderBench:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    decoder = load_decoder(["cmn", "yue", "en"], lm_path)
    utterances, references = realistic_posteriors(decoder, seconds)
    audio_s = sum(len(u) for u in utterances) * 0.04
    options = DecoderOptions(beam_size=beam, lm_weight=0.5)
    recovered = 0
    started = time.perf_counter()
    transcripts = [decoder.decode(logp, options).transcript for logp in utterances]
    ours = time.perf_counter() - started
    for transcript, reference in zip(transcripts, references, strict=True):
        recovered += _in_order(list("".join(reference)), list(transcript))

    from pyctcdecode.decoder import build_ctcdecoder

    logging.getLogger("pyctcdecode").setLevel(logging.ERROR)
    labels = ["" if t == BLANK else t for t in decoder.tokens]
    baseline = build_ctcdecoder(labels)
    started = time.perf_counter()
    for logp in utterances:
        baseline.decode(cast(Any, logp), beam_width=beam)  # its stubs want float64; float32 works
    theirs = time.perf_counter() - started
    accuracy = recovered / max(1, sum(len("".join(r)) for r in references))
    return DecoderBench(beam, round(audio_s, 2), ours / audio_s, theirs / audio_s, accuracy)
