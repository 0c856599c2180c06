import pytest

from asr.units import (
    INVENTORY,
    NEUTRAL_TONE,
    TONES,
    UnitError,
    outside_inventory,
    parse_units,
    segment_ipa,
    syllable,
    syllables_of,
    tone_from_chao,
)


@pytest.mark.parametrize(
    ("contour", "token"),
    [("˥", "55"), ("˧˥", "35"), ("˨˩˦", "214"), ("˥˩", "51"), ("214", "214"), ("3", "33"), ("0", "0")],
)
def test_chao_tones_become_digit_tokens(contour: str, token: str) -> None:
    assert tone_from_chao(contour) == token
    assert token in TONES


@pytest.mark.parametrize("bad", ["", "6", "2145", "˥˥˥˥", "a"])
def test_bad_tones_raise(bad: str) -> None:
    with pytest.raises(UnitError):
        tone_from_chao(bad)


@pytest.mark.parametrize(
    ("ipa", "units"),
    [
        ("tɕʰiɪʔ", ["tɕʰ", "i", "ɪ", "ʔ"]),
        ("ʨʰiɪʔ", ["tɕʰ", "i", "ɪ", "ʔ"]),  # ligature affricate
        ("ȵin", ["ɲ", "i", "n"]),
        ("ɦɑ̃", ["ɦ", "ɑ̃"]),  # precomposed or combining tilde
        ("jaːk̚", ["j", "aː", "k"]),  # unreleased mark dropped
        ("kʷʰaː", ["kʷʰ", "aː"]),
        ("vᴇ", ["v", "e"]),
        ("ŋ̍", ["ŋ̩"]),
    ],
)
def test_ipa_segments_longest_match(ipa: str, units: list[str]) -> None:
    assert segment_ipa(ipa) == units
    assert not outside_inventory(units)


@pytest.mark.parametrize("bad", ["ⱼ", "7", "Q", "ʤ̴"])
def test_unknown_symbols_raise(bad: str) -> None:
    with pytest.raises(UnitError):
        segment_ipa(bad)


def test_syllable_ends_with_its_tone() -> None:
    assert syllable("ma", "˨˩˦") == ["m", "a", "214"]
    assert NEUTRAL_TONE in INVENTORY
    with pytest.raises(UnitError):
        syllable("", "55")


def test_a_pronunciation_is_cut_after_each_tone() -> None:
    assert syllables_of(parse_units("tʰ i e n 24 k u ŋ 24")) == [
        ("tʰ", "i", "e", "n", "24"), ("k", "u", "ŋ", "24")
    ]
    assert syllables_of(parse_units("h ɛ l o ʊ")) == [("h", "ɛ", "l", "o", "ʊ")]  # English: no tones
    assert syllables_of(()) == []
