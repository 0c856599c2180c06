"""The `ngungu` dialect dictionaries: every Wu point, Sichuanese, and Guangzhou Cantonese.

ngungu ships OpenCC `.ocd2` dictionaries, read here through the `opencc_dict` tool that
the OpenCC wheel carries. `lexicons/points.tsv` ties each point to its variety code and
to the registry row (prefecture) it lies in.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import opencc

from asr.lexicon import LEXICONS_DIR
from asr.lexicon_build.source import RawEntry, Source
from asr.notation import ngungu_ipa, sichuan


@dataclass(frozen=True)
class Point:
    point: str
    variety: str
    adcode: str
    place: str
    note: str


@cache
def points() -> tuple[Point, ...]:
    with (LEXICONS_DIR / "points.tsv").open(encoding="utf-8", newline="") as f:
        return tuple(Point(**row) for row in csv.DictReader(f, delimiter="\t"))


def ngungu_entries(point: str) -> Iterator[RawEntry]:
    """Every (word, IPA) of one ngungu point, dumped from its .ocd2 file."""
    ocd2 = Path(str(resources.files("ngungu").joinpath(f"dict/{point}.ocd2")))
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / f"{point}.txt"
        subprocess.run(
            [str(tool), "-i", str(ocd2), "-o", str(text), "-f", "ocd2", "-t", "text"],
            check=True, capture_output=True,
        )
        lines = text.read_text(encoding="utf-8").splitlines()
    for line in lines:
        word, values = line.split("\t", 1)
        for value in values.split(" "):
            yield RawEntry(word, value)


def _source(p: Point) -> Source:
    to_units = sichuan.to_units if p.point == "sichuan" else (
        lambda text, point=p.point: ngungu_ipa.to_units(text, point)
    )
    return Source(p.variety, f"ngungu:{p.point}", lambda: ngungu_entries(p.point), to_units)


SOURCES = tuple(_source(p) for p in points() if p.point != "guangdong")
