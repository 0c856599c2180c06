"""Synthetic speakers: espeak-ng voice × variant × speed × pitch, split by variant so
test speakers never appear in training."""

from __future__ import annotations

import hashlib

import numpy as np

from asr.synth.approx import APPROX_VOICE
from asr.synth.espeak import Voice, variants

# The espeak-ng voice that reads each dialect's segments, and what it is fed.
LANGUAGE_VOICES = {"cmn": "cmn-latn-pinyin", "yue": "yue", "en": "en", "hak": "hak"}
TEST_VARIANT_SHARE = 5  # one variant in five is reserved for test


def variant_split(variant: str) -> str:
    digest = hashlib.sha1(variant.encode("utf-8")).digest()
    return "test" if digest[0] % TEST_VARIANT_SHARE == 0 else "train"


def split_variants(split: str) -> tuple[str, ...]:
    return tuple(v for v in variants() if variant_split(v) == split)


def pick_voice(rng: np.random.Generator, split: str) -> tuple[str, float, int]:
    """A speaker (variant, speed 0.8–1.3, pitch 25–75) from the split's variants; the
    same speaker reads every language segment of an utterance."""
    pool = split_variants(split)
    variant = pool[int(rng.integers(len(pool)))]
    return variant, round(float(rng.uniform(0.8, 1.3)), 2), int(rng.integers(25, 76))


def voice_for(dialect: str, variant: str, speed: float, pitch: int) -> Voice:
    """The dialect's own voice, or the borrowed one reading phonemes (asr.synth.approx)."""
    return Voice(LANGUAGE_VOICES.get(dialect, APPROX_VOICE), variant, speed, pitch)
