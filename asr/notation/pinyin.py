"""Tone-numbered Hanyu Pinyin (yin2 hang2, nv3, er5) → shared units.

Tone sandhi and erhua are the lexicon's business: a syllable is read as written, and an
erhua syllable (wanr2) is its base syllable followed by the rhotic unit ɚ.
"""

from __future__ import annotations

import re

from asr.units import UnitError, syllable

TONES = {"1": "55", "2": "35", "3": "214", "4": "51", "5": "0", "0": "0"}

INITIALS = {
    "b": "p", "p": "pʰ", "m": "m", "f": "f", "d": "t", "t": "tʰ", "n": "n", "l": "l",
    "g": "k", "k": "kʰ", "h": "x", "j": "tɕ", "q": "tɕʰ", "x": "ɕ",
    "zh": "tʂ", "ch": "tʂʰ", "sh": "ʂ", "r": "ʐ", "z": "ts", "c": "tsʰ", "s": "s",
}

FINALS = {
    "a": "a", "o": "o", "e": "ɤ", "ê": "ɛ", "ai": "ai", "ei": "ei", "ao": "au", "ou": "ou",
    "an": "an", "en": "ən", "ang": "aŋ", "eng": "əŋ", "ong": "uŋ", "er": "ɚ",
    "i": "i", "ia": "ia", "ie": "ie", "iao": "iau", "iu": "iou", "iou": "iou", "ian": "iɛn",
    "in": "in", "iang": "iaŋ", "ing": "iŋ", "iong": "yŋ",
    "u": "u", "ua": "ua", "uo": "uo", "uai": "uai", "ui": "uei", "uei": "uei", "uan": "uan",
    "un": "uən", "uen": "uən", "uang": "uaŋ", "ueng": "uəŋ",
    "io": "io", "ü": "y", "üe": "ye", "üan": "yɛn", "ün": "yn",
}

# Syllables spelled with y/w have no initial; rewrite them to their finals.
ZERO_INITIAL = {
    "yi": "i", "ya": "ia", "ye": "ie", "yao": "iao", "you": "iou", "yan": "ian", "yin": "in",
    "yang": "iang", "ying": "ing", "yong": "iong", "yo": "io", "yu": "ü", "yue": "üe", "yuan": "üan",
    "yun": "ün", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "uei", "wan": "uan",
    "wen": "uen", "wang": "uang", "weng": "ueng",
}

# Interjections with syllabic nasals (嗯 ng, 呣 m, 哼 hng).
SYLLABIC_NASALS = {"m": "m̩", "n": "n̩", "ng": "ŋ̩", "hm": "hm̩", "hng": "hŋ̩"}

_SYLLABLE = re.compile(r"^([a-zêü]+?)(r?)([0-5])$")


def _rime(initial: str, final: str) -> str:
    if final == "i" and initial in ("z", "c", "s"):
        return "ɿ"
    if final == "i" and initial in ("zh", "ch", "sh", "r"):
        return "ʅ"
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "ü" + final[1:]
    if initial in ("j", "q", "x") and final[:1] not in ("i", "ü"):
        raise UnitError(f"j/q/x only precede i or ü, not {final!r}")
    if final.startswith("ü") and initial not in ("", "n", "l", "j", "q", "x"):
        raise UnitError(f"{initial!r} cannot precede {final!r}")
    if final not in FINALS:
        raise UnitError(f"not a pinyin final: {final!r}")
    return FINALS[final]


def syllable_units(text: str) -> list[str]:
    spelled = text.strip().lower().replace("v", "ü").replace("u:", "ü")
    match = _SYLLABLE.match(spelled)
    if not match:
        raise UnitError(f"not a tone-numbered pinyin syllable: {text!r}")
    body, erhua, tone_digit = match.groups()
    if body == "e" and erhua:  # "er" itself, not an erhua "e"
        body, erhua = "er", ""
    tone = TONES[tone_digit]
    if body in SYLLABIC_NASALS:
        return syllable(SYLLABIC_NASALS[body], tone)
    body = ZERO_INITIAL.get(body, body)
    initial = next((i for i in ("zh", "ch", "sh") if body.startswith(i)), "")
    if not initial and body[0] in INITIALS and body not in FINALS:
        initial = body[0]
    ipa = INITIALS.get(initial, "") + _rime(initial, body[len(initial) :])
    return syllable(ipa + ("ɚ" if erhua else ""), tone)


def to_units(text: str) -> list[str]:
    return [unit for part in text.split() for unit in syllable_units(part)]
