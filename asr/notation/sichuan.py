"""The Sichuanese romanisation of ngungu's `sichuan` dictionary → shared units.

It is a pinyin-like scheme (b p d t g k z c s j q x h, ü, ŋ, ə, apical ɿ) with tone
categories 1–5. Read as Chengdu speech: 阴平 55, 阳平 21, 上声 53, 去声 213, and the
入声 category (5) merged into 阳平 as in Chengdu. Retroflex initials are spelled zɿ-,
cɿ-, sɿ-, rɿ- before another vowel. Erhua spellings (trailing `) other than the
syllable ə` itself are not read: they raise, and the builder counts them as skipped.
"""

from __future__ import annotations

import re

from asr.units import UnitError, syllable

TONES = {"1": "55", "2": "21", "3": "53", "4": "213", "5": "21"}

INITIALS = {
    "b": "p", "p": "pʰ", "m": "m", "f": "f", "d": "t", "t": "tʰ", "n": "n", "l": "n",
    "g": "k", "k": "kʰ", "ŋ": "ŋ", "h": "x", "j": "tɕ", "q": "tɕʰ", "x": "ɕ",
    "z": "ts", "c": "tsʰ", "s": "s", "r": "z", "v": "v",
    "zɿ": "tʂ", "cɿ": "tʂʰ", "sɿ": "ʂ", "rɿ": "ʐ",
}

FINALS = {
    "ɿ": "ɿ", "a": "a", "o": "o", "e": "e", "ə": "ə", "ə`": "ɚ", "ai": "ai", "ei": "ei",
    "au": "au", "ou": "əu", "eo": "eu", "an": "an", "ən": "ən", "aŋ": "aŋ", "oŋ": "oŋ",
    "i": "i", "ia": "ia", "ie": "ie", "io": "io", "iau": "iau", "iou": "iəu", "ian": "iɛn",
    "in": "in", "iaŋ": "iaŋ", "ioŋ": "yoŋ", "iai": "iai",
    "u": "u", "ua": "ua", "uo": "uo", "ue": "ue", "uai": "uai", "uei": "uei", "ui": "uei",
    "uan": "uan", "uən": "uən", "uaŋ": "uaŋ", "un": "uən", "uəŋ": "uoŋ",
    "ü": "y", "üe": "ye", "üo": "yo", "üan": "yɛn", "üən": "yn", "ün": "yn",
}

_SYLLABLE = re.compile(r"^(.+?)([1-5])$")
_INITIALS_LONGEST_FIRST = sorted(INITIALS, key=len, reverse=True)


def syllable_units(text: str) -> list[str]:
    match = _SYLLABLE.match(text.strip())
    if not match:
        raise UnitError(f"not a Sichuanese syllable: {text!r}")
    body, tone = match.groups()
    if body in FINALS:
        return syllable(FINALS[body], TONES[tone])
    for initial in _INITIALS_LONGEST_FIRST:
        final = body[len(initial) :]
        if body.startswith(initial) and final in FINALS:
            if initial in ("zɿ", "cɿ", "sɿ", "rɿ") and final == "ɿ":
                continue
            return syllable(INITIALS[initial] + FINALS[final], TONES[tone])
        if body.startswith(initial) and initial in ("z", "c", "s", "r") and final == "ɿ":
            return syllable(INITIALS[initial] + "ɿ", TONES[tone])
    raise UnitError(f"not a Sichuanese syllable: {text!r}")


def to_units(text: str) -> list[str]:
    parts = [p for p in text.strip().rstrip("$").split("-") if p]
    if not parts:
        raise UnitError(f"empty Sichuanese word: {text!r}")
    return [unit for part in parts for unit in syllable_units(part)]
