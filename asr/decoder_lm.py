"""The language model the lexicon beam search sees: one score per pronunciation class.

flashlight's lexicon trie keeps at most six words per pronunciation, and Chinese has
dozens of homophones per syllable, so the trie holds *pronunciation classes* (every
(word, dialect) entry sharing one unit sequence) and this adapter scores a class as
its best entry in context: KenLM (weighted), plus ln P(reading | word, dialect) so a
rare reading does not pass for the common one, plus hotword credit, over the entries of
the allowed dialects only. The entry that wins is the word, and its dialect is the
word's dialect tag. Scores are natural-log; the search calls this LM with weight 1.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import kenlm
from flashlight.lib.text.decoder import LM, LMState

from asr.decoder_index import PronunciationClasses
from asr.hotwords import HotwordMatcher, HotwordState
from asr.lexicon import Pronunciation

LN10 = math.log(10)
IMPOSSIBLE = -1e30  # a class with no entry in the allowed dialects


@dataclass(frozen=True)
class Plan:
    """How to score one class with KenLM in few queries: a class holds many homophones,
    but KenLM scores a word, not an entry, and scores every out-of-vocabulary word alike
    (as <unk>). So: one query per distinct in-vocabulary word, one for all the OOV entries.
    Members are flat (position in the class, variety id, …) in class order (best prior
    first), to keep thousands of cached plans small."""

    words: tuple[tuple[str, tuple[int, ...]], ...]
    oov_word: str  # any OOV word: they all score as <unk>
    oov: tuple[int, ...]
    everyone: tuple[tuple[str, int], ...]  # (word, position) when every dialect is allowed

    def candidates(self, allowed: frozenset[int] | None) -> tuple[tuple[str, int], ...]:
        """(word to query, position): each word's first allowed entry, and the first
        allowed OOV entry."""
        if allowed is None:
            return self.everyone
        out = []
        for word, members in (*self.words, (self.oov_word, self.oov)):
            position = next((members[i] for i in range(0, len(members), 2) if members[i + 1] in allowed), -1)
            if position >= 0:
                out.append((word, position))
        return tuple(out)


class Plans:
    """Plans per class for one KenLM, made on first use from the packed lexicon (no
    Pronunciation objects) and shared by every stream; the CACHE most recent plans and
    chosen entries are kept, so memory stays flat however many classes calls touch."""

    CACHE = 8192

    def __init__(self, classes: PronunciationClasses, model: kenlm.Model) -> None:
        self.classes = classes
        self.model = model
        self.varieties = {v: i for i, v in enumerate(classes.varieties)}
        self.get = functools.lru_cache(maxsize=self.CACHE)(self._plan)  # thread-safe
        self.entry = functools.lru_cache(maxsize=self.CACHE)(classes.entry)

    def priors(self, class_index: int) -> list[float]:
        """ln P(reading | word, dialect) of the class's entries, in class order."""
        packed = self.classes.packed
        begin, end = packed.entry_offsets[class_index : class_index + 2].tolist()
        priors: list[float] = packed.entry_prior[begin:end].tolist()
        return priors

    def variety_ids(self, allowed: frozenset[str] | None) -> frozenset[int] | None:
        if allowed is None:
            return None
        return frozenset(self.varieties[v] for v in allowed if v in self.varieties)

    def _plan(self, class_index: int) -> Plan:
        words: dict[str, list[int]] = {}
        oov: list[int] = []
        oov_word = ""
        for position, (word, variety) in enumerate(zip(*self.classes.columns(class_index), strict=True)):
            if word in self.model:
                words.setdefault(word, []).extend((position, variety))
            else:
                oov_word = oov_word or word
                oov.extend((position, variety))
        everyone = [(w, m[0]) for w, m in words.items()] + ([(oov_word, oov[0])] if oov else [])
        return Plan(tuple((w, tuple(m)) for w, m in words.items()), oov_word, tuple(oov), tuple(everyone))


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
        plans: Plans | None = None,
    ) -> None:
        """`plans`: shared query plans for `model` (made here when not given)."""
        LM.__init__(self)
        self.classes = classes
        if plans is None and model is not None and isinstance(classes, PronunciationClasses):
            plans = Plans(classes, model)
        self.plans = plans
        self.allowed_ids = plans.variety_ids(allowed) if plans is not None else None
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
        if self.plans is not None and self.hotwords is None and context.kenlm_state is not None:
            return self._best_by_plan(context, class_index)
        best: tuple[_Context, float] = (context, IMPOSSIBLE)
        for entry, prior in self.classes[class_index]:  # best prior first: ties keep it
            if self.allowed is not None and entry.variety not in self.allowed:
                continue
            score = prior
            next_state = None
            if self.model is not None and context.kenlm_state is not None:
                next_state = kenlm.State()
                score += self.lm_weight * LN10 * self.model.BaseScore(
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

    def _best_by_plan(self, context: _Context, class_index: int) -> tuple[_Context, float]:
        """`best_entry` without hotwords, in one KenLM query per distinct word: the same
        winner (the highest score; on a tie, the first in class order) and score."""
        assert self.plans is not None and self.model is not None and context.kenlm_state is not None
        best_score, best_position, best_state = IMPOSSIBLE, -1, None
        priors = self.plans.priors(class_index)
        for word, position in self.plans.get(class_index).candidates(self.allowed_ids):
            next_state = kenlm.State()
            score = priors[position] + self.lm_weight * LN10 * self.model.BaseScore(
                context.kenlm_state, word, next_state
            )
            if score > best_score or (score == best_score and position < best_position):
                best_score, best_position, best_state = score, position, next_state
        if best_position < 0:
            return context, IMPOSSIBLE
        entry = self.plans.entry(class_index, best_position)
        return _Context(best_state, context.hotwords, entry), best_score

    def score(self, state: LMState, class_index: int) -> tuple[LMState, float]:
        child = state.child(class_index)
        known = self.contexts.get(child)
        if known is None:
            known = self.best_entry(self.contexts[state][0], class_index)
            self.contexts[child] = known
        return child, known[1]

    def finish(self, state: LMState) -> tuple[LMState, float]:
        return state, self._end_score(self.contexts[state][0])

    def _end_score(self, context: _Context) -> float:
        score = 0.0
        if self.model is not None and context.kenlm_state is not None:
            score = self.lm_weight * LN10 * self.model.BaseScore(context.kenlm_state, "</s>", kenlm.State())
        if self.hotwords is not None:  # unfinished phrases give their provisional credit back
            score -= self.hotwords.credit(context.hotwords) - context.hotwords.banked
        return score

    def replay(self, class_indices: Sequence[int]) -> list[Pronunciation]:
        """The entries the search chose along a class sequence (same scoring, same order)."""
        return self._replayed(class_indices)[1]

    def best_last(self, class_indices: Sequence[int], candidates: Iterable[int]) -> tuple[int, float] | None:
        """The candidate class that best ends the class sequence, and its score with the
        end of the sentence; None when no candidate has an entry in the allowed dialects."""
        context = self._replayed(class_indices)[0]
        best = None
        for index in candidates:
            after, score = self.best_entry(context, index)
            if score <= IMPOSSIBLE:
                continue
            score += self._end_score(after)
            if best is None or score > best[1]:
                best = (index, score)
        return best

    def _replayed(self, class_indices: Sequence[int]) -> tuple[_Context, list[Pronunciation]]:
        context = self._initial()
        chosen = []
        for index in class_indices:
            context, score = self.best_entry(context, index)
            if score <= IMPOSSIBLE or context.entry is None:
                raise ValueError(f"class {index} has no allowed entry")
            chosen.append(context.entry)
        return context, chosen
