"""Helpers for decoder tests: real lmplz LMs from small text, and CTC posteriors that
say a given unit sequence (what a confident acoustic model would output)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import kenlm
import numpy as np

from asr.decoder import BLANK
from asr.lm import tool


def build_lm(tmp: Path, sentences: Sequence[str], order: int = 3) -> kenlm.Model:
    arpa, binary = tmp / "lm.arpa", tmp / "lm.bin"
    with arpa.open("wb") as out:
        subprocess.run(
            [str(tool("lmplz")), "-o", str(order), "--discount_fallback", "-S", "5%", "-T", str(tmp)],
            input=("\n".join(sentences) + "\n").encode(), stdout=out, stderr=subprocess.DEVNULL,
            check=True,
        )
    subprocess.run([str(tool("build_binary")), str(arpa), str(binary)], check=True, capture_output=True)
    return kenlm.Model(str(binary))


def posteriors(
    tokens: Sequence[str],
    frames: Sequence[dict[str, float] | str],
    floor: float = 1e-4,
) -> np.ndarray:
    """One row per frame: a unit (or BLANK) with probability ~1, or an explicit
    {unit: probability} split; every other token gets `floor`. Returns log-probs."""
    index = {t: i for i, t in enumerate(tokens)}
    out = np.full((len(frames), len(tokens)), floor, dtype=np.float64)
    for f, spec in enumerate(frames):
        split = {spec: 1.0} if isinstance(spec, str) else spec
        for unit, p in split.items():
            out[f, index[unit]] = p
    out /= out.sum(axis=1, keepdims=True)
    return np.log(out).astype(np.float32)


def say(units: Sequence[str], gap: int = 1) -> list[str]:
    """Frames for a unit sequence: each unit once, `gap` blanks after it."""
    frames: list[str] = [BLANK]
    for u in units:
        frames += [u] + [BLANK] * gap
    return frames + [BLANK] * 2
