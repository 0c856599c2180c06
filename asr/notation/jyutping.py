"""Jyutping (ngan4 hong4) → shared units, in the same broad IPA as ngungu's Cantonese."""

from __future__ import annotations

import re

from asr.units import UnitError, syllable

TONES = {"1": "55", "2": "35", "3": "33", "4": "21", "5": "13", "6": "22"}

INITIALS = {
    "b": "p", "p": "pʰ", "m": "m", "f": "f", "d": "t", "t": "tʰ", "n": "n", "l": "l",
    "g": "k", "k": "kʰ", "ng": "ŋ", "h": "h", "gw": "kʷ", "kw": "kʷʰ", "w": "w",
    "z": "ts", "c": "tsʰ", "s": "s", "j": "j",
}

NUCLEI = {
    "aa": "aː", "a": "ɐ", "e": "ɛː", "i": "iː", "o": "ɔː", "u": "uː", "oe": "œː", "eo": "ɵ",
    "yu": "yː",
}

# Nucleus+coda combinations whose vowel is not the nucleus's default quality.
SPECIAL_RIMES = {
    "ei": "ei", "ou": "ou", "ing": "ɪŋ", "ik": "ɪk", "ung": "ʊŋ", "uk": "ʊk", "eoi": "ɵy",
}

# Whole syllables that are a syllabic nasal (唔 m4, 五 ng5, 噷 hm1).
SYLLABIC = {"m": "m̩", "ng": "ŋ̩", "hm": "hm̩", "hng": "hŋ̩"}

CODAS = {"": "", "i": "i", "u": "u", "m": "m", "n": "n", "ng": "ŋ", "p": "p", "t": "t", "k": "k"}

_RUN_TOGETHER = re.compile(r"[a-z]+?[1-6]")
_SYLLABLE = re.compile(r"^(gw|kw|ng|[bpmfdtnlgkhwzcsj]?)([a-z]+?)([1-6])$")


def _rime(rime: str) -> str:
    if rime in SPECIAL_RIMES:
        return SPECIAL_RIMES[rime]
    for nucleus in sorted(NUCLEI, key=len, reverse=True):
        if rime.startswith(nucleus) and rime[len(nucleus) :] in CODAS:
            return NUCLEI[nucleus] + CODAS[rime[len(nucleus) :]]
    raise UnitError(f"not a Jyutping rime: {rime!r}")


def syllable_units(text: str) -> list[str]:
    spelled = text.strip().lower()
    if spelled[:-1] in SYLLABIC and spelled[-1:] in TONES:
        return syllable(SYLLABIC[spelled[:-1]], TONES[spelled[-1]])
    match = _SYLLABLE.match(spelled)
    if not match:
        raise UnitError(f"not a Jyutping syllable: {text!r}")
    initial, rime, tone = match.groups()
    return syllable(INITIALS.get(initial, "") + _rime(rime), TONES[tone])


def to_units(text: str) -> list[str]:
    """Syllables may be space-separated (ngan4 hong4) or run together (ngan4hong4)."""
    syllables = [s for part in text.split() for s in _RUN_TOGETHER.findall(part)]
    if "".join(syllables) != "".join(text.split()):
        raise UnitError(f"not Jyutping: {text!r}")
    return [unit for s in syllables for unit in syllable_units(s)]
