"""Standard Mandarin (cmn) from pypinyin's character and phrase dictionaries, plus jieba's
dictionary words (with their frequencies) read through pypinyin."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_tone3
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from asr.lexicon_build.source import RawEntry, Source
from asr.notation import pinyin


@cache
def jieba_frequencies() -> dict[str, int]:
    """Word → count from jieba's bundled dictionary (People's Daily and other corpora)."""
    counts: dict[str, int] = {}
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, count, *_ = line.split(" ")
        counts[word] = counts.get(word, 0) + int(count)
    return counts


def _tone3(syllable: str) -> str:
    return str(to_tone3(syllable, neutral_tone_with_five=True))


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003ffff" for ch in word)


def read() -> Iterator[RawEntry]:
    freq = jieba_frequencies()
    for code, readings in pinyin_dict.items():
        char = chr(code)
        for reading in readings.split(","):
            yield RawEntry(char, _tone3(reading), freq.get(char))
    for phrase, syllables in phrases_dict.items():
        yield RawEntry(phrase, " ".join(_tone3(s[0]) for s in syllables), freq.get(phrase))
    for word, count in freq.items():
        if len(word) > 1 and word not in phrases_dict and _is_han(word):
            spelled = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
            yield RawEntry(word, " ".join(spelled), count)


SOURCES = (Source("cmn", "pypinyin+jieba", read, pinyin.to_units),)
