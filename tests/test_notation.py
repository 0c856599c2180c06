"""Every source notation lands on the shared inventory, tones included."""

import unicodedata

import pytest

from asr.notation import arpabet, jyutping, ngungu_ipa, pinyin, sichuan, sixian, tailo
from asr.units import UnitError, outside_inventory


def units(text: str) -> list[str]:
    """Expected units as written here (NFC) in the inventory's NFD spelling."""
    return unicodedata.normalize("NFD", text).split()


@pytest.mark.parametrize(
    ("spelled", "expected"),
    [
        ("yin2 hang2", "i n 35 x a ŋ 35"),
        ("ma1 ma2 ma3 ma4 ma5", "m a 55 m a 35 m a 214 m a 51 m a 0"),
        ("zhi1 chi1 shi1 ri4", "tʂ ʅ 55 tʂʰ ʅ 55 ʂ ʅ 55 ʐ ʅ 51"),
        ("zi3 ci2 si4", "ts ɿ 214 tsʰ ɿ 35 s ɿ 51"),
        ("nv3 lve4 lü4", "n y 214 l y e 51 l y 51"),
        ("ju2 que4 xuan3 yun2", "tɕ y 35 tɕʰ y e 51 ɕ y ɛ n 214 y n 35"),
        ("wo3 wei4 you3", "u o 214 u e i 51 i o u 214"),
        ("er2 wanr2", "ɚ 35 u a n ɚ 35"),
        ("ng2 m2", "ŋ̩ 35 m̩ 35"),
        ("xiong2 jiu3 gui4 dun1", "ɕ y ŋ 35 tɕ i o u 214 k u e i 51 t u ə n 55"),
    ],
)
def test_pinyin(spelled: str, expected: str) -> None:
    assert pinyin.to_units(spelled) == units(expected)


@pytest.mark.parametrize("bad", ["yin", "yin6", "xong1", "bv1"])
def test_pinyin_rejects(bad: str) -> None:
    with pytest.raises(UnitError):
        pinyin.to_units(bad)


@pytest.mark.parametrize(
    ("spelled", "expected"),
    [
        ("ngan4 hong4", "ŋ ɐ n 21 h ɔː ŋ 21"),
        ("si1 si2 si3 si4 si5 si6", "s iː 55 s iː 35 s iː 33 s iː 21 s iː 13 s iː 22"),
        ("sik1 sik3 sik6", "s ɪ k 55 s ɪ k 33 s ɪ k 22"),
        ("ngan4hong4", "ŋ ɐ n 21 h ɔː ŋ 21"),
        ("gwong2 dung1 waa2", "kʷ ɔː ŋ 35 t ʊ ŋ 55 w aː 35"),
        ("heoi3 ceot1 hoeng1", "h ɵ y 33 tsʰ ɵ t 55 h œː ŋ 55"),
        ("m4 ng5", "m̩ 21 ŋ̩ 13"),
        ("jyut6 kwaa1", "j yː t 22 kʷʰ aː 55"),
    ],
)
def test_jyutping(spelled: str, expected: str) -> None:
    assert jyutping.to_units(spelled) == units(expected)


@pytest.mark.parametrize("bad", ["ngan", "ngan7", "vi1", "ngan4x"])
def test_jyutping_rejects(bad: str) -> None:
    with pytest.raises(UnitError):
        jyutping.to_units(bad)


@pytest.mark.parametrize(
    ("spelled", "expected"),
    [
        ("gîn-hâng", "ɡ i n 24 h a ŋ 24"),
        # the seven Taiwanese tones by diacritic, with 4 and 8 on stop codas
        ("kun kún kùn kut kûn kūn ku̍t", "k u n 44 k u n 53 k u n 21 k u t 32 k u n 24 k u n 33 k u t 44"),
        ("--ah", "a ʔ 0"),
        ("tshiūnn", "tsʰ ĩ ũ 33"),
        ("sńg m̄ n̂g", "s ŋ̩ 53 m̩ 33 ŋ̩ 24"),
        ("oo", "ɔ 44"),
    ],
)
def test_tailo(spelled: str, expected: str) -> None:
    assert tailo.to_units(spelled) == units(expected)


@pytest.mark.parametrize(
    ("poj", "tailo_spelling"),
    [("chhù", "tshù"), ("chiaⁿ", "tsiann"), ("o͘", "oo"), ("hoa", "hua"), ("lêng", "lîng")],
)
def test_poj_and_tailo_agree(poj: str, tailo_spelling: str) -> None:
    assert tailo.to_units(poj) == tailo.to_units(tailo_spelling)


def test_tailo_rejects() -> None:
    with pytest.raises(UnitError):
        tailo.to_units("xyz")


@pytest.mark.parametrize(
    ("value", "point", "expected"),
    [
        ("ŋɐn˨˩-hɔːŋ˨˩$", "guangdong", "ŋ ɐ n 21 h ɔː ŋ 21"),
        ("jaːk̚˧-faːn˨$", "guangdong", "j aː k 33 f aː n 22"),
        # Shanghai writes tone categories as digits
        ("ȵin6-ɦɑ̃6$", "shanghai", "ɲ i n 13 ɦ ɑ̃ 13"),
        ("tɕʰiɪʔ7-vᴇ6$", "shanghai", "tɕʰ i ɪ ʔ 55 v e 13"),
        ("ŋu1 ", "shanghai", "ŋ u 53"),
        ("ʦʰɿ˨˩˧$", "wenzhou", "tsʰ ɿ 213"),
        ("ʨʰiəʔ˦˧-ʦɿ$", "suzhou", "tɕʰ i ə ʔ 43 ts ɿ 0"),  # toneless tail is neutral
        ("∅iŋ˧˧˦$", "sanmen", "i ŋ 334"),
        ("ər˧˦$", "changzhou", "ɚ 34"),
    ],
)
def test_ngungu_ipa(value: str, point: str, expected: str) -> None:
    assert ngungu_ipa.to_units(value, point) == units(expected)


@pytest.mark.parametrize(
    ("value", "point"), [("mei˨˨7$", "tiantai"), ("sʮei˧˧(或ɕi˧˧)$", "hangzhou"), ("$", "suzhou")]
)
def test_ngungu_rejects(value: str, point: str) -> None:
    with pytest.raises(UnitError):
        ngungu_ipa.to_units(value, point)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ŋo3$", "ŋ o 53"),
        ("nin2-haŋ2$", "n i n 21 x a ŋ 21"),
        ("ma1-ma2-ma3-ma4-ma5$", "m a 55 m a 21 m a 53 m a 213 m a 21"),
        ("cɿ2$", "tsʰ ɿ 21"),
        ("zɿan3$", "tʂ a n 53"),
        ("qü4$", "tɕʰ y 213"),
        ("ə`2$", "ɚ 21"),
    ],
)
def test_sichuan(value: str, expected: str) -> None:
    assert sichuan.to_units(value) == units(expected)


@pytest.mark.parametrize("bad", ["mau`4$", "Cgue5$", "ma$"])
def test_sichuan_rejects(bad: str) -> None:
    with pytest.raises(UnitError):
        sichuan.to_units(bad)


@pytest.mark.parametrize(
    ("phones", "expected"),
    [
        ("M IY1 T IH0 NG", "m i tʰ ɪ ŋ"),
        ("AH0 B AW1 T", "ə b a ʊ tʰ"),
        ("W AO1 T ER0", "w ɔ tʰ ɚ"),
        ("CH EH1 K", "tʃʰ ɛ kʰ"),
        ("JH AH1 JH", "dʒ ʌ dʒ"),
    ],
)
def test_arpabet(phones: str, expected: str) -> None:
    result = arpabet.to_units(phones)
    assert result == units(expected)
    assert not outside_inventory(result)


def test_arpabet_rejects() -> None:
    with pytest.raises(UnitError):
        arpabet.to_units("XX1")


@pytest.mark.parametrize(
    ("ipa", "expected"),
    [
        ("tʰ-ien_24 k-uŋ_24", "tʰ i e n 24 k u ŋ 24"),
        ("l-ok_5 s-ui_31", "l o k 55 s u i 31"),  # a one-digit (checked) tone is doubled
        ("it_2 h-a_24", "i t 22 h a 24"),  # no initial
        ("t͡sʰ-ut_2 t͡ɕ-iu_31", "tsʰ u t 22 tɕ i u 31"),  # tie bars dropped
        ("ŋ̩_11 s-ɨ_55", "ŋ̩ 11 s ɨ 55"),
    ],
)
def test_sixian(ipa: str, expected: str) -> None:
    assert sixian.to_units(ipa) == units(expected)


@pytest.mark.parametrize("bad", ["", "tʰ-ien", "tʰ-ien_24_1", "k-a_9"])
def test_sixian_rejects(bad: str) -> None:
    with pytest.raises(UnitError):
        sixian.to_units(bad)


@pytest.mark.parametrize(
    ("units_", "spelled", "tone"),
    [
        ("tʰ i e n 24", "thiên", "1"),
        ("l o i 11", "lòi", "2"),
        ("s ɨ 31", "sií", "3"),
        ("k u a i 55", "koai", "4"),  # medial u before a is spelt o
        ("i t 22", "it", "5"),
        ("l o k 55", "lo\u030dk", "6"),  # 陽入: the same contour as 去, with a stop
        ("ŋ̩ 11", "ǹg", "2"),  # a syllabic nasal carries the mark on its first letter
        ("tsʰ u t 22", "chhut", "5"),
    ],
)
def test_sixian_spelt_for_espeak(units_: str, spelled: str, tone: str) -> None:
    assert sixian.espeak_syllable(units(units_)) == (unicodedata.normalize("NFC", spelled), tone)


def test_sixian_spelling_rejects_a_tone_the_syllable_cannot_have() -> None:
    with pytest.raises(UnitError):
        sixian.espeak_syllable(units("k a p 31"))  # a stop coda takes only 22 or 55
