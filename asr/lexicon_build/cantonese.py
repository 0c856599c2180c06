"""Cantonese (yue, Guangzhou/Hong Kong) from pycantonese: rime-cantonese's word list with
Jyutping, HKCanCor's conversational words (which give frequencies), and ngungu's
`guangdong` IPA dictionary for words the others lack."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from importlib import resources

import pycantonese

from asr.lexicon_build.ngungu_points import ngungu_entries
from asr.lexicon_build.source import RawEntry, Source
from asr.notation import jyutping, ngungu_ipa


@cache
def hkcancor_counts() -> Counter[tuple[str, str]]:
    """(word, jyutping) → count in HKCanCor."""
    counts: Counter[tuple[str, str]] = Counter()
    for token in pycantonese.hkcancor().tokens():
        word, jp = getattr(token, "word", None), getattr(token, "jyutping", None)
        if isinstance(word, str) and isinstance(jp, str) and jp and not word.isascii():
            counts[(word, jp)] += 1
    return counts


def read_rime() -> Iterator[RawEntry]:
    counts = hkcancor_counts()
    by_word: Counter[str] = Counter()
    for (word, _), n in counts.items():
        by_word[word] += n
    data = resources.files("pycantonese.data.rime_cantonese").joinpath("chars_to_jyutping.json")
    for word, jp in json.loads(data.read_text(encoding="utf-8")).items():
        if not word.isascii():
            yield RawEntry(word, jp, by_word.get(word))


def read_hkcancor() -> Iterator[RawEntry]:
    for (word, jp), n in hkcancor_counts().items():
        yield RawEntry(word, jp, n)


def read_ngungu() -> Iterator[RawEntry]:
    return (e for e in ngungu_entries("guangdong") if not e.word.isascii())


SOURCES = (
    Source("yue", "pycantonese:rime-cantonese", read_rime, jyutping.to_units),
    Source("yue", "pycantonese:hkcancor", read_hkcancor, jyutping.to_units),
    Source("yue", "ngungu:guangdong", read_ngungu, ngungu_ipa.to_units),
)
