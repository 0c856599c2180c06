"""Scores of one utterance and of a group of them, with 95 % bootstrap intervals.

Tokens come from `eval.normalize.tokens`: each Chinese character, each English word.

- CER: edits over the character tokens alone (Chinese characters, and any other
  non-Latin symbol left), divided by the reference's characters;
- WER: the same over English words alone;
- MER (mixed error rate): the same over both, in spoken order — the figure for
  code-switched speech, where a Chinese character and an English word weigh one each;
- UER (unit error rate): the acoustic model's greedy units against the units a
  synthetic corpus says were spoken, where both exist.

Edit distances and alignments come from jiwer. A group's rate is its total edits over
its total reference tokens (utterances weigh by length), with an interval from 1,000
bootstrap resamples of its utterances (fixed seed: reruns give the same bounds).

Dialect identification:
- utterance: Result.dialect against the row's dialect (`dialect_matches`: equal, or a
  place variety inside a group-labelled reference such as KeSpeech's Southwestern);
- word: over the token pairs the alignment puts together (hits and substitutions),
  the share where the hypothesis word's dialect tag equals the reference word's.
  Only pairs where both carry a tag take part: reference words have tags in synthetic
  manifests, hypothesis words have none from a character model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jiwer
import numpy as np

from asr.dialects import load_registry
from eval.normalize import is_word
from eval.readers import GROUP_OF_CODE

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class Token:
    text: str
    dialect: str  # "" where unknown


@dataclass(frozen=True)
class EditCounts:
    reference: int
    hits: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    def as_json(self) -> dict[str, int]:
        return {"ref": self.reference, "sub": self.substitutions, "del": self.deletions,
                "ins": self.insertions}


@dataclass(frozen=True)
class UtteranceScore:
    chars: EditCounts  # CER
    words: EditCounts  # WER
    mixed: EditCounts  # MER
    dialect_correct: bool | None  # None where the reference dialect is unknown
    word_dialect_matches: int
    word_dialect_compared: int
    units: EditCounts | None = None  # UER; None without reference or greedy units


@dataclass(frozen=True)
class Timing:
    audio_s: float
    processing_s: float | None  # wall time the engine spent on it (offline mode only)
    first_partial_ms: float | None  # online mode only: first partial after audio began
    final_ms: float | None  # online mode only: final result after audio ended


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None
    high: float | None


def _align(reference: Sequence[str], hypothesis: Sequence[str]) -> tuple[EditCounts, list[tuple[int, int]]]:
    """Edit counts and the (reference index, hypothesis index) pairs aligned together."""
    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    pairs = [
        (chunk.ref_start_idx + k, chunk.hyp_start_idx + k)
        for chunk in out.alignments[0]
        if chunk.type in ("equal", "substitute")
        for k in range(chunk.ref_end_idx - chunk.ref_start_idx)
    ]
    counts = EditCounts(len(reference), out.hits, out.substitutions, out.deletions, out.insertions)
    return counts, pairs


@cache
def _group_of_variety() -> dict[str, str]:
    return {t.variety: t.group for t in load_registry()}


def dialect_matches(reference: str, hypothesis: str) -> bool:
    if hypothesis == reference:
        return True
    group = GROUP_OF_CODE.get(reference)
    return group is not None and _group_of_variety().get(hypothesis) == group


def score_utterance(
    reference: Sequence[Token], hypothesis: Sequence[Token], ref_dialect: str, hyp_dialect: str,
    ref_units: Sequence[str] = (), hyp_units: Sequence[str] | None = None,
) -> UtteranceScore:
    ref = [t.text for t in reference]
    hyp = [t.text for t in hypothesis]
    chars, _ = _align([t for t in ref if not is_word(t)], [t for t in hyp if not is_word(t)])
    words, _ = _align([t for t in ref if is_word(t)], [t for t in hyp if is_word(t)])
    mixed, pairs = _align(ref, hyp)
    tagged = [(reference[r].dialect, hypothesis[h].dialect) for r, h in pairs
              if reference[r].dialect and hypothesis[h].dialect]
    return UtteranceScore(
        chars, words, mixed,
        dialect_matches(ref_dialect, hyp_dialect) if ref_dialect else None,
        sum(1 for r, h in tagged if r == h), len(tagged),
        _align(ref_units, hyp_units)[0] if ref_units and hyp_units is not None else None,
    )


def ratio_interval(numerators: Sequence[float], denominators: Sequence[float]) -> Interval:
    """sum(numerators) / sum(denominators) with a 95 % bootstrap interval over items."""
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    if not len(den) or den.sum() == 0:
        return Interval(None, None, None)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(den), size=(BOOTSTRAP_RESAMPLES, len(den)))
    sums = den[picks].sum(axis=1)
    ratios = num[picks].sum(axis=1)[sums > 0] / sums[sums > 0]
    low, high = np.percentile(ratios, [2.5, 97.5])
    return Interval(float(num.sum() / den.sum()), float(low), float(high))


def _percentile(values: Sequence[float | None], q: float) -> float | None:
    present = [v for v in values if v is not None]
    return float(np.percentile(present, q)) if present else None


def _rounded(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def summarize(items: Sequence[tuple[UtteranceScore, Timing]]) -> dict[str, object]:
    """The results.json block of a group: the contract's keys first, then intervals
    and the counts behind each rate (so groups can be pooled exactly)."""
    scores = [s for s, _ in items]
    timings = [t for _, t in items]
    summary: dict[str, object] = {"n": len(items)}
    rates = {}
    for name, pick in (("cer", "chars"), ("wer", "words"), ("mer", "mixed")):
        counts = [getattr(s, pick) for s in scores]
        rates[name] = ratio_interval([c.errors for c in counts], [c.reference for c in counts])
        summary[name] = _rounded(rates[name].value)
    unit_counts = [s.units for s in scores if s.units is not None]
    rates["uer"] = ratio_interval([c.errors for c in unit_counts], [c.reference for c in unit_counts])
    summary["uer"] = _rounded(rates["uer"].value)
    known = [s.dialect_correct for s in scores if s.dialect_correct is not None]
    rates["dialect_id"] = ratio_interval([float(k) for k in known], [1.0] * len(known))
    summary["dialect_id_acc"] = _rounded(rates["dialect_id"].value)
    audio = sum(t.audio_s for t in timings)
    spent = [t.processing_s for t in timings if t.processing_s is not None]
    summary["rtf"] = _rounded(sum(spent) / audio if audio and len(spent) == len(timings) else None)
    summary["first_partial_ms_p50"] = _rounded(_percentile([t.first_partial_ms for t in timings], 50), 1)
    summary["final_ms_p95"] = _rounded(_percentile([t.final_ms for t in timings], 95), 1)
    for name, interval in rates.items():
        summary[f"{name}_ci"] = [_rounded(interval.low), _rounded(interval.high)]
    compared = sum(s.word_dialect_compared for s in scores)
    summary["word_dialect_acc"] = _rounded(
        sum(s.word_dialect_matches for s in scores) / compared if compared else None
    )
    summary["word_dialect_n"] = compared
    summary["dialect_id_n"] = len(known)
    summary["audio_s"] = round(audio, 2)
    for name, pick in (("chars", "chars"), ("words", "words"), ("tokens", "mixed")):
        counts = [getattr(s, pick) for s in scores]
        summary[name] = sum(c.reference for c in counts)
        summary[f"{name[:-1]}_errors"] = sum(c.errors for c in counts)
    summary["units"] = sum(c.reference for c in unit_counts)
    summary["unit_errors"] = sum(c.errors for c in unit_counts)
    return summary
