"""Each normalisation rule of eval/normalize.py, and the tokens scoring counts."""

import pytest

from eval.normalize import is_word, join_tokens, normalize, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３ｘ", "abc123x"),  # full-width → half-width (NFKC), then lower-case
        ("我在等Boss", "我在等 boss"),  # English case; a Latin word is set off by a space
        ("我們統一了", "我们统一了"),  # traditional → simplified
        ("佢哋嘅", "佢哋嘅"),  # characters with no simplified form stay
        ("你好，世界！“对”、（吗）？", "你好世界对吗"),  # punctuation, full- and half-width
        ("Hello, world! Don’t", "hello world don't"),  # an inner apostrophe stays
        ("价格~=¥5", "价格五"),  # symbols go
    ],
)
def test_width_case_script_and_punctuation(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019年", "二零一九年"),  # a year: digit by digit
        ("打12345热线", "打一二三四五热线"),  # five or more digits: digit by digit
        ("007号", "零零七号"),  # a leading zero: digit by digit
        ("25个人", "二十五个人"),  # a quantity
        ("3.5公斤", "三点五公斤"),
        ("50%的人", "百分之五十的人"),
        ("mp3和5G", "mp3 和 5g"),  # digits inside a Latin word stay
        ("我们统一了一下", "我们统一了一下"),  # Chinese numerals are never rewritten
    ],
)
def test_numbers_become_chinese_numerals(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_reference_and_hypothesis_meet_in_one_form() -> None:
    assert normalize("２０１９年，我們去了HK。") == normalize("二零一九年我们去了 hk")


def test_tokens_are_characters_and_english_words() -> None:
    assert tokens("我在等 boss don't") == ["我", "在", "等", "boss", "don't"]
    assert [is_word(t) for t in tokens("等 boss 5g")] == [False, True, True]
    assert join_tokens(["我", "等", "boss", "了"]) == "我等 boss 了"
    assert tokens("") == []
