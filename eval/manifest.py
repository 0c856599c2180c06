"""Evaluation manifests: one JSONL row per utterance, whatever corpus it came from.

A row is {id, audio, text, dialect, variety, duration_s, source, label_kind} with the
optional keys channel, words ([{text, dialect}]), voice and split. `xiangyin synth`
manifests are read as they are: their rows carry no dialect or variety, so both are
derived from the labelled words (`from_words`):

- dialect: the code the engine's Result.dialect is scored against, the dominant word
  dialect, weighted by the words' units (≈ duration) where the manifest has them and
  by characters otherwise;
- variety: the registry variety coverage credits (DESIGN §4). For synthetic rows it is
  the dialect; a real corpus may give a finer one (KeSpeech only gives the group);
- mix: the word dialects joined by "+", dominant first, when the words carry two or
  more (code-switching, scored by the mixed error rate), else "".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABEL_KINDS = ("human", "pseudo", "synthetic", "synthetic-approx")


@dataclass(frozen=True)
class WordRef:
    text: str
    dialect: str
    units: tuple[str, ...] = ()  # the model units it was spoken as, where a synthetic corpus knows them


@dataclass(frozen=True)
class EvalRow:
    id: str
    audio: str  # absolute, or relative to the manifest's folder (`base`)
    text: str
    dialect: str  # "" when the corpus does not say
    variety: str
    duration_s: float  # 0.0 when unknown until the audio is read
    source: str
    label_kind: str
    channel: str = ""
    words: tuple[WordRef, ...] = ()
    voice: str = ""
    split: str = ""  # "" when the corpus has no split
    base: str = ""  # folder that relative audio paths start from (not written out)

    @property
    def audio_path(self) -> Path:
        path = Path(self.audio)
        return path if path.is_absolute() or not self.base else Path(self.base) / path

    @property
    def mix(self) -> str:
        others = sorted({w.dialect for w in self.words if w.dialect} - {self.dialect})
        return "+".join([self.dialect, *others]) if others else ""

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "id": self.id, "audio": self.audio, "text": self.text, "dialect": self.dialect,
            "variety": self.variety, "duration_s": self.duration_s, "source": self.source,
            "label_kind": self.label_kind,
        }
        optional = {"channel": self.channel, "voice": self.voice, "split": self.split}
        data.update({k: v for k, v in optional.items() if v})
        if self.words:
            data["words"] = [
                {"text": w.text, "dialect": w.dialect, **({"units": list(w.units)} if w.units else {})}
                for w in self.words
            ]
        return data


def dominant_dialect(words: Sequence[WordRef], sizes: Sequence[int]) -> str:
    """The dialect with the most weight (units or characters); ties go to the first code."""
    weight: dict[str, int] = {}
    for w, size in zip(words, sizes, strict=True):
        if w.dialect:
            weight[w.dialect] = weight.get(w.dialect, 0) + size
    return max(sorted(weight), key=lambda d: weight[d]) if weight else ""


def from_json(data: dict[str, Any], base: Path | None = None) -> EvalRow:
    """A row of an eval manifest or of a `xiangyin synth` manifest."""
    words = tuple(WordRef(w["text"], w.get("dialect", ""), tuple(w.get("units") or ()))
                  for w in data.get("words") or ())
    sizes = [len(w.get("units") or ()) or len(w["text"]) for w in data.get("words") or ()]
    dialect = data.get("dialect") or dominant_dialect(words, sizes)
    label_kind = data.get("label_kind", "human")
    if label_kind not in LABEL_KINDS:
        raise ValueError(f"row {data.get('id')}: label_kind {label_kind!r} not in {LABEL_KINDS}")
    return EvalRow(
        id=str(data["id"]),
        audio=str(data["audio"]),
        text=str(data["text"]),
        dialect=dialect,
        variety=data.get("variety") or dialect,
        duration_s=float(data.get("duration_s") or 0.0),
        source=str(data.get("source", "")),
        label_kind=label_kind,
        channel=str(data.get("channel", "")),
        words=words,
        voice=str(data.get("voice", "")),
        split=str(data.get("split", "")),
        base=str(base) if base is not None else "",
    )


def read_rows(path: Path) -> list[EvalRow]:
    """A JSONL manifest; relative audio paths start from its folder."""
    with path.open(encoding="utf-8") as f:
        return [from_json(json.loads(line), path.parent) for line in f if line.strip()]


def write_rows(path: Path, rows: Iterable[EvalRow]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row.as_json(), ensure_ascii=False) + "\n")
