"""Build (lmplz → build_binary) and load (KenLM) the n-gram language models.

An LM is built over words the decoder can actually emit: text is normalised
(NFKC, simplified script, lower-case Latin), segmented (jieba for Mandarin-like text,
pycantonese for Cantonese) unless the source is already segmented, and split at any
token no lexicon of the LM's varieties can pronounce (numbers, symbols, unknown
words), so no n-gram spans something the decoder cannot hear. One mixed
code-switching LM covers several varieties; per-variety LMs cover one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import kenlm

from asr.jieba_quiet import quiet_jieba
from asr.lexicon import BUILD_DIR, read_lexicon
from asr.script import is_han, simplified

LM_DIR = BUILD_DIR / "lm"
HELD_OUT_EVERY = 20  # every 20th sentence is held out for perplexity

_LATIN = re.compile(r"^[a-z][a-z'.\-]*$")


@dataclass(frozen=True)
class LMOptions:
    order: int = 3
    prune: tuple[int, ...] = (0, 1)  # lmplz --prune: drop singleton n-grams of order ≥ 3
    memory: str = "20%"
    characters: bool = False  # tokens are characters, for lexicon-free character models


@dataclass(frozen=True)
class LMReport:
    name: str
    varieties: tuple[str, ...]
    path: Path
    size_bytes: int
    order: int
    train_sentences: int
    train_words: int
    vocabulary: int
    heldout_sentences: int
    perplexity: float
    oov_rate: float


def tool(name: str) -> Path:
    """lmplz / build_binary: built into the venv's bin by `make install`."""
    beside_python = Path(sys.executable).parent / name
    found = beside_python if beside_python.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found beside {sys.executable} or on PATH; run `make install`")
    return Path(found)


def normalise_token(token: str) -> str:
    return simplified(unicodedata.normalize("NFKC", token)).lower()


def segment(text: str, variety: str) -> list[str]:
    """Words of raw text: pycantonese for Cantonese, jieba for everything else."""
    if variety == "yue":
        import pycantonese

        return [str(w) for w in pycantonese.segment(text)]
    return [w for w in quiet_jieba().lcut(text) if w.strip()]


def pieces(words: Iterable[str], vocabulary: set[str]) -> Iterator[list[str]]:
    """Split a sentence into runs of pronounceable words (the LM never spans a gap)."""
    run: list[str] = []
    for raw in words:
        word = normalise_token(raw)
        if word in vocabulary and (is_han(word) or _LATIN.match(word)):
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def vocabulary(varieties: Sequence[str]) -> set[str]:
    return {e.word for v in varieties for e in read_lexicon(v)}


def training_text(varieties: Sequence[str], vocab: set[str]) -> Iterator[list[str]]:
    """Segmented sentences of every distinct text source assigned to the varieties."""
    from asr.lm_text import text_source  # pycantonese and the text sources: building only, not loading

    seen: set[str] = set()
    for variety in varieties:
        source = text_source(variety)
        if source is None or source.name in seen:
            continue
        seen.add(source.name)
        for sentence in source.sentences():
            yield from pieces(sentence, vocab)


def build_lm(
    name: str,
    varieties: Sequence[str],
    out_dir: Path = LM_DIR,
    options: LMOptions = LMOptions(),
    extra_text: Iterable[list[str]] = (),
) -> LMReport:
    """lmplz over the varieties' text (plus extra segmented sentences), binarised."""
    vocab = vocabulary(varieties)
    out_dir.mkdir(parents=True, exist_ok=True)
    train: list[str] = []
    heldout: list[str] = []
    for i, words in enumerate([*training_text(varieties, vocab), *extra_text]):
        tokens = [ch for w in words for ch in w] if options.characters else words
        (heldout if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 else train).append(" ".join(tokens))
    if not train:
        raise ValueError(f"no LM text for {list(varieties)}: see lexicons/lm_text.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        arpa = Path(tmp) / f"{name}.arpa"
        cmd = [str(tool("lmplz")), "-o", str(options.order), "-S", options.memory, "-T", tmp,
               "--discount_fallback"]
        if options.prune:
            cmd += ["--prune", *map(str, options.prune)]
        with arpa.open("wb") as stdout:
            done = subprocess.run(cmd, input="\n".join(train).encode() + b"\n", stdout=stdout,
                                  stderr=subprocess.PIPE, check=False)
        if done.returncode:
            raise RuntimeError(f"lmplz failed: {done.stderr.decode(errors='replace')[-2000:]}")
        binary = out_dir / f"{name}.bin"
        subprocess.run([str(tool("build_binary")), str(arpa), str(binary)], check=True, capture_output=True)
    model = kenlm.Model(str(binary))
    ppl, oov = perplexity(model, heldout)
    train_vocab = {w for line in train for w in line.split()}
    return LMReport(
        name, tuple(varieties), binary, binary.stat().st_size, options.order, len(train),
        sum(line.count(" ") + 1 for line in train), len(train_vocab), len(heldout), ppl, oov,
    )


def perplexity(model: kenlm.Model, sentences: Sequence[str]) -> tuple[float, float]:
    """Per-word perplexity (with </s>) and the share of held-out words the LM never saw."""
    log10_total = 0.0
    words = 0
    oov = 0
    for sentence in sentences:
        log10_total += model.score(sentence, bos=True, eos=True)
        tokens = sentence.split()
        words += len(tokens) + 1
        oov += sum(1 for w in tokens if w not in model)
    if not words:
        return float("nan"), float("nan")
    return 10 ** (-log10_total / words), oov / max(1, words - len(sentences))


def load_lm(path: Path) -> kenlm.Model:
    if not path.exists():
        raise FileNotFoundError(f"no language model at {path}; run `xiangyin lm build`")
    return kenlm.Model(str(path))
