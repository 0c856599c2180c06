"""Do the labels say what espeak-ng actually said? Syllable by syllable, from its own
phoneme output (-x), for the voices that read Chinese.

Mandarin: the cmn voice reads our tone-numbered pinyin, so what can differ is the tone
it realises; third-tone sandhi (3 → 35 before another 3) and the half-third 21 count as
agreeing, since labels keep citation tones and sandhi is the model's to learn. Cantonese:
the yue voice reads characters with its own dictionary, so its Jyutping-like output is
compared with our reading, syllable by syllable. Hakka: the hak voice reads our
Pha̍k-fa-sṳ spellings (asr.synth.hakka), and every syllable must come back as one syllable
with its tone number. Lexicon-only dialects read through phoneme input: every syllable
must come back with the tone it was given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from asr.notation import jyutping
from asr.synth import hakka
from asr.synth.approx import nearest_tone, said_tones
from asr.synth.espeak import Voice, phonemes
from asr.synth.text import Segment, SpokenWord, lexicon_table
from asr.units import UnitError, is_tone

CMN_CONTOURS = {
    "1": {"55", "44"},
    "2": {"35"},
    "3": {"21", "214", "213"},
    "4": {"51", "53"},
    "5": {"11", "1", "2", "22", "3", "33", "44"},  # neutral is high (44) after a third tone
}
_SYLLABLE_RUN = re.compile(r"[a-z]+?[1-6]")
_ESPEAK_YUE = re.compile(r"([a-zN@]+?)(\d)((?:ng|[ptkmnN])(?![aeiouy@]))?")


@dataclass(frozen=True)
class Agreement:
    syllables: int
    agreeing: int

    @property
    def complete(self) -> bool:
        return self.syllables == self.agreeing


def _cmn_tones(segment: Segment) -> list[str]:
    return [syl[-1] for w in segment.words for syl in w.reading.split()]


def cmn_agreement(segment: Segment, voice: Voice) -> Agreement:
    expected = _cmn_tones(segment)
    said = re.findall(r"\d+", phonemes(segment.say, voice))
    if len(said) != len(expected):
        return Agreement(len(expected), 0)
    agreeing = 0
    for i, (tone, contour) in enumerate(zip(expected, said, strict=True)):
        sandhi = tone == "3" and contour == "35" and i + 1 < len(expected) and expected[i + 1] == "3"
        agreeing += contour in CMN_CONTOURS[tone] or sandhi
    return Agreement(len(expected), agreeing)


def espeak_jyutping(output: str) -> list[str]:
    """espeak-ng's yue mnemonics (N'aa1m_| d'aa6n_|) as Jyutping syllables (ngaam1 daan6)."""
    out = []
    for token in re.split(r"_\||\s+", output.replace("'", "").replace(",", "")):
        for onset_nucleus, tone, coda in _ESPEAK_YUE.findall(token):
            out.append((onset_nucleus + (coda or "")).replace("N", "ng") + tone)
    return out


def yue_agreement(segment: Segment, voice: Voice) -> Agreement:
    expected = [s for w in segment.words for s in _SYLLABLE_RUN.findall(w.reading.replace(" ", ""))]
    said = espeak_jyutping(phonemes(segment.say, voice))
    if len(said) != len(expected):
        return Agreement(len(expected), 0)
    return Agreement(len(expected), sum(a == b for a, b in zip(expected, said, strict=True)))


def fix_yue(segment: Segment, voice: Voice) -> Segment | None:
    """Relabel a Cantonese segment with what espeak-ng said, word by word, where the yue
    lexicon knows that reading of the word (唔 as ng4, 啊 as aa1); None where it does not."""
    said = espeak_jyutping(phonemes(segment.say, voice))
    lexicon = lexicon_table("yue")
    words = []
    for word in segment.words:
        n = len(_SYLLABLE_RUN.findall(word.reading.replace(" ", "")))
        syllables, said = said[:n], said[n:]
        if len(syllables) < n:
            return None
        reading = " ".join(syllables)
        try:
            units = tuple(jyutping.to_units(reading))
        except UnitError:
            return None
        if units not in lexicon.get(word.text, ()):
            return None
        words.append(SpokenWord(word.text, word.dialect, units, reading))
    if said:
        return None
    return Segment(segment.dialect, tuple(words), segment.say)


def approx_agreement(segment: Segment, voice: Voice) -> Agreement:
    """A borrowed voice reading phonemes: did it take every syllable, with the tone we meant?"""
    expected = [nearest_tone(u) for w in segment.words for u in w.units if is_tone(u)]
    said = said_tones(phonemes(segment.say, voice))
    if len(said) != len(expected):
        return Agreement(len(expected), 0)
    return Agreement(len(expected), sum(a == b for a, b in zip(expected, said, strict=True)))


def hak_agreement(segment: Segment, voice: Voice) -> Agreement:
    expected = hakka.expected_tones(segment.words)
    said = [hakka.said_tone(s) for s in phonemes(segment.say, voice).split()]
    if len(said) != len(expected):
        return Agreement(len(expected), 0)
    return Agreement(len(expected), sum(a == b for a, b in zip(expected, said, strict=True)))


CHECKS = {"cmn": cmn_agreement, "yue": yue_agreement, "hak": hak_agreement}


def agreement(segments: Sequence[Segment], voices: Sequence[Voice]) -> dict[str, Agreement]:
    """Per checked dialect, over an utterance's segments."""
    totals: dict[str, Agreement] = {}
    for segment, voice in zip(segments, voices, strict=True):
        check = CHECKS.get(segment.dialect)
        if segment.say.startswith("[["):
            check = approx_agreement
        if check is None:
            continue
        a = check(segment, voice)
        old = totals.get(segment.dialect, Agreement(0, 0))
        totals[segment.dialect] = Agreement(old.syllables + a.syllables, old.agreeing + a.agreeing)
    return totals
