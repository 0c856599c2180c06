import pytest

from asr.hotwords import Hotword, HotwordMatcher, HotwordState


def run(matcher: HotwordMatcher, words: list[str]) -> float:
    state = HotwordState()
    for w in words:
        state = matcher.advance(state, w)
    return state.banked  # what survives the end of the utterance


def test_boost_is_independent_of_segmentation() -> None:
    m = HotwordMatcher([Hotword("天府广场", 8.0)])
    assert run(m, ["天府广场"]) == 8.0
    assert run(m, ["天府", "广场"]) == 8.0
    assert run(m, ["去", "天", "府", "广", "场", "了"]) == 8.0


def test_partial_match_earns_provisional_credit_that_is_taken_back() -> None:
    m = HotwordMatcher([Hotword("天府广场", 8.0)])
    state = m.advance(HotwordState(), "天府")
    assert m.credit(state) == pytest.approx(4.0)
    broken = m.advance(state, "大道")
    assert m.credit(broken) == 0.0
    assert run(m, ["天府", "大道"]) == 0.0


def test_traditional_and_case_variants_match() -> None:
    m = HotwordMatcher([Hotword("WeChat", 5.0), Hotword("住房公積金", 3.0)])
    assert run(m, ["wechat"]) == 5.0
    assert run(m, ["住房", "公积金"]) == 3.0


def test_overlapping_phrases_each_complete() -> None:
    m = HotwordMatcher([Hotword("社保", 2.0), Hotword("社保卡", 3.0)])
    assert run(m, ["社保", "卡"]) == 5.0


def test_limits_and_empty_phrases() -> None:
    with pytest.raises(ValueError, match="at most 1000"):
        HotwordMatcher([Hotword(f"词{i}", 1.0) for i in range(1001)])
    with pytest.raises(ValueError, match="empty hotword"):
        HotwordMatcher([Hotword("  ", 1.0)])
