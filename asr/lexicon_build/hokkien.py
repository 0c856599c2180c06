"""Min Nan (nan, Taiwanese Hokkien) from taibun's word and character dictionaries (Tâi-lô)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

import msgpack

from asr.lexicon_build.source import RawEntry, Source
from asr.notation import tailo


def _load(name: str) -> dict[str, object]:
    data = resources.files("taibun").joinpath(f"data/{name}.msgpack").read_bytes()
    loaded: dict[str, object] = msgpack.unpackb(data)
    return loaded


def read() -> Iterator[RawEntry]:
    for word, spelled in _load("words").items():
        yield RawEntry(word, str(spelled))
    for char, readings in _load("prons").items():
        for reading in readings if isinstance(readings, list) else [readings]:
            yield RawEntry(char, str(reading))


SOURCES = (Source("nan", "taibun", read, tailo.to_units),)
