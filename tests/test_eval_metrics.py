"""CER, WER and MER equal an independent edit-distance computation; intervals and
dialect-ID follow their documented rules."""

from __future__ import annotations

import pytest

from eval.metrics import Timing, Token, dialect_matches, ratio_interval, score_utterance, summarize
from eval.normalize import is_word, normalize, tokens


def levenshtein(a: list[str], b: list[str]) -> int:
    """The textbook dynamic programme, written here only to check jiwer's counts."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


PAIRS = [
    ("今天天气很好", "今天天气不好"),
    ("我想问一下社保怎么办理", "我想问社保怎么么办"),
    ("我在等 boss", "我再等 the boss"),
    ("你的 check 是多少", "你 check 是多少钱"),
    ("please call me back", "please call back now"),
    ("或者伦敦系坐火车去", ""),
    ("", "多出来"),
    ("Hello World", "hello, world!"),
]


def _tagged(text: str, dialect: str = "") -> list[Token]:
    return [Token(t, dialect) for t in tokens(normalize(text))]


@pytest.mark.parametrize(("reference", "hypothesis"), PAIRS)
def test_counts_equal_an_independent_levenshtein(reference: str, hypothesis: str) -> None:
    ref, hyp = tokens(normalize(reference)), tokens(normalize(hypothesis))
    score = score_utterance(_tagged(reference), _tagged(hypothesis), "", "")
    chars = ([t for t in ref if not is_word(t)], [t for t in hyp if not is_word(t)])
    words = ([t for t in ref if is_word(t)], [t for t in hyp if is_word(t)])
    assert score.chars.errors == levenshtein(*chars) and score.chars.reference == len(chars[0])
    assert score.words.errors == levenshtein(*words) and score.words.reference == len(words[0])
    assert score.mixed.errors == levenshtein(ref, hyp) and score.mixed.reference == len(ref)


def test_hand_computed_rates() -> None:
    timing = Timing(1.0, 0.1, None, None)
    items = [(score_utterance(_tagged(r), _tagged(h), "", ""), timing) for r, h in PAIRS]
    summary = summarize(items)
    # characters: 1 + 4 + 1 + 2 + 0 + 9 + 3 + 0 = 20 edits over 6 + 11 + 3 + 5 + 0 + 9 = 34
    assert summary["chars"] == 34 and summary["char_errors"] == 20
    assert summary["cer"] == round(20 / 34, 4)
    # English words: 0 + 0 + 1 + 0 + 2 + 0 + 0 + 0 = 3 edits over 1 + 1 + 4 + 2 = 8
    assert (summary["words"], summary["word_errors"], summary["wer"]) == (8, 3, round(3 / 8, 4))
    assert summary["rtf"] == 0.1
    assert summary["first_partial_ms_p50"] is None and summary["final_ms_p95"] is None


def test_bootstrap_interval_is_fixed_and_brackets_the_rate() -> None:
    errors, lengths = [0, 1, 2, 5, 0, 3], [10, 8, 12, 9, 7, 11]
    first, again = ratio_interval(errors, lengths), ratio_interval(errors, lengths)
    assert first == again
    assert first.value == pytest.approx(11 / 57)
    assert first.low is not None and first.high is not None
    assert first.low <= first.value <= first.high
    assert ratio_interval([], []).value is None


def test_dialect_identification() -> None:
    reference = [Token("我", "cmn"), Token("在", "cmn"), Token("等", "cmn"), Token("boss", "en")]
    hypothesis = [Token("我", "cmn"), Token("再", "yue"), Token("等", "cmn"), Token("boss", "cmn")]
    score = score_utterance(reference, hypothesis, "cmn", "yue")
    assert score.dialect_correct is False
    assert (score.word_dialect_matches, score.word_dialect_compared) == (2, 4)
    assert score_utterance(reference, hypothesis, "", "yue").dialect_correct is None


def test_a_place_variety_matches_its_group_label() -> None:
    assert dialect_matches("cmn-x-southwestern", "cmn-x-sichuan")  # KeSpeech's Southwestern
    assert not dialect_matches("cmn-x-southwestern", "yue")
    assert not dialect_matches("cmn-x-sichuan", "cmn")
    assert dialect_matches("yue", "yue")
