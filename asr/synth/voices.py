"""Synthetic speakers: espeak-ng voice × variant × speed × pitch × pitch range, split by
variant so test speakers never appear in training."""

from __future__ import annotations

import hashlib

import numpy as np

from asr.synth.approx import APPROX_VOICE
from asr.synth.espeak import Speaker, Voice, variants

# The espeak-ng voice that reads each dialect's segments, and what it is fed.
LANGUAGE_VOICES = {"cmn": "cmn-latn-pinyin", "yue": "yue", "en": "en", "hak": "hak"}
TEST_VARIANT_SHARE = 5  # one variant in five is reserved for test
TONE_RANGES = (100, 200)  # % of the variant's pitch range: espeak-ng's own to about a real speaker's


def variant_split(variant: str) -> str:
    digest = hashlib.sha1(variant.encode("utf-8")).digest()
    return "test" if digest[0] % TEST_VARIANT_SHARE == 0 else "train"


def split_variants(split: str) -> tuple[str, ...]:
    return tuple(v for v in variants() if variant_split(v) == split)


def pick_speaker(rng: np.random.Generator, split: str, tone_ranges: tuple[int, int] | None) -> Speaker:
    """A speaker (variant, speed 0.8–1.3, pitch 25–75, pitch range within `tone_ranges` %)
    from the split's variants; the same speaker reads every language segment of an
    utterance. Without `tone_ranges` nothing more is drawn: the speakers of sets made
    before pitch ranges."""
    pool = split_variants(split)
    variant = pool[int(rng.integers(len(pool)))]
    speed, pitch = round(float(rng.uniform(0.8, 1.3)), 2), int(rng.integers(25, 76))
    if tone_ranges is None:
        return Speaker(variant, speed, pitch)
    return Speaker(variant, speed, pitch, int(rng.integers(tone_ranges[0], tone_ranges[1] + 1)))


def voice_for(dialect: str, speaker: Speaker) -> Voice:
    """The dialect's own voice, or the borrowed one reading phonemes (asr.synth.approx)."""
    language = LANGUAGE_VOICES.get(dialect, APPROX_VOICE)
    return Voice(language, speaker)
