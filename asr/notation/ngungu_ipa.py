"""The IPA of the `ngungu` dialect dictionaries → shared units.

ngungu writes a word as syllables joined by "-" (words end in "$"), each syllable IPA
followed by its tone: Chao tone letters (ŋu˧˥) at most points, or a tone-category
digit (ŋu6) at a few, which the point's category table turns into a Chao contour.
A syllable written without a tone (the unstressed tail of a Wu sandhi domain, or ⁰) is
read as neutral.
"""

from __future__ import annotations

import re

from asr.units import CHAO_LETTERS, NEUTRAL_TONE, UnitError, syllable

# Urban Shanghainese citation tones by the category numbers ngungu uses.
SHANGHAI_TONE_CATEGORIES = {"1": "53", "5": "34", "6": "13", "7": "55", "8": "12"}

TONE_CATEGORIES: dict[str, dict[str, str]] = {"shanghai": SHANGHAI_TONE_CATEGORIES}

# Spellings particular to ngungu, rewritten before the shared segmenter sees them.
REWRITES = (
    ("ər", "ɚ"),  # Wu 而/尔 written with a rhotic r
    ("∅", ""),  # explicit zero-initial marker
    ("\u0329ː", "\u0329"),  # a "long" syllabic nasal is still one syllabic nasal
    ("⁰", ""),  # superscript zero: toneless
    ("ⱼ", ""),  # Suzhou's fricativised i (iⱼ) is an allophone of i
)

_CHAO = "".join(CHAO_LETTERS)
_SYLLABLE = re.compile(rf"^(.+?)([{_CHAO}]+|[0-9])?$")


def syllable_units(text: str, categories: dict[str, str] | None = None) -> list[str]:
    for old, new in REWRITES:
        text = text.replace(old, new)
    match = _SYLLABLE.match(text)
    if not match:
        raise UnitError(f"not a ngungu syllable: {text!r}")
    ipa, tone = match.groups()
    if tone is None:
        tone = NEUTRAL_TONE
    elif tone.isdigit():
        if categories is None or tone not in categories:
            raise UnitError(f"tone category {tone!r} has no contour in {text!r}")
        tone = categories[tone]
    return syllable(ipa, tone)


def to_units(text: str, point: str = "") -> list[str]:
    """One ngungu value (ʨʰiɪʔ7-vᴇ6$); `point` picks the tone-category table."""
    categories = TONE_CATEGORIES.get(point)
    parts = [p for p in text.strip().rstrip("$").split("-") if p]
    if not parts or "$" in text.strip().rstrip("$"):
        raise UnitError(f"not one ngungu word: {text!r}")
    return [unit for part in parts for unit in syllable_units(part, categories)]
