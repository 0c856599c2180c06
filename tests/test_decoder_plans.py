"""Scoring a pronunciation class by query plan (one KenLM query per distinct word, one
for all OOV words) picks the same entry with the same score as trying every entry."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from asr.decoder import UnitDecoder
from asr.decoder_lm import HomophoneLM
from tests.decoding import build_lm
from tests.test_decoder import LEXICON, TEXT, TOKENS, entry


@pytest.mark.parametrize("allowed", [None, frozenset({"cmn"}), frozenset({"yue", "en"})])
def test_plans_choose_as_every_entry_would(tmp_path: Path, allowed: frozenset[str] | None) -> None:
    lexicon = [*LEXICON, entry("试", "cmn", "ʂ ʅ 51", 3), entry("是", "yue", "ʂ ʅ 51"),  # more homophones,
               entry("市", "cmn", "ʂ ʅ 51"), entry("事", "cmn", "ʂ ʅ 51", 3)]  # some out of the LM
    decoder = UnitDecoder(TOKENS, lexicon, build_lm(tmp_path, [*TEXT, "数学 事 试"]))
    planned = HomophoneLM(decoder.classes, decoder.lm, 0.7, allowed, None, decoder.plans)
    looped = HomophoneLM(decoder.classes, decoder.lm, 0.7, allowed, None)
    looped.plans = None
    start = planned._initial()
    contexts = [start] + [planned.best_entry(start, c)[0] for c in range(len(decoder.classes))]
    for context, c in itertools.product(contexts, range(len(decoder.classes))):
        (a, score_a), (b, score_b) = planned.best_entry(context, c), looped.best_entry(context, c)
        assert (a.entry, score_a) == (b.entry, score_b)


def test_with_an_lm_a_rare_reading_still_pays_its_prior(tmp_path: Path) -> None:
    """行 read háng (7 of 37 in the lexicon's counts) and xíng: KenLM scores the word 行 the
    same either way, so only ln P(reading | word) keeps the rare reading from passing for
    the common one."""
    lexicon = [*LEXICON, entry("行", "cmn", "x a ŋ 35", 7), entry("行", "cmn", "ɕ i ŋ 35", 30)]
    tokens = sorted({*TOKENS, "ɕ", "i", "ŋ", "x", "a"} - {TOKENS[0]})
    decoder = UnitDecoder([TOKENS[0], *tokens], lexicon, build_lm(tmp_path, [*TEXT, "我 行"]))
    lm = HomophoneLM(decoder.classes, decoder.lm, 0.7, None, None, decoder.plans)
    start = lm._initial()
    scores = {}
    for c in range(len(decoder.classes)):
        context, score = lm.best_entry(start, c)
        if context.entry is not None and context.entry.word == "行":
            scores[context.entry.units] = score
    common, rare = scores[("ɕ", "i", "ŋ", "35")], scores[("x", "a", "ŋ", "35")]
    assert common - rare == pytest.approx(math.log(31 / 8))  # add-one smoothed counts
