"""The lexicon + KenLM + hotword decoder on constructed posteriors and real LMs."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from asr.decode_result import DecoderOptions, join_words
from asr.decoder import BLANK, UnitDecoder
from asr.hotwords import Hotword
from asr.lexicon import Pronunciation
from asr.units import parse_units
from tests.decoding import build_lm, posteriors, say


def entry(word: str, variety: str, units: str, freq: int | None = None) -> Pronunciation:
    return Pronunciation(word, variety, parse_units(units), freq, "test")


LEXICON = [
    entry("我", "cmn", "u o 214", 100),
    entry("我", "yue", "ŋ ɔː 13", 100),
    entry("去", "cmn", "tɕʰ y 51", 90),
    entry("银行", "cmn", "i n 35 x a ŋ 35", 50),
    entry("印行", "cmn", "i n 51 x a ŋ 35", 1),
    entry("取", "cmn", "tɕʰ y 214", 40),
    entry("钱", "cmn", "tɕʰ i ɛ n 35", 60),
    entry("公式", "cmn", "k u ŋ 55 ʂ ʅ 51", 30),
    entry("攻势", "cmn", "k u ŋ 55 ʂ ʅ 51", 10),
    entry("数学", "cmn", "ʂ u 51 ɕ y e 35", 20),
    entry("开", "cmn", "kʰ a i 55", 20),
    entry("meeting", "en", "m i tʰ ɪ ŋ"),
    entry("天", "cmn", "tʰ i ɛ n 55", 20),
    entry("府", "cmn", "f u 214", 5),
    entry("斧", "cmn", "f u 214", 9),
]
TOKENS = [BLANK, *sorted({u for e in LEXICON for u in e.units})]
TEXT = ["我 去 银行 取 钱"] * 20 + ["数学 公式"] * 10 + ["我 去 开 meeting"] * 5 + ["我 取 钱"] * 3


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> UnitDecoder:
    lm = build_lm(tmp_path_factory.mktemp("lm"), TEXT)
    return UnitDecoder(TOKENS, LEXICON, lm)


def units(*words: tuple[str, str]) -> list[str]:
    table = {(e.word, e.variety): list(e.units) for e in LEXICON}
    return [u for w in words for u in table[w]]


def yinhang_with_a_misleading_tone() -> np.ndarray:
    """我 去 银行: the first tone of 银行 sounds slightly more like 51 (印行) than 35."""
    frames = say(units(("我", "cmn"), ("去", "cmn")))
    frames += ["i", BLANK, "n", BLANK, {"51": 0.55, "35": 0.44}, BLANK, "x", "a", "ŋ", "35", BLANK, BLANK]
    return posteriors(TOKENS, frames)


def test_lm_fixes_the_homophone_that_acoustics_got_wrong(decoder: UnitDecoder) -> None:
    logp = yinhang_with_a_misleading_tone()
    acoustics_only = decoder.decode(logp, DecoderOptions(lm_weight=0.0))
    with_lm = decoder.decode(logp, DecoderOptions(lm_weight=1.0))
    assert acoustics_only.transcript == "我去印行"
    assert with_lm.transcript == "我去银行"


def test_exact_homophones_are_chosen_by_context(decoder: UnitDecoder) -> None:
    logp = posteriors(TOKENS, say(units(("数学", "cmn"), ("公式", "cmn"))))
    assert decoder.decode(logp, DecoderOptions(lm_weight=1.0)).transcript == "数学公式"


def test_hotword_flips_an_ambiguous_decode(decoder: UnitDecoder) -> None:
    logp = posteriors(TOKENS, say(units(("数学", "cmn"), ("攻势", "cmn"))))
    plain = decoder.decode(logp, DecoderOptions(lm_weight=1.0))
    boosted = decoder.decode(logp, DecoderOptions(lm_weight=1.0, hotwords=(Hotword("攻势", 12.0),)))
    assert plain.transcript == "数学公式"
    assert boosted.transcript == "数学攻势"


def test_hotword_missing_from_the_lexicon_is_matched_through_its_characters(decoder: UnitDecoder) -> None:
    logp = posteriors(TOKENS, say(units(("天", "cmn"), ("府", "cmn"))))
    plain = decoder.decode(logp, DecoderOptions(lm_weight=0.0))
    boosted = decoder.decode(logp, DecoderOptions(lm_weight=0.0, hotwords=(Hotword("天府", 6.0),)))
    assert plain.transcript == "天斧"  # the commoner homophone wins without help
    assert boosted.transcript == "天府"


def test_no_hotword_is_inserted_into_silence(decoder: UnitDecoder) -> None:
    silence = posteriors(TOKENS, [BLANK] * 50)
    hot = tuple(Hotword(p, 30.0) for p in ("银行", "攻势", "meeting", "天府"))
    result = decoder.decode(silence, DecoderOptions(hotwords=hot, max_alternatives=3))
    assert all(a.transcript == "" for a in result.alternatives)


def test_code_switch_tags_each_word_with_its_dialect(decoder: UnitDecoder) -> None:
    logp = posteriors(TOKENS, say(units(("我", "yue"), ("去", "cmn"), ("开", "cmn"), ("meeting", "en"))))
    best = decoder.decode(logp, DecoderOptions(lm_weight=0.5)).alternatives[0]
    assert [(w.text, w.dialect) for w in best.words] == [
        ("我", "yue"), ("去", "cmn"), ("开", "cmn"), ("meeting", "en")
    ]
    assert best.transcript == "我去开 meeting"


def test_an_utterance_that_ends_inside_its_only_word_is_finished(decoder: UnitDecoder) -> None:
    """The model heard "meeting" without its last unit, and the beam kept only the path
    that waits inside the word: the answer is the word it begins, not nothing."""
    clipped = units(("meeting", "en"))[:-1]
    result = decoder.decode(posteriors(TOKENS, say(clipped), floor=1e-9), DecoderOptions(beam_size=1))
    assert [(w.text, w.dialect) for w in result.alternatives[0].words] == [("meeting", "en")]
    assert result.dialect == "en"
    word = result.alternatives[0].words[0]
    assert 0 < word.start_s < word.end_s <= len(say(clipped)) * 0.04


def test_dialect_hints_restrict_the_lexicon(decoder: UnitDecoder) -> None:
    logp = posteriors(TOKENS, say(units(("我", "yue"), ("去", "cmn"))))
    result = decoder.decode(logp, DecoderOptions(dialects=("cmn",)))
    assert all(w.dialect == "cmn" for w in result.alternatives[0].words)
    assert decoder.decode(logp).alternatives[0].words[0].dialect == "yue"
    with pytest.raises(ValueError, match="no lexicon for dialects"):
        decoder.stream(DecoderOptions(dialects=("hak",)))


def test_incremental_equals_batch(decoder: UnitDecoder) -> None:
    logp = yinhang_with_a_misleading_tone()
    options = DecoderOptions(max_alternatives=3)
    batch = decoder.decode(logp, options)
    stream = decoder.stream(options)
    partials = [stream.accept(logp[i : i + 4]) for i in range(0, len(logp), 4)]
    final = stream.finish()
    assert final.alternatives == batch.alternatives
    assert all(not p.is_final for p in partials) and final.is_final
    assert partials[-1].transcript in (final.transcript, final.transcript[:-2])


def test_partials_grow_and_stability_rises(decoder: UnitDecoder) -> None:
    sentence = [("我", "cmn"), ("去", "cmn"), ("银行", "cmn"), ("取", "cmn"), ("钱", "cmn")]
    logp = posteriors(TOKENS, say(units(*sentence)))
    stream = decoder.stream(DecoderOptions(lm_weight=1.0))
    partials = [stream.accept(logp[i : i + 3]) for i in range(0, len(logp), 3)]
    final = stream.finish()
    assert final.transcript == "我去银行取钱"
    assert any(p.transcript for p in partials)
    assert all(final.transcript.startswith(p.transcript) for p in partials)
    assert partials[0].stability == 0.0 and max(p.stability for p in partials) > 0.5
    assert final.stability == 1.0


def test_word_times_confidences_and_nbest(decoder: UnitDecoder) -> None:
    logp = yinhang_with_a_misleading_tone()
    result = decoder.decode(logp, DecoderOptions(max_alternatives=3, lm_weight=1.0))
    assert 1 < len(result.alternatives) <= 3
    assert len({a.transcript for a in result.alternatives}) == len(result.alternatives)
    assert sum(a.confidence for a in result.alternatives) <= 1.0 + 1e-6
    words = result.alternatives[0].words
    duration = len(logp) * 0.04
    for a, b in itertools.pairwise(words):
        assert a.end_s <= b.start_s
    for w in words:
        assert 0 <= w.start_s < w.end_s <= duration
        assert 0 < w.confidence <= 1
    yinhang = words[2]
    assert yinhang.text == "银行" and yinhang.confidence < words[0].confidence
    assert result.dialect == "cmn"


def test_bad_input_is_a_clear_error(decoder: UnitDecoder) -> None:
    stream = decoder.stream()
    with pytest.raises(ValueError, match="expected"):
        stream.accept(np.zeros((4, 3), dtype=np.float32))
    bad = np.full((2, len(TOKENS)), np.nan, dtype=np.float32)
    with pytest.raises(ValueError, match="NaN"):
        stream.accept(bad)
    with pytest.raises(ValueError, match="blank"):
        UnitDecoder(["a", BLANK], LEXICON, None)


def test_join_words() -> None:
    assert join_words(["我", "去", "开", "meeting", "了"]) == "我去开 meeting 了"
    assert join_words(["ok", "wifi"]) == "ok wifi"


def test_decoder_without_lm_still_decodes(tmp_path: Path) -> None:
    plain = UnitDecoder(TOKENS, LEXICON, None)
    logp = posteriors(TOKENS, say(units(("我", "cmn"), ("取", "cmn"), ("钱", "cmn"))))
    assert plain.decode(logp).transcript == "我取钱"
