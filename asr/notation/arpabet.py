"""CMUdict ARPAbet → shared units.

English voiceless stops are aspirated at the start of a syllable, Chinese unaspirated
stops sound like English voiced ones, so P/T/K map to pʰ/tʰ/kʰ and B/D/G to b/d/ɡ (which
Wu also uses). Stress is dropped: English words carry no tone tokens.
"""

from __future__ import annotations

import re

from asr.units import UnitError, segment_ipa

PHONES = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "EH": "ɛ", "ER": "ɚ",
    "EY": "eɪ", "IH": "ɪ", "IY": "i", "OW": "oʊ", "OY": "ɔɪ", "UH": "ʊ", "UW": "u",
    "B": "b", "CH": "tʃʰ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "dʒ",
    "K": "kʰ", "L": "l", "M": "m", "N": "n", "NG": "ŋ", "P": "pʰ", "R": "ɹ", "S": "s",
    "SH": "ʃ", "T": "tʰ", "TH": "θ", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}

UNSTRESSED_SCHWA = "ə"

_PHONE = re.compile(r"^([A-Z]+)([012]?)$")


def phone_units(phone: str) -> list[str]:
    match = _PHONE.match(phone)
    if not match or match.group(1) not in PHONES:
        raise UnitError(f"not an ARPAbet phone: {phone!r}")
    base, stress = match.groups()
    if base == "AH" and stress == "0":
        return [UNSTRESSED_SCHWA]
    return segment_ipa(PHONES[base])


def to_units(text: str) -> list[str]:
    return [unit for phone in text.split() for unit in phone_units(phone)]
