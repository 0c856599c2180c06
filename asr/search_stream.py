"""One utterance's incremental flashlight search: chunks in, partial and final n-best out.

Shared by the lexicon decoder (`asr.decoder`) and the lexicon-free one
(`asr.char_decoder`); each supplies the flashlight search and how the labels on a
path become words.

flashlight returns to its root after a word (or token, lexicon-free) and can only stay
there on the silence token, so a unit held over several frames after its word ended
could not be absorbed as a CTC repeat. A frame whose best token repeats the previous
frame's best non-blank token therefore has its blank and token probabilities swapped
before the search sees it: the same collapsed sequence, spelled "x ∅" for "x x".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from asr.ctc_path import new_token_frames
from asr.decode_result import (
    Alternative,
    DecodeResult,
    DecoderOptions,
    LogProbs,
    Word,
    join_words,
    utterance_dialect,
)


@dataclass(frozen=True)
class Span:
    """Frames [begin, end] of one emitted label on a path."""

    label: int
    begin: int
    end: int
    confidence: float


# Turns the spans of a path into words (the lexicon decoder looks up the chosen entries).
WordsOnPath = Callable[[Sequence[Span], float], list[Word]]
# The word label that best finishes a path ending inside a word, from the labels on the
# path and the units heard after the last of them, and what it adds to the path's score
# (language model to the end of the sentence, word score); None when no word fits.
Completion = Callable[[Sequence[int], Sequence[int]], tuple[int, float] | None]


def absorb_repeats(chunk: LogProbs, previous_best: int) -> tuple[LogProbs, int]:
    best = chunk.argmax(axis=1)
    before = np.concatenate(([previous_best], best[:-1]))
    rows = np.nonzero((best == before) & (best != 0))[0]
    out = chunk.copy()
    out[rows, 0] = chunk[rows, best[rows]]
    out[rows, best[rows]] = chunk[rows, 0]
    return out, int(best[-1]) if len(best) else previous_best


class SearchStream:
    STABILITY_WINDOW = 3  # chunks a word must survive to count as stable

    def __init__(
        self,
        search: Any,
        tokens: int,
        words_on_path: WordsOnPath,
        options: DecoderOptions,
        token_labels: bool = False,
        complete: Completion | None = None,
    ) -> None:
        """`token_labels`: the search emits tokens, not words (lexicon-free), so every
        new non-blank token on the path is a label. `complete`: see `finish`."""
        self.search = search
        self.complete = complete
        self.token_labels = token_labels
        self.tokens = tokens
        self.words_on_path = words_on_path
        self.options = options
        self.search.decode_begin()
        self.posteriors: list[LogProbs] = []
        self.previous_best = 0  # best token of the last frame seen (blank before any)
        self.frames = 0
        self.history: list[tuple[str, ...]] = []
        self.decode_seconds = 0.0
        self.last: DecodeResult | None = None  # the answer to the last chunk that had frames

    def accept(self, logprobs: LogProbs) -> DecodeResult:
        """Decode a chunk (frames × tokens, natural-log); the best hypothesis so far. A
        chunk without frames (most audio messages end inside a model chunk) changes
        nothing, so it gets the last answer again instead of a new search of the path."""
        chunk = np.ascontiguousarray(logprobs, dtype=np.float32)
        if chunk.ndim != 2 or chunk.shape[1] != self.tokens:
            raise ValueError(f"expected (frames, {self.tokens}) log-probs, got {chunk.shape}")
        if not len(chunk) and self.last is not None:
            return self.last
        if not np.isfinite(chunk).all():
            raise ValueError("log-probabilities contain NaN or infinity")
        started = time.perf_counter()
        if len(chunk):
            searched, self.previous_best = absorb_repeats(chunk, self.previous_best)
            self.search.decode_step(searched.ctypes.data, len(searched), searched.shape[1])
            self.posteriors.append(np.exp(chunk))
            self.frames += len(chunk)
        best = self.search.get_best_hypothesis(0)
        alternative = self._alternative(best.tokens, best.words, best.score, 1.0)
        self.decode_seconds += time.perf_counter() - started
        self.last = self._result((alternative,), is_final=False)
        return self.last

    def finish(self) -> DecodeResult:
        """The final n-best. flashlight ends on word boundaries, so when every path in
        the beam is still inside a word (a single short word, or one whose last unit the
        model missed, lost to prefixes of longer words) the answer would be empty though
        units were heard. When that path scores better than the empty answer (its word's
        language-model cost not yet paid: the beam was right that something was said), its
        unfinished word is finished by `complete`."""
        started = time.perf_counter()
        unfinished = None  # the best path as it stands (flashlight's "best" stops at its last word)
        if self.complete is not None:
            unfinished = max(self.search.get_all_final_hypothesis(), key=lambda h: h.score, default=None)
        self.search.decode_end()
        hypotheses = self.search.get_all_final_hypothesis()
        top = max((h.score for h in hypotheses), default=0.0)
        total = sum(math.exp(h.score - top) for h in hypotheses) or 1.0
        alternatives: list[Alternative] = []
        seen: set[str] = set()
        for h in hypotheses:
            alt = self._alternative(h.tokens, h.words, h.score, math.exp(h.score - top) / total)
            if alt.transcript not in seen:
                seen.add(alt.transcript)
                alternatives.append(alt)
            if len(alternatives) == self.options.max_alternatives:
                break
        empty = not alternatives or not alternatives[0].words
        ended = top if hypotheses else -math.inf
        if unfinished is not None and empty and unfinished.score > ended:
            finished = self._finished(unfinished.tokens, unfinished.words, unfinished.score)
            if finished is not None:
                confidence = alternatives[0].confidence if alternatives else 1.0
                alternatives = [replace(finished, confidence=confidence), *alternatives[1:]]
        self.decode_seconds += time.perf_counter() - started
        return self._result(tuple(alternatives), is_final=True)

    def _result(self, alternatives: tuple[Alternative, ...], is_final: bool) -> DecodeResult:
        words = tuple(w.text for w in alternatives[0].words) if alternatives else ()
        self.history.append(words)
        recent = self.history[-self.STABILITY_WINDOW :]
        stable = 0
        while stable < len(words) and all(len(t) > stable and t[stable] == words[stable] for t in recent):
            stable += 1
        if is_final:
            stability = 1.0
        elif words and len(recent) == self.STABILITY_WINDOW:
            stability = stable / len(words)
        else:
            stability = 0.0
        dialect = utterance_dialect(alternatives[0].words) if alternatives else ""
        return DecodeResult(alternatives, is_final, stability, dialect, self.frames)

    def _finished(self, tokens: Sequence[int], labels: Sequence[int], score: float) -> Alternative | None:
        """The path with its trailing units (those after its last label, as the search
        counts new tokens) made into the word `complete` picks, labelled where the
        last of those units begins."""
        assert self.complete is not None
        frames = min(self.frames, len(tokens) - 1)
        path, marks = list(tokens[1 : 1 + frames]), list(labels[1 : 1 + frames])
        done = [f for f, label in enumerate(marks) if label >= 0]
        after = [f for f in new_token_frames(path) if not done or f > done[-1]]
        if not after:
            return None
        last = self.complete([marks[f] for f in done], [path[f] for f in after])
        if last is None:
            return None
        marks[after[-1]] = last[0]
        labelled = [labels[0], *marks, *labels[1 + frames :]]
        return self._alternative(tokens, labelled, score + last[1], 1.0)

    def _alternative(
        self, tokens: Sequence[int], labels: Sequence[int], score: float, confidence: float
    ) -> Alternative:
        """Spans from a flashlight path: one entry per frame plus a leading and trailing
        sentinel, so entry i is frame i - 1; a label sits on the frame its last token begins."""
        posteriors = np.concatenate(self.posteriors) if self.posteriors else np.zeros((0, 1))
        path = list(tokens[1 : 1 + len(posteriors)])
        marks = list(labels[1 : 1 + len(posteriors)])
        if self.token_labels:
            marks = [-1] * len(path)
            for f in new_token_frames(path):
                marks[f] = path[f]
        spans: list[Span] = []
        previous_end = -1
        start: int | None = None
        for frame, (token, label) in enumerate(zip(path, marks, strict=False)):
            if start is None and frame > previous_end and token > 0:
                start = frame
            if label < 0:
                continue
            end = frame
            while end + 1 < len(path) and path[end + 1] == token:
                end += 1
            begin = start if start is not None else frame
            own = [f for f in range(begin, end + 1) if path[f] > 0]
            confidence_ = float(np.mean([posteriors[f, path[f]] for f in own])) if own else 0.0
            spans.append(Span(label, begin, end, confidence_))
            previous_end, start = end, None
        words = self.words_on_path(spans, self.options.frame_shift_s)
        return Alternative(join_words(w.text for w in words), tuple(words), float(score), confidence)
