"""The language model the lexicon beam search sees: one score per pronunciation class.

flashlight's lexicon trie keeps at most six words per pronunciation, and Chinese has
dozens of homophones per syllable, so the trie holds *pronunciation classes* (every
(word, dialect) entry sharing one unit sequence) and this adapter scores a class as
its best entry in context: KenLM (weighted) plus hotword credit, over the entries of
the allowed dialects only. The entry that wins is the word, and its dialect is the
word's dialect tag. Scores are natural-log; the search calls this LM with weight 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import kenlm
from flashlight.lib.text.decoder import LM, LMState

from asr.hotwords import HotwordMatcher, HotwordState
from asr.lexicon import Pronunciation

LN10 = math.log(10)
IMPOSSIBLE = -1e30  # a class with no entry in the allowed dialects


@dataclass(frozen=True)
class _Context:
    kenlm_state: kenlm.State | None
    hotwords: HotwordState
    entry: Pronunciation | None  # the word that led here


class HomophoneLM(LM):  # type: ignore[misc]
    def __init__(
        self,
        classes: Sequence[Sequence[tuple[Pronunciation, float]]],
        model: kenlm.Model | None,
        lm_weight: float,
        allowed: frozenset[str] | None,
        hotwords: HotwordMatcher | None,
    ) -> None:
        LM.__init__(self)
        self.classes = classes
        self.model = model
        self.lm_weight = lm_weight
        self.allowed = allowed
        self.hotwords = hotwords
        self.contexts: dict[LMState, tuple[_Context, float]] = {}

    def _initial(self) -> _Context:
        state = None
        if self.model is not None:
            state = kenlm.State()
            self.model.BeginSentenceWrite(state)
        return _Context(state, HotwordState(), None)

    def start(self, start_with_nothing: bool) -> LMState:
        root = LMState()
        self.contexts = {root: (self._initial(), 0.0)}
        return root

    def best_entry(self, context: _Context, class_index: int) -> tuple[_Context, float]:
        """The class's best entry after `context`, as the next context and its score."""
        best: tuple[_Context, float] = (context, IMPOSSIBLE)
        for entry, prior in self.classes[class_index]:  # best prior first: ties keep it
            if self.allowed is not None and entry.variety not in self.allowed:
                continue
            score = prior
            next_state = None
            if self.model is not None and context.kenlm_state is not None:
                next_state = kenlm.State()
                score = self.lm_weight * LN10 * self.model.BaseScore(
                    context.kenlm_state, entry.word, next_state
                )
            hot = context.hotwords
            if self.hotwords is not None:
                advanced = self.hotwords.advance(hot, entry.word)
                score += self.hotwords.credit(advanced) - self.hotwords.credit(hot)
                hot = advanced
            if score > best[1]:
                best = (_Context(next_state, hot, entry), score)
        return best

    def score(self, state: LMState, class_index: int) -> tuple[LMState, float]:
        child = state.child(class_index)
        known = self.contexts.get(child)
        if known is None:
            known = self.best_entry(self.contexts[state][0], class_index)
            self.contexts[child] = known
        return child, known[1]

    def finish(self, state: LMState) -> tuple[LMState, float]:
        context = self.contexts[state][0]
        score = 0.0
        if self.model is not None and context.kenlm_state is not None:
            score = self.lm_weight * LN10 * self.model.BaseScore(context.kenlm_state, "</s>", kenlm.State())
        if self.hotwords is not None:  # unfinished phrases give their provisional credit back
            score -= self.hotwords.credit(context.hotwords) - context.hotwords.banked
        return state, score

    def replay(self, class_indices: Sequence[int]) -> list[Pronunciation]:
        """The entries the search chose along a class sequence (same scoring, same order)."""
        context = self._initial()
        chosen = []
        for index in class_indices:
            context, score = self.best_entry(context, index)
            if score <= IMPOSSIBLE or context.entry is None:
                raise ValueError(f"class {index} has no allowed entry")
            chosen.append(context.entry)
        return chosen
