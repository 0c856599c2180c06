"""formog2p's Sixian Hakka IPA → shared units, and back to the Pha̍k-fa-sṳ spelling that
espeak-ng's `hak` voice reads.

formog2p writes a word as syllables separated by spaces, each `initial-final_tone`
(`tʰ-ien_24`, `it_2` without an initial) with a tie bar in affricates (`t͡sʰ`) and the
tone as Chao digits; a one-digit (checked) tone is a level tone and is doubled (`_2` →
`22`), as everywhere in the shared inventory.
"""

from __future__ import annotations

import re
import unicodedata

from asr.units import UnitError, is_tone, syllable

_SYLLABLE = re.compile(r"^(?:([^-_\s]+)-)?([^-_\s]+)_([1-5]{1,3})$")

# Sixian citation tones (Chao) → the Pha̍k-fa-sṳ tone mark espeak-ng's hak rules read, on
# the syllable's main vowel: 陰平 â, 陽平 à, 上 á, 去 unmarked; 陰入 unmarked and 陽入 a̍
# (both with a stop coda; 陽入 has the same contour as 去).
TONE_MARKS = {"24": "\u0302", "11": "\u0300", "31": "\u0301", "55": "", "22": ""}
CHECKED_HIGH_MARK = "\u030d"
# The tone numbers espeak-ng writes for them in its phoneme output (-x).
ESPEAK_TONES = {"\u0302": "1", "\u0300": "2", "\u0301": "3", "": "4", "\u030d": "6"}
CHECKED_LOW = "5"

# Shared units → Pha̍k-fa-sṳ letters (the spelling espeak-ng's hak rules expect: ch/chh
# for the affricates, ii for the apical vowel, o for the medial u before a and e).
LETTERS = {
    "p": "p", "pʰ": "ph", "t": "t", "tʰ": "th", "k": "k", "kʰ": "kh", "ts": "ch", "tsʰ": "chh",
    "tɕ": "ch", "tɕʰ": "chh", "s": "s", "ɕ": "s", "ʂ": "s", "f": "f", "v": "v", "h": "h", "m": "m",
    "n": "n", "ŋ": "ng", "l": "l", "a": "a", "e": "e", "i": "i", "o": "o", "u": "u", "ɨ": "ii",
    "ə": "e", "m̩": "m", "n̩": "n", "ŋ̩": "ng",
}
_VOWELS = "aeiou"
_INITIAL = re.compile(r"^(chh|ch|ph|th|kh|ng|[ptkfvhmnls])(?=[aeiou])")


def _mark(letters: str, mark: str) -> str:
    """Put the tone mark on the main vowel: a, else o, else e, else the last of i/u (the
    second i of ii); a syllabic nasal carries it on its first letter."""
    initial = _INITIAL.match(letters)
    start = initial.end() if initial else 0
    rhyme = letters[start:]
    if not any(v in rhyme for v in _VOWELS):
        at = start
    else:
        for vowel in "aoe":
            if vowel in rhyme:
                at = start + rhyme.index(vowel)
                break
        else:
            at = start + max(rhyme.rfind("i"), rhyme.rfind("u"))
    return letters[: at + 1] + mark + letters[at + 1 :]


def espeak_syllable(units: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """One Sixian syllable's units → (its Pha̍k-fa-sṳ spelling, the tone number espeak-ng
    should realise): `tʰ i e n 24` → (`thiên`, `1`)."""
    *segments, tone = units
    if not segments or not is_tone(tone) or any(is_tone(u) for u in segments):
        raise UnitError(f"not one syllable: {units}")
    medial_u = len(segments) > 1 and segments[-1] != "u"
    letters = ""
    for i, unit in enumerate(segments):
        if unit not in LETTERS:
            raise UnitError(f"{unit!r} has no Pha̍k-fa-sṳ letter")
        glide = unit == "u" and medial_u and i + 1 < len(segments) and segments[i + 1] in ("a", "e")
        letters += "o" if glide else LETTERS[unit]
    checked = letters[-1] in "ptk"
    if tone not in TONE_MARKS or (checked and tone not in ("22", "55")):
        raise UnitError(f"tone {tone} does not fit the syllable {letters!r}")
    mark = (CHECKED_HIGH_MARK if tone == "55" else "") if checked else TONE_MARKS[tone]
    number = CHECKED_LOW if checked and not mark else ESPEAK_TONES[mark]
    return unicodedata.normalize("NFC", _mark(letters, mark)), number


def syllable_units(text: str) -> list[str]:
    match = _SYLLABLE.match(text.replace("\u0361", ""))
    if not match:
        raise UnitError(f"not a formog2p Sixian syllable: {text!r}")
    initial, final, tone = match.groups()
    return syllable((initial or "") + final, tone * 2 if len(tone) == 1 else tone)


def to_units(text: str) -> list[str]:
    """One formog2p pronunciation (`tʰ-ien_24 k-uŋ_24`)."""
    syllables = text.split()
    if not syllables:
        raise UnitError("empty Sixian pronunciation")
    return [unit for s in syllables for unit in syllable_units(s)]
