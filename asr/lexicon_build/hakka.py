"""Hakka (hak, read as Sixian 四縣) from formog2p's Sixian word list (IPA).

The package is read as data and never imported: importing it replaces jieba's global
Han-character pattern, which would change how the rest of the project segments text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

from asr.lexicon_build.source import RawEntry, Source
from asr.notation import sixian


def word_list() -> Path:
    spec = find_spec("formog2p")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("formog2p is not installed (pip install formog2p)")
    return Path(next(iter(spec.submodule_search_locations))) / "lexicon" / "ipa" / "hak_sx.json"


def read() -> Iterator[RawEntry]:
    """Every reading of every word; a single character's frequency is how many words of
    the list read it that way (the list has no counts, and 你 has five readings)."""
    words: dict[str, list[str]] = json.loads(word_list().read_text(encoding="utf-8"))
    in_words: Counter[tuple[str, str]] = Counter()
    for word, readings in words.items():
        for reading in readings:
            syllables = reading.split()
            if len(word) > 1 and len(syllables) == len(word):
                in_words.update(zip(word, syllables, strict=True))
    for word, readings in words.items():
        for reading in readings:
            frequency = in_words[(word, reading)] if len(word) == 1 else None
            yield RawEntry(word, reading, frequency)


SOURCES = (Source("hak", "formog2p-sixian", read, sixian.to_units),)
