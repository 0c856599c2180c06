"""The built lexicons: sizes, inventory, and hand-checked words in every dialect."""

from functools import cache

import pytest

from asr.lexicon import read_lexicon, union_lexicon
from asr.lexicon_check import check_variety, top_characters
from tests.conftest import nfd


@cache
def pronunciations(variety: str) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for e in read_lexicon(variety):
        table.setdefault(e.word, set()).add(" ".join(e.units))
    return table


# Each word was checked by hand against the dialect (citation tones, Chao digits).
HAND_CHECKED: dict[str, dict[str, str]] = {
    "cmn": {
        "银行": "i n 35 x a ŋ 35", "我": "u o 214", "吃饭": "tʂʰ ʅ 55 f a n 51",
        "谢谢": "ɕ i e 51 ɕ i e 51", "学生": "ɕ y e 35 ʂ ə ŋ 55", "中国": "tʂ u ŋ 55 k u o 35",
        "喝水": "x ɤ 55 ʂ u e i 214", "今天": "tɕ i n 55 tʰ i ɛ n 55",
        "电话": "t i ɛ n 51 x u a 51", "医院": "i 55 y ɛ n 51", "水": "ʂ u e i 214",
        "你好": "n i 214 x a u 214", "知道": "tʂ ʅ 55 t a u 51", "人": "ʐ ə n 35",
        "儿子": "ɚ 35 ts ɿ 0", "是": "ʂ ʅ 51", "二": "ɚ 51", "绿": "l y 51",
        "日": "ʐ ʅ 51", "我们": "u o 214 m ə n 0", "不": "p u 51",
    },
    "yue": {
        "银行": "ŋ ɐ n 21 h ɔː ŋ 21", "我": "ŋ ɔː 13", "我们": "ŋ ɔː 13 m uː n 21",
        "谢谢": "ts ɛː 22 ts ɛː 22", "学生": "h ɔː k 22 s aː ŋ 55",
        "中国": "ts ʊ ŋ 55 kʷ ɔː k 33", "今天": "k ɐ m 55 tʰ iː n 55",
        "电话": "t iː n 22 w aː 35", "水": "s ɵ y 35", "你好": "n e i 13 h o u 35",
        "不": "p ɐ t 55", "一": "j ɐ t 55", "是": "s iː 22", "人": "j ɐ n 21",
        "佢": "kʰ ɵ y 13", "嘅": "k ɛː 33", "食饭": "s ɪ k 22 f aː n 22",
        "唔该": "m̩ 21 k ɔː i 55", "系": "h ɐ i 22", "佢哋": "kʰ ɵ y 13 t e i 22",
        "冇": "m o u 13", "睇": "tʰ ɐ i 35", "广州": "kʷ ɔː ŋ 35 ts ɐ u 55",
        "香港": "h œː ŋ 55 k ɔː ŋ 35",
    },
    "wuu-x-shanghai": {
        "银行": "ɲ i n 13 ɦ ɑ̃ 13", "我": "ŋ u 13", "吃饭": "tɕʰ i ɪ ʔ 55 v e 13",
        "谢谢": "ʑ i a 13 ʑ i a 13", "学生": "ɦ o ʔ 12 s ã 53", "喝水": "h ə ʔ 55 s ɿ 34",
        "水": "s ɿ 34", "朋友": "b ã 13 ɦ i ɤ 13", "知道": "ts ɿ 53 d ɔ 13",
        "不": "p ə ʔ 55", "二": "ɲ i 13", "是": "z ɿ 13", "人": "ɲ i n 13",
        "侬": "n o ŋ 13", "伊": "i 53", "勿": "v ə ʔ 12", "白相": "b a ʔ 12 ɕ i ã 53",
        "物事": "m ə ʔ 12 z ɿ 13", "辰光": "z ə n 13 k u ɑ̃ 53", "学堂": "ɦ o ʔ 12 d ɑ̃ 13",
        "欢喜": "h u ø 53 ɕ i 34", "晓得": "ɕ i ɔ 34 t ə ʔ 55", "小囡": "ɕ i ɔ 34 n ø 53",
    },
    "cmn-x-sichuan": {
        "银行": "n i n 21 x a ŋ 21", "我": "ŋ o 53", "你": "n i 53", "他": "tʰ a 55",
        "吃": "tsʰ ɿ 21", "饭": "f a n 213", "水": "s u e i 53", "好": "x a u 53",
        "巴适": "p a 55 s ɿ 21", "耍": "s u a 53", "晓得": "ɕ i a u 53 t e 21",
        "啥子": "s a 213 ts ɿ 55", "去": "tɕʰ y 213", "大": "t a 213", "小": "ɕ i a u 53",
        "不": "p u 21", "一": "i 21", "二": "ɚ 213", "是": "s ɿ 213", "人": "z ə n 21",
    },
    "nan": {
        "银行": "ɡ i n 24 h a ŋ 24", "我": "ɡ u a 53", "你": "l i 53", "伊": "i 44",
        "台湾": "t a i 24 u a n 24", "多谢": "t o 44 s i a 33", "好": "h o 53",
        "人": "l a ŋ 24", "水": "ts u i 53", "茶": "t e 24", "厝": "tsʰ u 21",
        "今仔日": "k i n 44 a 53 dz i t 44", "学生": "h a k 44 s i ŋ 44",
        "中国": "t i o ŋ 44 k o k 32", "电话": "t i a n 33 u e 33", "朋友": "p i ŋ 24 i u 53",
        "一": "ts i t 44", "二": "dz i 33", "是": "s i 33", "不": "p u t 32",
    },
    "hak": {  # Sixian
        "𠊎": "ŋ a i 11", "佢": "k i 11", "你": "n̩ 11", "食饭": "s ɨ t 55 f a n 55",
        "客家": "h a k 22 k a 24", "人": "ŋ i n 11", "水": "s u i 31", "天光": "tʰ i e n 24 k o ŋ 24",
        "无": "m o 11", "一": "i t 22", "二": "ŋ i 55", "三": "s a m 24", "十": "s ɨ p 55",
        "火车": "f o 31 tsʰ a 24", "讲": "k o ŋ 31", "系": "h e 55", "今晡日": "k i m 24 p u 24 ŋ i t 22",
        "细人": "s e 55 ŋ i n 11", "毋": "m̩ 11", "靓": "tɕ i a ŋ 24", "银行": "ŋ i u n 11 h o ŋ 11",
        "落水": "l o k 55 s u i 31",
    },
    "en": {
        "meeting": "m i tʰ ɪ ŋ", "email": "i m e ɪ l", "app": "æ pʰ", "okay": "o ʊ kʰ e ɪ",
        "wifi": "w a ɪ f a ɪ", "hello": "h ɛ l o ʊ", "phone": "f o ʊ n", "water": "w ɔ tʰ ɚ",
        "office": "ɔ f ɪ s", "bank": "b æ ŋ kʰ", "taxi": "tʰ æ kʰ s i", "online": "ɔ n l a ɪ n",
        "shopping": "ʃ ɑ pʰ ɪ ŋ", "party": "pʰ ɑ ɹ tʰ i", "download": "d a ʊ n l o ʊ d",
        "video": "v ɪ d i o ʊ", "sorry": "s ɑ ɹ i", "bye": "b a ɪ", "check": "tʃʰ ɛ kʰ",
        "project": "pʰ ɹ ɑ dʒ ɛ kʰ tʰ",
    },
}


@pytest.mark.parametrize(
    ("variety", "word", "expected"),
    [(v, w, u) for v, words in HAND_CHECKED.items() for w, u in words.items()],
)
def test_hand_checked_word(built: list[str], variety: str, word: str, expected: str) -> None:
    assert nfd(expected) in pronunciations(variety).get(word, set()), (
        f"{variety} {word}: have {pronunciations(variety).get(word)}"
    )


def test_every_dialect_has_twenty_hand_checked_words() -> None:
    assert all(len(words) >= 20 for words in HAND_CHECKED.values())


def test_yinhang_differs_between_mandarin_and_cantonese(built: list[str]) -> None:
    union = union_lexicon(["cmn", "yue"])
    by_variety = {e.variety: " ".join(e.units) for e in union["银行"]}
    assert by_variety["cmn"] != by_variety["yue"]


@pytest.mark.parametrize(
    ("variety", "minimum"),
    [("cmn", 100_000), ("yue", 30_000), ("nan", 10_000), ("hak", 100_000), ("en", 100_000)],
)
def test_lexicon_sizes(built: list[str], variety: str, minimum: int) -> None:
    assert check_variety(variety).entries >= minimum


def test_at_least_ten_wu_points(built: list[str]) -> None:
    wu = [v for v in built if v.startswith("wuu-x-")]
    assert len(wu) >= 10, wu


def test_no_unit_outside_the_inventory(built: list[str]) -> None:
    outside = {v: check_variety(v).units_outside_inventory for v in built}
    assert outside == dict.fromkeys(built, 0)


def test_top3500_coverage_is_measured(built: list[str]) -> None:
    assert len(top_characters()) == 3500
    assert {"的", "一", "是", "人"} <= set(top_characters()[:50])
    assert check_variety("cmn").top3500_coverage > 0.99
    assert 0.5 < check_variety("wuu-x-wenzhou").top3500_coverage < check_variety("cmn").top3500_coverage


def test_lexicon_is_simplified_for_chinese_but_keeps_cantonese_characters(built: list[str]) -> None:
    yue = pronunciations("yue")
    assert "银行" in yue and "銀行" not in yue
    assert "佢哋" in yue


def test_a_hakka_character_reads_first_as_its_words_read_it(built: list[str]) -> None:
    """formog2p has no counts: a character's frequency is how many of its words read it so."""
    readings = sorted(read_lexicon("hak"), key=lambda e: -(e.frequency or 0))
    first = {}
    for e in readings:
        first.setdefault(e.word, " ".join(e.units))
    assert first["人"] == "ŋ i n 11" and first["你"] == "ŋ̩ 11" and first["毋"] == "m̩ 11"
