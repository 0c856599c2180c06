"""The one unit inventory every dialect shares: IPA segments plus Chao tone tokens.

The acoustic model has a single output layer over these units, so a new dialect whose
sounds are already here needs a lexicon and text, not a new model. Every notation
(pinyin, Jyutping, Tâi-lô, ngungu IPA, ARPAbet) is normalised into this inventory by
`asr.notation`; anything that cannot be normalised raises `UnitError` rather than
leaking an unknown symbol into a lexicon.

A pronunciation is a flat tuple of units. A Chinese syllable is its segments followed
by exactly one tone token; English words carry no tone tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

ASPIRATED = "ʰ"
LONG = "ː"
NASALISED = "\u0303"
SYLLABIC = "\u0329"

# Plain consonants; aspiration and labialisation are spelled out where they occur.
CONSONANTS: tuple[str, ...] = (
    "p", "pʰ", "b", "ɓ", "t", "tʰ", "d", "ɗ", "k", "kʰ", "ɡ", "kʷ", "kʷʰ", "q", "ʔ",
    "ts", "tsʰ", "dz", "tɕ", "tɕʰ", "dʑ", "tʂ", "tʂʰ", "dʐ", "tʃ", "tʃʰ", "dʒ", "pf",
    "m", "n", "ŋ", "ɲ", "f", "v", "θ", "ð", "s", "z", "ʃ", "ʒ", "ɕ", "ʑ", "ʂ", "ʐ",
    "x", "ɣ", "χ", "h", "ɦ", "l", "ɬ", "ɭ", "ɹ", "ɻ", "ɾ", "j", "w", "ɥ", "ʋ",
    "m" + SYLLABIC, "n" + SYLLABIC, "ŋ" + SYLLABIC, "ɲ" + SYLLABIC, "l" + SYLLABIC,
)

# Vowel qualities, including the Sinological apical vowels ɿ ʅ ʮ ʯ and rhotic ɚ.
VOWEL_QUALITIES: tuple[str, ...] = (
    "i", "y", "ɨ", "ʉ", "ɯ", "u", "ɪ", "ʏ", "ʊ", "e", "ø", "ɘ", "ɵ", "ɤ", "o",
    "ə", "ɛ", "œ", "ɜ", "ɞ", "ʌ", "ɔ", "æ", "ɐ", "a", "ɑ", "ɒ", "ɚ",
    "ɿ", "ʅ", "ʮ", "ʯ",
)

# Each quality may be long (Cantonese aː) or nasalised (Wu ã, Hokkien ã).
VOWELS: tuple[str, ...] = tuple(
    q + mark for q in VOWEL_QUALITIES for mark in ("", LONG, NASALISED)
)

SEGMENTS: frozenset[str] = frozenset(CONSONANTS) | frozenset(VOWELS)

NEUTRAL_TONE = "0"
CHAO_LETTERS = {"˥": "5", "˦": "4", "˧": "3", "˨": "2", "˩": "1"}
_CHAO_TOKEN = re.compile(r"^[1-5]{2,3}$")

# A tone token is a Chao contour of two or three pitch digits (a level tone written with
# one digit is doubled: ˧ → 33), or 0 for the toneless/neutral syllable.
TONES: frozenset[str] = frozenset(
    [NEUTRAL_TONE]
    + [f"{a}{b}" for a in "12345" for b in "12345"]
    + [f"{a}{b}{c}" for a in "12345" for b in "12345" for c in "12345"]
)

INVENTORY: frozenset[str] = SEGMENTS | TONES

# Symbol variants seen in the sources, rewritten before segmentation (applied in NFD).
_REWRITES: tuple[tuple[str, str], ...] = (
    ("ʦ", "ts"), ("ʣ", "dz"), ("ʨ", "tɕ"), ("ʥ", "dʑ"), ("ʧ", "tʃ"), ("ʤ", "dʒ"),
    ("ȵ", "ɲ"), ("g", "ɡ"), ("ᴇ", "e"), ("ᴀ", "a"), ("ɷ", "ʊ"), ("ɝ", "ɚ"),
    ("\u030d", SYLLABIC),  # combining vertical line above → below
    ("\u031a", ""),  # unreleased stop: k̚ is just k in coda position
    ("\u0325", ""),  # voiceless ring: not contrastive in any source we read
)

_LONGEST_SEGMENT = max(len(s) for s in SEGMENTS)


class UnitError(ValueError):
    """A symbol or tone that has no place in the shared inventory."""


def is_tone(unit: str) -> bool:
    return unit in TONES


def tone_from_chao(contour: str) -> str:
    """A tone token from Chao tone letters (˨˩˦) or pitch digits (214)."""
    digits = "".join(CHAO_LETTERS.get(ch, ch) for ch in contour)
    if digits == NEUTRAL_TONE:
        return NEUTRAL_TONE
    if len(digits) == 1:
        digits *= 2
    if not _CHAO_TOKEN.match(digits):
        raise UnitError(f"not a Chao tone contour: {contour!r}")
    return digits


def segment_ipa(ipa: str) -> list[str]:
    """Split toneless IPA into inventory segments, longest match first."""
    text = unicodedata.normalize("NFD", ipa)
    for old, new in _REWRITES:
        text = text.replace(old, new)
    units: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(_LONGEST_SEGMENT, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in SEGMENTS:
                units.append(piece)
                i += size
                break
        else:
            raise UnitError(f"no inventory segment at {text[i:]!r} in {ipa!r}")
    return units


def syllable(ipa: str, tone: str) -> list[str]:
    """Units of one syllable: its segments, then its tone token."""
    if not ipa:
        raise UnitError("empty syllable")
    return [*segment_ipa(ipa), tone_from_chao(tone)]


def syllables_of(units: Sequence[str]) -> list[tuple[str, ...]]:
    """A pronunciation cut after each tone token (English, toneless, stays one piece)."""
    out: list[tuple[str, ...]] = []
    start = 0
    for i, unit in enumerate(units):
        if is_tone(unit):
            out.append(tuple(units[start : i + 1]))
            start = i + 1
    if start < len(units):
        out.append(tuple(units[start:]))
    return out


def outside_inventory(units: Iterable[str]) -> list[str]:
    return [u for u in units if u not in INVENTORY]


def format_units(units: Sequence[str]) -> str:
    return " ".join(units)


def parse_units(text: str) -> tuple[str, ...]:
    return tuple(text.split())
