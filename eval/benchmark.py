"""Fixed synthetic benchmark sets, so figures compare across versions.

A set is a committed folder `eval/benchmarks/NAME/` with `benchmark.json` (the
`xiangyin synth` seed and dialects, the split and the number of utterances) and
`manifest.jsonl` (the rows: ids, texts, word dialects, channels; no audio). Utterance i
of a synthetic corpus is fully determined by (seed, i), so the audio is regenerated on
demand into a cache folder (`materialise`) and each regenerated row is checked against
the committed one: same text, same duration. A mismatch (another espeak-ng or lexicon
build) is an error, not a silently different benchmark.

`python -m eval.benchmark NAME` (re)writes a set's manifest from its benchmark.json.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from itertools import count, islice
from pathlib import Path

import numpy as np
from tqdm import tqdm

from asr.synth.corpus import TEST_UTTERANCE_SHARE, SynthOptions, Utterance, sentence_pools, synthesise
from eval.manifest import EvalRow, from_json, read_rows, write_rows

BENCHMARKS_DIR = Path(__file__).parent / "benchmarks"
DURATION_TOLERANCE_S = 0.002


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    seed: int
    dialects: tuple[str, ...]
    utterances: int
    split: str  # "test": sentences and voices no training corpus of any seed contains
    tone_ranges: tuple[int, int] | None  # speakers' pitch range, %; None for sets made before ranges

    @property
    def folder(self) -> Path:
        return BENCHMARKS_DIR / self.name


class BenchmarkMismatch(RuntimeError):
    """Regenerated audio differs from the committed manifest."""


def load_spec(name: str) -> BenchmarkSpec:
    path = BENCHMARKS_DIR / name / "benchmark.json"
    if not path.exists():
        known = sorted(p.name for p in BENCHMARKS_DIR.iterdir() if (p / "benchmark.json").exists())
        raise ValueError(f"no benchmark {name!r}; known: {', '.join(known)}")
    data = json.loads(path.read_text(encoding="utf-8"))
    ranges = data.get("tone_ranges")
    return BenchmarkSpec(name, int(data["seed"]), tuple(data["dialects"]), int(data["utterances"]),
                         str(data["split"]), None if ranges is None else (int(ranges[0]), int(ranges[1])))


def default_cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "xiangyin" / "benchmarks"


def _index(uid: str) -> int:
    return int(uid.rsplit("-", 1)[1])  # xiangyin synth ids are s{seed}-{index:07d}


def _in_split(spec: BenchmarkSpec, index: int) -> bool:
    """The split synthesise draws first for utterance `index` (asr/synth/corpus.py)."""
    test = np.random.default_rng([spec.seed, index]).random() < TEST_UTTERANCE_SHARE
    return (spec.split == "test") == bool(test)


def _work(args: tuple[int, SynthOptions, Path]) -> Utterance:
    return synthesise(*args)


def _synthesised(spec: BenchmarkSpec, indexes: list[int], out: Path) -> Iterator[EvalRow]:
    """The kept utterances among `indexes`, in order, audio written under `out`."""
    options = SynthOptions(seed=spec.seed, dialects=spec.dialects, tone_ranges=spec.tone_ranges)
    sentence_pools(spec.dialects)  # build once before forking
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for result in pool.map(_work, [(i, options, out) for i in indexes], chunksize=4):
            if result.row is not None:
                row = from_json(asdict(result.row), out)
                if row.split != spec.split:
                    raise BenchmarkMismatch(f"{row.id} came out in split {row.split}, not {spec.split}")
                yield row


def create(name: str, cache: Path | None = None) -> list[EvalRow]:
    """Synthesise the set's first `utterances` rows of its split; write the manifest."""
    spec = load_spec(name)
    out = (cache or default_cache()) / name
    candidates = (i for i in count() if _in_split(spec, i))
    rows: list[EvalRow] = []
    with tqdm(total=spec.utterances, desc=f"synth {name}", unit="utt", file=sys.stderr) as bar:
        while len(rows) < spec.utterances:
            batch = list(islice(candidates, 2 * (spec.utterances - len(rows))))
            for row in _synthesised(spec, batch, out):
                if len(rows) < spec.utterances:
                    rows.append(row)
                    bar.update()
                else:
                    row.audio_path.unlink()
    write_rows(spec.folder / "manifest.jsonl", rows)
    return rows


def materialise(name: str, cache: Path | None = None, limit: int | None = None) -> list[EvalRow]:
    """The committed rows (the first `limit`) with their audio in the cache, regenerating
    what is missing."""
    spec = load_spec(name)
    out = (cache or default_cache()) / name
    rows = [from_json(r.as_json(), out) for r in read_rows(spec.folder / "manifest.jsonl")][:limit]
    missing = {_index(r.id): r for r in rows if not r.audio_path.exists()}
    if missing:
        regenerated = _synthesised(spec, sorted(missing), out)
        bar = tqdm(regenerated, total=len(missing), desc=f"regenerate {name}", unit="utt", file=sys.stderr)
        for row in bar:
            committed = missing.pop(_index(row.id))
            moved = abs(row.duration_s - committed.duration_s) > DURATION_TOLERANCE_S
            if row.text != committed.text or moved:
                raise BenchmarkMismatch(
                    f"{row.id}: regenerated {row.text!r} ({row.duration_s} s), committed "
                    f"{committed.text!r} ({committed.duration_s} s): espeak-ng or the lexicons changed"
                )
        if missing:
            raise BenchmarkMismatch(f"{len(missing)} utterances were dropped on regeneration, e.g. "
                                    f"{next(iter(missing.values())).id}")
    return rows


if __name__ == "__main__":
    made = create(sys.argv[1])
    print(f"{len(made)} utterances → {BENCHMARKS_DIR / sys.argv[1] / 'manifest.jsonl'}")
