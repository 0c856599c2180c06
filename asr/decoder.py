"""Incremental CTC beam search over shared units, constrained by the union lexicon and
scored by KenLM plus hotwords: flashlight-text's lexicon decoder (C++) with the
homophone-class LM of `asr.decoder_lm`, driven chunk by chunk by `asr.search_stream`.

One `UnitDecoder` per process (the lexicon trie is built once and shared read-only,
from the cached index of `asr.decoder_index`);
one cheap stream per utterance: `accept()` a chunk of log-probabilities, get the best
hypothesis so far; `finish()` for the final n-best. Log-probabilities are natural-log,
frames `frame_shift_s` apart, token 0 is the CTC blank.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path

import kenlm
from flashlight.lib.text.decoder import CriterionType, LexiconDecoder, LexiconDecoderOptions, Trie

from asr.decode_result import DecodeResult, DecoderOptions, LogProbs, Word
from asr.decoder_index import BLANK, DecoderIndex, default_tokens, load_index, pack, reading_priors
from asr.decoder_lm import HomophoneLM, Plans
from asr.hotwords import HotwordMatcher
from asr.lexicon import Pronunciation
from asr.lm import load_lm
from asr.search_stream import SearchStream, Span

__all__ = ["BLANK", "UnitDecoder", "default_tokens", "load_decoder", "reading_priors"]


class UnitDecoder:
    """The shared, read-only part: tokens, pronunciation classes, trie and KenLM."""

    def __init__(
        self, tokens: Sequence[str], entries: Iterable[Pronunciation], lm: kenlm.Model | None
    ) -> None:
        if not tokens or tokens[0] != BLANK:
            raise ValueError(f"token 0 must be the CTC blank {BLANK!r}")
        self._setup(DecoderIndex.of(pack(tokens, entries)), lm)

    @classmethod
    def from_index(cls, index: DecoderIndex, lm: kenlm.Model | None) -> UnitDecoder:
        if not index.tokens or index.tokens[0] != BLANK:
            raise ValueError(f"token 0 must be the CTC blank {BLANK!r}")
        decoder = cls.__new__(cls)
        decoder._setup(index, lm)
        return decoder

    def _setup(self, index: DecoderIndex, lm: kenlm.Model | None) -> None:
        self.tokens = list(index.tokens)
        self.classes = index.classes
        self.skipped = index.skipped
        self.dialects = index.dialects
        self.lm = lm
        self.plans = Plans(self.classes, lm) if lm is not None else None  # shared by all streams
        # Every word is inserted with score 0, so smearing (SmearingMode.MAX) would leave
        # every node's max_score at its initial 0: it is skipped (0.4 s of a cold start).
        # flashlight's nodes take ~330 bytes each: the ~230 k classes of the union lexicon
        # the mixed KenLM leaves are 0.5 s of a cold start and ~0.3 GB (asr.decoder_index).
        self.trie = Trie(len(self.tokens), 0)
        flat, offsets = index.class_token_lists()
        token_lists = map(flat.__getitem__, map(slice, offsets[:-1], offsets[1:]))
        deque(map(self.trie.insert, token_lists, range(len(offsets) - 1), repeat(0.0)), maxlen=0)

    def stream(self, options: DecoderOptions | None = None) -> SearchStream:
        options = options or DecoderOptions()
        unknown = set(options.dialects) - self.dialects
        if unknown:
            raise ValueError(f"no lexicon for dialects {sorted(unknown)}; known: {sorted(self.dialects)}")
        hotwords = HotwordMatcher(options.hotwords) if options.hotwords else None
        allowed = frozenset(options.dialects) if options.dialects else None
        lm = HomophoneLM(self.classes, self.lm, options.lm_weight, allowed, hotwords, self.plans)
        search_options = LexiconDecoderOptions(
            beam_size=options.beam_size,
            beam_size_token=options.beam_size_token or len(self.tokens),
            beam_threshold=options.beam_threshold,
            lm_weight=1.0,  # the homophone LM applies lm_weight itself, hotwords unweighted
            word_score=options.word_score,
            unk_score=-math.inf,
            sil_score=0.0,
            log_add=False,
            criterion_type=CriterionType.CTC,
        )
        search = LexiconDecoder(search_options, self.trie, lm, 0, 0, -1, [], False)

        def words_on_path(spans: Sequence[Span], shift: float) -> list[Word]:
            entries = lm.replay([s.label for s in spans])
            return [
                Word(e.word, s.begin * shift, (s.end + 1) * shift, s.confidence, e.variety)
                for s, e in zip(spans, entries, strict=True)
            ]

        def complete(labels: Sequence[int], units: Sequence[int]) -> tuple[int, float] | None:
            last = lm.best_last(labels, nearest_words(self.trie, units))
            return None if last is None else (last[0], last[1] + options.word_score)

        return SearchStream(search, len(self.tokens), words_on_path, options, complete=complete)

    def decode(self, logprobs: LogProbs, options: DecoderOptions | None = None) -> DecodeResult:
        stream = self.stream(options)
        stream.accept(logprobs)
        return stream.finish()


def nearest_words(trie: Trie, units: Sequence[int], most_extra_units: int = 3) -> list[int]:
    """The words the unit sequence begins that need the fewest more units (none, if it
    spells words already), at most `most_extra_units` more: how an utterance that ended
    inside a word (a clipped last syllable, a word the model heard only the start of)
    is finished instead of being dropped."""
    node = trie.search(list(units)) if units else None
    level = [node] if node is not None else []
    for _ in range(most_extra_units + 1):
        labels = [label for n in level for label in n.labels]
        if labels:
            return labels
        level = [child for n in level for child in n.children.values()]
    return []


def load_decoder(
    varieties: Sequence[str], lm_path: Path | None, tokens: Sequence[str] | None = None
) -> UnitDecoder:
    """A decoder over the built lexicons of `varieties` (their index cached, see
    `asr.decoder_index`: the Han words the KenLM does not know are spelled by their
    characters) and a built KenLM binary."""
    lm = load_lm(lm_path) if lm_path is not None else None  # first: its error says how to build it
    index = load_index(list(varieties), list(tokens) if tokens else None, lm_path=lm_path)
    return UnitDecoder.from_index(index, lm)


