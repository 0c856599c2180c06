"""The decoder over the real built lexicons (cmn + yue + en) and the default mixed LM."""

import time

import pytest

from asr.decode_result import DecoderOptions
from asr.decoder import UnitDecoder, load_decoder
from asr.hotwords import Hotword
from asr.lm import LM_DIR
from asr.units import parse_units
from tests.decoding import posteriors, say


@pytest.fixture(scope="module")
def union(built: list[str]) -> UnitDecoder:
    return load_decoder(["cmn", "yue", "en"], LM_DIR / "mixed.bin")


def spoken(*prons: str) -> list[str]:
    return [u for p in prons for u in parse_units(p)]


def test_code_switch_over_the_union_lexicon(union: UnitDecoder) -> None:
    # 我 in Cantonese, 想 开 in Mandarin, then "meeting"
    units = spoken("ŋ ɔː 13", "ɕ i a ŋ 214", "kʰ a i 55", "m i tʰ ɪ ŋ")
    best = union.decode(posteriors(union.tokens, say(units))).alternatives[0]
    assert [w.dialect for w in best.words] == ["yue", "cmn", "cmn", "en"]
    assert best.words[0].text == "我" and best.words[-1].text == "meeting"


def test_a_thousand_hotwords_are_accepted(union: UnitDecoder) -> None:
    hot = (*(Hotword(f"热词{i}号", 2.0) for i in range(999)), Hotword("天府广场", 8.0))
    units = spoken("tʰ i ɛ n 55", "f u 214", "k u a ŋ 214", "tʂʰ a ŋ 214")
    started = time.perf_counter()
    result = union.decode(posteriors(union.tokens, say(units)), DecoderOptions(hotwords=hot))
    assert result.transcript == "天府广场"
    assert time.perf_counter() - started < 5  # generous: this is a correctness test
