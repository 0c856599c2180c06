"""Incremental CTC beam search over shared units, constrained by the union lexicon and
scored by KenLM plus hotwords: flashlight-text's lexicon decoder (C++) with the
homophone-class LM of `asr.decoder_lm`, driven chunk by chunk by `asr.search_stream`.

One `UnitDecoder` per process (the lexicon trie is built once and shared read-only);
one cheap stream per utterance: `accept()` a chunk of log-probabilities, get the best
hypothesis so far; `finish()` for the final n-best. Log-probabilities are natural-log,
frames `frame_shift_s` apart, token 0 is the CTC blank.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import kenlm
from flashlight.lib.text.decoder import (
    CriterionType,
    LexiconDecoder,
    LexiconDecoderOptions,
    SmearingMode,
    Trie,
)

from asr.decode_result import DecodeResult, DecoderOptions, LogProbs, Word
from asr.decoder_lm import HomophoneLM
from asr.hotwords import HotwordMatcher
from asr.lexicon import Pronunciation, read_lexicon
from asr.lm import load_lm
from asr.search_stream import SearchStream, Span

BLANK = "<blk>"


def reading_priors(entries: Iterable[Pronunciation]) -> dict[Pronunciation, float]:
    """ln P(reading | word, dialect) from the lexicon's counts (add-one smoothed), so a
    rare reading of a common character (比 as pí) does not pass for the common one."""
    entries = list(entries)
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for e in entries:
        count, n = totals.get((e.word, e.variety), (0, 0))
        totals[(e.word, e.variety)] = (count + (e.frequency or 0), n + 1)
    priors = {}
    for e in entries:
        count, n = totals[(e.word, e.variety)]
        priors[e] = math.log(((e.frequency or 0) + 1) / (count + n))
    return priors


class UnitDecoder:
    """The shared, read-only part: tokens, pronunciation classes, trie and KenLM."""

    def __init__(
        self, tokens: Sequence[str], entries: Iterable[Pronunciation], lm: kenlm.Model | None
    ) -> None:
        if not tokens or tokens[0] != BLANK:
            raise ValueError(f"token 0 must be the CTC blank {BLANK!r}")
        self.tokens = list(tokens)
        index = {t: i for i, t in enumerate(self.tokens)}
        by_units: dict[tuple[str, ...], list[Pronunciation]] = {}
        self.skipped = 0  # entries using a unit the model does not emit
        for e in entries:
            if all(u in index for u in e.units) and e.units:
                by_units.setdefault(e.units, []).append(e)
            else:
                self.skipped += 1
        prior = reading_priors(e for group in by_units.values() for e in group)
        self.classes = [
            sorted(((e, prior[e]) for e in group), key=lambda ep: (-ep[1], -(ep[0].frequency or 0)))
            for group in by_units.values()
        ]
        self.trie = Trie(len(self.tokens), 0)
        for i, units in enumerate(by_units):
            self.trie.insert([index[u] for u in units], i, 0.0)
        self.trie.smear(SmearingMode.MAX)
        self.lm = lm
        self.dialects = frozenset(e.variety for group in self.classes for e, _ in group)

    def stream(self, options: DecoderOptions | None = None) -> SearchStream:
        options = options or DecoderOptions()
        unknown = set(options.dialects) - self.dialects
        if unknown:
            raise ValueError(f"no lexicon for dialects {sorted(unknown)}; known: {sorted(self.dialects)}")
        hotwords = HotwordMatcher(options.hotwords) if options.hotwords else None
        allowed = frozenset(options.dialects) if options.dialects else None
        lm = HomophoneLM(self.classes, self.lm, options.lm_weight, allowed, hotwords)
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

        return SearchStream(search, len(self.tokens), words_on_path, options)

    def decode(self, logprobs: LogProbs, options: DecoderOptions | None = None) -> DecodeResult:
        stream = self.stream(options)
        stream.accept(logprobs)
        return stream.finish()


def default_tokens(entries: Iterable[Pronunciation]) -> list[str]:
    """Blank plus every unit the entries use, sorted: the decoder's view of a unit model."""
    return [BLANK, *sorted({u for e in entries for u in e.units})]


def load_decoder(
    varieties: Sequence[str], lm_path: Path | None, tokens: Sequence[str] | None = None
) -> UnitDecoder:
    """A decoder over the built lexicons of `varieties` and a built KenLM binary."""
    entries = [e for v in varieties for e in read_lexicon(v)]
    lm = load_lm(lm_path) if lm_path is not None else None
    return UnitDecoder(tokens or default_tokens(entries), entries, lm)


