"""Tâi-lô and Pe̍h-ōe-jī (Taiwanese Hokkien romanisations) → shared units.

Tones are read from the diacritics (and, for toneless syllables, from a stop coda);
a leading "--" marks the neutral tone. Both spellings of the same sound (POJ ch/o͘/ⁿ/oa,
Tâi-lô ts/oo/nn/ua) land on the same units.
"""

from __future__ import annotations

import re
import unicodedata

from asr.units import NASALISED, NEUTRAL_TONE, UnitError, syllable

# Taipei citation tones, Chao digits, by Taiwanese tone number.
TONES = {1: "44", 2: "53", 3: "21", 4: "32", 5: "24", 7: "33", 8: "44", 9: "35"}

TONE_MARKS = {
    "\u0301": 2, "\u0300": 3, "\u0302": 5, "\u0304": 7, "\u030d": 8, "\u0306": 9, "\u030b": 9,
}

INITIALS = {
    "p": "p", "ph": "pʰ", "b": "b", "m": "m", "t": "t", "th": "tʰ", "n": "n", "l": "l",
    "k": "k", "kh": "kʰ", "g": "ɡ", "ng": "ŋ", "h": "h", "ts": "ts", "tsh": "tsʰ",
    "s": "s", "j": "dz",
}

# POJ spellings rewritten to Tâi-lô before parsing (order matters: chh before ch).
POJ_TO_TAILO = (
    ("chh", "tsh"), ("ch", "ts"), ("o\u0358", "oo"), ("ⁿ", "nn"),
    ("oa", "ua"), ("oe", "ue"), ("ek", "ik"), ("eng", "ing"),
)

VOWELS = {"a": "a", "e": "e", "i": "i", "o": "o", "oo": "ɔ", "u": "u"}
CODAS = {"": "", "m": "m", "n": "n", "ng": "ŋ", "p": "p", "t": "t", "k": "k", "h": "ʔ"}
STOP_CODAS = ("p", "t", "k", "h")

_INITIAL = r"(tsh|ts|ph|th|kh|ng|[pbmtnlkghsj]?)"
_SYLLABLE = re.compile(rf"^{_INITIAL}([aeiou]*)(nn)?(ng|[mnptkh]?)$")
_SYLLABIC_NASAL = re.compile(rf"^{_INITIAL}(ng|m)(h?)$")
SYLLABIC_NASALS = {"m": "m̩", "ng": "ŋ̩"}


def syllable_units(text: str) -> list[str]:
    spelled = unicodedata.normalize("NFD", text.strip().lower())
    neutral = spelled.startswith("--")
    spelled = spelled.lstrip("-")
    tone = 0
    for mark, number in TONE_MARKS.items():
        if mark in spelled:
            tone = number
            spelled = spelled.replace(mark, "")
    for poj, tailo in POJ_TO_TAILO:
        spelled = spelled.replace(poj, tailo)
    syllabic = _SYLLABIC_NASAL.match(spelled)
    if syllabic:  # 毋 m̄, 黃 n̂g, 酸 sng, 卵 nn̄g: a nasal is the nucleus
        initial, nasal_nucleus, coda = syllabic.groups()
        ipa = INITIALS.get(initial, "") + SYLLABIC_NASALS[nasal_nucleus] + CODAS[coda]
    else:
        match = _SYLLABLE.match(spelled)
        if not match or not match.group(2):
            raise UnitError(f"not a Tâi-lô/POJ syllable: {text!r}")
        initial, vowels, nasal, coda = match.groups()
        ipa = INITIALS.get(initial, "") + _vowels(vowels, bool(nasal)) + CODAS[coda]
    if tone == 0:
        tone = 4 if coda in STOP_CODAS else 1
    return syllable(ipa, NEUTRAL_TONE if neutral else TONES[tone])


def _vowels(spelled: str, nasal: bool) -> str:
    out = []
    rest = spelled
    while rest:
        piece = "oo" if rest.startswith("oo") else rest[0]
        out.append(VOWELS[piece] + (NASALISED if nasal else ""))
        rest = rest[len(piece) :]
    return "".join(out)


def to_units(text: str) -> list[str]:
    """A word is hyphen- or space-separated syllables; '--' before one marks it neutral."""
    parts = re.findall(r"(?:--)?[^\s-]+", text)
    return [unit for part in parts for unit in syllable_units(part)]
