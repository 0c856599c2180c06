"""Standard Mandarin (cmn) from pypinyin's character and phrase dictionaries, plus jieba's
dictionary words (with their frequencies) read through pypinyin.

pypinyin holds both scripts; only simplified forms are kept, since converting a
traditional character can land one reading on another character (乾 qián ≠ 干)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_tone3
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from asr.jieba_quiet import quiet_jieba
from asr.lexicon_build.source import RawEntry, Source
from asr.notation import pinyin
from asr.script import is_han, simplified


@cache
def jieba_frequencies() -> dict[str, int]:
    """Word → count from jieba's bundled dictionary (People's Daily and other corpora)."""
    counts: dict[str, int] = {}
    text = resources.files(quiet_jieba()).joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, count, *_ = line.split(" ")
        counts[word] = counts.get(word, 0) + int(count)
    return counts


def _tone3(syllable: str) -> str:
    return str(to_tone3(syllable, neutral_tone_with_five=True))



SECONDARY_READING_SHARE = 100  # a secondary reading gets 1/100 of the character's count


def read() -> Iterator[RawEntry]:
    """Corpora count characters, not readings: pypinyin lists a character's commonest
    reading first, which gets the character's count; each other reading gets 1 %."""
    freq = jieba_frequencies()
    for code, readings in pinyin_dict.items():
        char = chr(code)
        if simplified(char) != char:  # 乾 (qián) must not become a reading of 干
            continue
        count = freq.get(char)
        for rank, reading in enumerate(readings.split(",")):
            share = count if count is None or rank == 0 else count // SECONDARY_READING_SHARE
            yield RawEntry(char, _tone3(reading), share)
    for phrase, syllables in phrases_dict.items():
        if simplified(phrase) != phrase:
            continue
        yield RawEntry(phrase, " ".join(_tone3(s[0]) for s in syllables), freq.get(phrase))
    for word, count in freq.items():
        if len(word) > 1 and word not in phrases_dict and is_han(word) and simplified(word) == word:
            spelled = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
            yield RawEntry(word, " ".join(spelled), count)


SOURCES = (Source("cmn", "pypinyin+jieba", read, pinyin.to_units),)
