"""The decoder's read-only index over a union lexicon, packed in arrays and cached.

The index is what `asr.decoder` searches: the pronunciation classes (every (word,
dialect) entry sharing one unit sequence), each class's entries best reading prior
first, and each class's token ids, from which the search trie is built. Made from the
built lexicons it took most of a cold start — ~1 M TSV rows parsed, grouped and
scored, ~10 s against the 3 s budget of DESIGN §5 — and ~1 M Pronunciation objects
held hundreds of MB. So it is packed into numpy arrays and cached in
`lexicons/build/cache/`, keyed by the lexicon files (name, size, mtime) and the
tokens: loading takes tens of milliseconds, a rebuilt lexicon or another model's
tokens make a new cache, and a class's Pronunciations are only made (and kept, LRU)
when the search touches the class.

With a KenLM, the index leaves out the Han words of two or more characters that the LM
does not know (~600 k of the ~640 k words of the built lexicons). KenLM scores all of
them alike, as <unk>, so nothing but the acoustics chose among them, and their
characters, which stay, still spell them (hotwords match characters too). The trie
shrinks from ~720 k classes (~1 GB, 1.5 s to build) to ~230 k (~0.3 GB, 0.5 s): the
cold start and memory budgets of DESIGN §5. Non-Han words (English) all stay, since
letters do not spell them.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from asr.lexicon import BUILD_DIR, Pronunciation, lexicon_path, read_lexicon
from asr.lm import load_lm
from asr.script import is_han

BLANK = "<blk>"
FORMAT = 2  # bump when the packed layout or the way classes are made changes
CLASS_CACHE = 4096  # classes whose Pronunciations are kept made (~3 KB each)
Entry = tuple[Pronunciation, float]  # an entry and its ln P(reading | word, dialect)


def reading_priors(entries: Iterable[Pronunciation]) -> dict[Pronunciation, float]:
    """ln P(reading | word, dialect) from the lexicon's counts (add-one smoothed), so a
    rare reading of a common character (比 as pí) does not pass for the common one."""
    entries = list(entries)
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for e in entries:
        count, n = totals.get((e.word, e.variety), (0, 0))
        totals[(e.word, e.variety)] = (count + (e.frequency or 0), n + 1)
    priors = {}
    for e in entries:
        count, n = totals[(e.word, e.variety)]
        priors[e] = math.log(((e.frequency or 0) + 1) / (count + n))
    return priors


def default_tokens(entries: Iterable[Pronunciation]) -> list[str]:
    """Blank plus every unit the entries use, sorted: the decoder's view of a unit model."""
    return [BLANK, *sorted({u for e in entries for u in e.units})]


@dataclass(frozen=True)
class Packed:
    """Classes c = 0 … C-1: token ids unit_ids[unit_offsets[c]:unit_offsets[c+1]],
    entries entry_*[entry_offsets[c]:entry_offsets[c+1]]; strings as tables."""

    tokens: npt.NDArray[np.str_]
    unit_offsets: npt.NDArray[np.int64]
    unit_ids: npt.NDArray[np.int16]
    entry_offsets: npt.NDArray[np.int64]
    entry_word: npt.NDArray[np.int32]
    entry_variety: npt.NDArray[np.int16]
    entry_source: npt.NDArray[np.int16]
    entry_frequency: npt.NDArray[np.int64]  # -1: unknown
    entry_prior: npt.NDArray[np.float64]
    word_offsets: npt.NDArray[np.int64]  # into word_bytes (UTF-8)
    word_bytes: npt.NDArray[np.uint8]
    varieties: npt.NDArray[np.str_]
    sources: npt.NDArray[np.str_]
    skipped: npt.NDArray[np.int64]  # 0-d: entries using a unit the tokens lack
    spelled: npt.NDArray[np.int64]  # 0-d: entries left to their characters (unknown to the LM)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            np.savez(f, **{f.name: getattr(self, f.name) for f in fields(self)})
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the new one

    @staticmethod
    def load(path: Path) -> Packed:
        with np.load(path, allow_pickle=False) as data:
            return Packed(**{f.name: data[f.name] for f in fields(Packed)})


def spelled_by_characters(word: str) -> bool:
    """A Han word of two or more characters: the decoder can write it character by character."""
    return len(word) > 1 and is_han(word)


def pack(
    tokens: Sequence[str], entries: Iterable[Pronunciation], known: Callable[[str], bool] | None = None
) -> Packed:
    """Group entries into classes by unit sequence, in first-seen order, each class's
    entries sorted by prior then frequency; drop entries with a unit not in `tokens`, and
    with `known` (the LM's vocabulary) the words its characters spell that it does not know."""
    index = {t: i for i, t in enumerate(tokens)}
    by_units: dict[tuple[str, ...], list[Pronunciation]] = {}
    skipped = spelled = 0
    for e in entries:
        if known is not None and spelled_by_characters(e.word) and not known(e.word):
            spelled += 1
        elif e.units and all(u in index for u in e.units):
            by_units.setdefault(e.units, []).append(e)
        else:
            skipped += 1
    prior = reading_priors(e for group in by_units.values() for e in group)
    words: dict[str, int] = {}
    varieties: dict[str, int] = {}
    sources: dict[str, int] = {}
    unit_ids: list[int] = []
    unit_offsets = [0]
    rows: list[tuple[int, int, int, int, float]] = []
    entry_offsets = [0]
    for units, group in by_units.items():
        unit_ids += (index[u] for u in units)
        unit_offsets.append(len(unit_ids))
        for e in sorted(group, key=lambda e: (-prior[e], -(e.frequency or 0))):
            word = words.setdefault(e.word, len(words))
            variety = varieties.setdefault(e.variety, len(varieties))
            source = sources.setdefault(e.source, len(sources))
            rows.append((word, variety, source, -1 if e.frequency is None else e.frequency, prior[e]))
        entry_offsets.append(len(rows))
    encoded = [w.encode("utf-8") for w in words]
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return Packed(
        tokens=np.array(list(tokens), dtype=np.str_),
        unit_offsets=np.array(unit_offsets, dtype=np.int64),
        unit_ids=np.array(unit_ids, dtype=np.int16),
        entry_offsets=np.array(entry_offsets, dtype=np.int64),
        entry_word=np.array(columns[0], dtype=np.int32),
        entry_variety=np.array(columns[1], dtype=np.int16),
        entry_source=np.array(columns[2], dtype=np.int16),
        entry_frequency=np.array(columns[3], dtype=np.int64),
        entry_prior=np.array(columns[4], dtype=np.float64),
        word_offsets=np.cumsum([0, *map(len, encoded)], dtype=np.int64),
        word_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
        varieties=np.array(list(varieties) or [""], dtype=np.str_),
        sources=np.array(list(sources) or [""], dtype=np.str_),
        skipped=np.array(skipped, dtype=np.int64),
        spelled=np.array(spelled, dtype=np.int64),
    )


class PronunciationClasses(Sequence[Sequence[Entry]]):
    """classes[c]: class c's (Pronunciation, prior) entries, best prior first — made from
    the packed arrays on first use; the CLASS_CACHE most recent are kept."""

    def __init__(self, packed: Packed) -> None:
        self.packed = packed
        self.units = tuple(str(t) for t in packed.tokens)
        self.varieties = [str(v) for v in packed.varieties]
        self.sources = [str(s) for s in packed.sources]
        self.words = packed.word_bytes.tobytes()
        self._made = functools.lru_cache(maxsize=CLASS_CACHE)(self._make)  # thread-safe

    def __len__(self) -> int:
        return len(self.packed.entry_offsets) - 1

    @overload
    def __getitem__(self, index: int) -> Sequence[Entry]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Sequence[Entry]]: ...

    def __getitem__(self, index: int | slice) -> Sequence[Entry] | Sequence[Sequence[Entry]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._made(index % len(self))

    def columns(self, index: int) -> tuple[list[str], list[int]]:
        """The words and variety ids of a class's entries, in class order, without making
        their Pronunciations (scoring needs only these; `entry` makes the one chosen)."""
        p = self.packed
        begin, end = p.entry_offsets[index : index + 2].tolist()
        offsets = p.word_offsets
        words = [self.words[a:b].decode("utf-8")
                 for a, b in (offsets[w : w + 2].tolist() for w in p.entry_word[begin:end].tolist())]
        return words, p.entry_variety[begin:end].tolist()

    def entry(self, index: int, position: int) -> Pronunciation:
        """The `position`-th entry of class `index`, made on its own (it equals
        classes[index][position][0])."""
        p = self.packed
        row = int(p.entry_offsets[index]) + position
        start, stop = p.word_offsets[p.entry_word[row] : p.entry_word[row] + 2].tolist()
        frequency = int(p.entry_frequency[row])
        units = tuple(self.units[t] for t in self.token_ids(index).tolist())
        word = self.words[start:stop].decode("utf-8")
        return Pronunciation(word, self.varieties[p.entry_variety[row]], units,
                             None if frequency < 0 else frequency, self.sources[p.entry_source[row]])

    def token_ids(self, index: int) -> npt.NDArray[np.int16]:
        begin, end = self.packed.unit_offsets[index : index + 2].tolist()
        return self.packed.unit_ids[begin:end]

    def _make(self, index: int) -> tuple[Entry, ...]:
        p = self.packed
        units = tuple(self.units[t] for t in self.token_ids(index).tolist())
        begin, end = p.entry_offsets[index : index + 2].tolist()
        made = []
        for word, variety, source, frequency, prior in zip(
            p.entry_word[begin:end].tolist(), p.entry_variety[begin:end].tolist(),
            p.entry_source[begin:end].tolist(), p.entry_frequency[begin:end].tolist(),
            p.entry_prior[begin:end].tolist(), strict=True,
        ):
            start, stop = p.word_offsets[word : word + 2].tolist()
            text = self.words[start:stop].decode("utf-8")
            entry = Pronunciation(text, self.varieties[variety], units, None if frequency < 0 else frequency,
                                  self.sources[source])
            made.append((entry, prior))
        return tuple(made)


@dataclass(frozen=True)
class DecoderIndex:
    tokens: tuple[str, ...]
    classes: PronunciationClasses
    dialects: frozenset[str]
    skipped: int  # entries using a unit the model does not emit
    spelled: int  # entries left out for the LM not knowing them: their characters spell them

    @staticmethod
    def of(packed: Packed) -> DecoderIndex:
        used = np.flatnonzero(np.bincount(packed.entry_variety, minlength=len(packed.varieties))).tolist()
        return DecoderIndex(tuple(str(t) for t in packed.tokens), PronunciationClasses(packed),
                            frozenset(str(packed.varieties[v]) for v in used), int(packed.skipped),
                            int(packed.spelled))

    def class_token_lists(self) -> tuple[list[int], list[int]]:
        """Every class's token ids as one flat list and its offsets (for the trie)."""
        packed = self.classes.packed
        return packed.unit_ids.tolist(), packed.unit_offsets.tolist()


def cache_path(
    varieties: Sequence[str], tokens: Sequence[str] | None, directory: Path, lm_path: Path | None = None
) -> Path:
    """cache/decoder-<varieties, tokens and LM>-<their files>.npz under `directory`: a
    rebuilt lexicon or LM changes the second part, and its stale cache is then removed."""
    what = "\n".join(varieties) + "\0" + ("\t".join(tokens) if tokens is not None else "<lexicon units>")
    what += "\0" + (str(lm_path.resolve()) if lm_path is not None else "<no LM>")
    key = hashlib.sha1(f"format {FORMAT}\n".encode())
    files = [(v, lexicon_path(v, directory)) for v in varieties]
    for name, path in files + ([("lm", lm_path)] if lm_path is not None else []):
        stat = path.stat()
        key.update(f"{name}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    name = f"decoder-{hashlib.sha1(what.encode()).hexdigest()[:12]}-{key.hexdigest()[:12]}.npz"
    return directory / "cache" / name


def load_index(
    varieties: Sequence[str],
    tokens: Sequence[str] | None = None,
    directory: Path = BUILD_DIR,
    lm_path: Path | None = None,
) -> DecoderIndex:
    """The index of the built lexicons of `varieties` over `tokens` (None: every unit
    they use), without the words `lm_path`'s KenLM leaves to their characters; from the
    cache when it is current, else built and cached."""
    for v in varieties:
        if not lexicon_path(v, directory).exists():
            raise FileNotFoundError(f"no lexicon for {v!r} at {lexicon_path(v, directory)}; "
                                    "run `xiangyin lexicon build`")
    path = cache_path(varieties, tokens, directory, lm_path)
    if path.exists():
        try:
            return DecoderIndex.of(Packed.load(path))
        except (OSError, ValueError, KeyError):
            pass  # truncated or from another layout: rebuild it
    entries = [e for v in varieties for e in read_lexicon(v, directory)]
    known = load_lm(lm_path).__contains__ if lm_path is not None else None
    packed = pack(tokens if tokens is not None else default_tokens(entries), entries, known)
    _store(packed, path)
    return DecoderIndex.of(packed)


def _store(packed: Packed, path: Path) -> None:
    """Write the cache and remove older ones of the same varieties and tokens; a
    read-only lexicon folder only costs the next start the rebuild."""
    try:
        packed.save(path)
        stem = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{stem}-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass

