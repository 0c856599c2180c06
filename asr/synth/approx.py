"""Lexicon-only dialects (Wu points, Sichuanese, Hokkien) spoken by a borrowed voice.

No espeak-ng voice reads Shanghainese, so their words are spoken from their own units
through espeak-ng's phoneme input ([[…]]) of the Mandarin voice: each unit becomes that
voice's nearest phoneme, each Chao contour its nearest tone. The audio approximates the
dialect; the label keeps the dialect's own units, and manifests mark such utterances
`synthetic-approx`. This is how a dialect with only a lexicon enters training.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from asr.synth.text import Segment, SpokenWord, lexicon_table
from asr.units import LONG, NASALISED, SYLLABIC, syllables_of

APPROX_VOICE = "cmn-latn-pinyin"

# Tones the Mandarin voice can realise, as (start, end) pitch.
VOICE_TONES = ("11", "21", "22", "33", "35", "44", "51", "53", "55")

CONSONANTS = {
    "p": "p", "pʰ": "ph", "b": "b", "ɓ": "b", "t": "t", "tʰ": "th", "d": "d", "ɗ": "d",
    "k": "k", "kʰ": "kh", "ɡ": "g", "kʷ": "k", "kʷʰ": "kh", "q": "k", "ʔ": "?",
    "ts": "ts", "tsʰ": "tsh", "dz": "dz", "tɕ": "tS;", "tɕʰ": "tS;h", "dʑ": "dZ;",
    "tʂ": "ts.", "tʂʰ": "ts.h", "dʐ": "dZ;", "tʃ": "tS;", "tʃʰ": "tS;h", "dʒ": "dZ;", "pf": "f",
    "m": "m", "n": "n", "ŋ": "N", "ɲ": "n^", "f": "f", "v": "v", "θ": "s", "ð": "z", "s": "s",
    "z": "z", "ʃ": "S;", "ʒ": "z.", "ɕ": "S;", "ʑ": "z;", "ʂ": "s.", "ʐ": "z.", "x": "X",
    "ɣ": "X", "χ": "X", "h": "h", "ɦ": "h", "l": "l", "ɬ": "l", "ɭ": "l", "ɹ": "z.", "ɻ": "z.",
    "ɾ": "l", "j": "j", "w": "w", "ɥ": "j", "ʋ": "w",
}
# Syllabic consonants (the voice's "m-", "N-"), also for a vowel-less syllable's last segment.
SYLLABIC_NASALS = {"m": "m-", "n": "n-", "ŋ": "N-", "ɲ": "n-", "l": "l-"}
VOWELS = {
    "i": "i", "y": "y", "ɨ": "i.", "ʉ": "y", "ɯ": "u", "u": "u", "ɪ": "i", "ʏ": "y", "ʊ": "u",
    "e": "e", "ø": "e", "ɘ": "@", "ɵ": "@", "ɤ": "o-", "o": "o", "ə": "@", "ɛ": "E", "œ": "E",
    "ɜ": "@", "ɞ": "@", "ʌ": "@", "ɔ": "o", "æ": "E", "ɐ": "A", "a": "a", "ɑ": "A", "ɒ": "o",
    "ɚ": "@r", "ɿ": "i[", "ʅ": "i.", "ʮ": "y", "ʯ": "i.",
}


# Vowel pairs the voice has as one diphthong phoneme; other pairs keep their first vowel.
DIPHTHONGS = {("a", "u"): "Au", ("A", "u"): "Au", ("a", "i"): "ai", ("A", "i"): "ai", ("e", "i"): "ei",
              ("E", "i"): "ei", ("o", "u"): "ou", ("@", "u"): "ou", ("e", "u"): "ou", ("o-", "u"): "ou"}
GLIDES = {"i": "j", "y": "j", "u": "w"}


def vowel_run(vowels: Sequence[str]) -> str:
    """A syllable's vowels as one nucleus: a leading high vowel becomes a glide, a known
    pair a diphthong; the voice would otherwise make every vowel a syllable of its own."""
    mapped = [VOWELS[v] for v in vowels]
    glide = ""
    if len(mapped) > 1 and mapped[0] in GLIDES:
        glide, mapped = GLIDES[mapped[0]], mapped[1:]
    nucleus = DIPHTHONGS.get((mapped[0], mapped[1]), mapped[0]) if len(mapped) > 1 else mapped[0]
    return f"{glide}'{nucleus}"


def nearest_tone(contour: str) -> str:
    """The voice tone closest in start, end and direction (rising/level/falling)."""
    if contour == "0":
        return "22"
    start, end = int(contour[0]), int(contour[-1])

    def distance(tone: str) -> int:
        s, e = int(tone[0]), int(tone[-1])
        direction = (end > start) - (end < start) != (e > s) - (e < s)
        return abs(start - s) + abs(end - e) + 3 * direction

    return min(VOICE_TONES, key=distance)


def syllable_phonemes(units: Sequence[str]) -> str:
    """One syllable's units (segments then a tone) as espeak-ng mnemonics, the tone digits
    after the nucleus as the voice expects (n'Au53, 'a51n)."""
    *segments, tone = units
    bases = [u.rstrip(LONG + NASALISED) for u in segments]
    vowel_at = [i for i, b in enumerate(bases) if b in VOWELS]
    contour = nearest_tone(tone)
    if not vowel_at:  # a syllabic consonant is the nucleus
        *leading, final = segments
        syllabic = SYLLABIC_NASALS.get(final.removesuffix(SYLLABIC))
        if syllabic is None:
            return "".join(CONSONANTS[u] for u in segments)  # no nucleus: the check will drop it
        return "".join(CONSONANTS[u] for u in leading) + "'" + syllabic + contour
    first, last = vowel_at[0], vowel_at[-1]
    onset = "".join(CONSONANTS[u] for u in segments[:first])
    nasal = "N" if segments[last].endswith(NASALISED) else ""
    coda = "".join(
        SYLLABIC_NASALS[u.removesuffix(SYLLABIC)].rstrip("-") if u.endswith(SYLLABIC) else CONSONANTS[u]
        for u in segments[last + 1 :]
    )
    return onset + vowel_run(bases[first : last + 1]) + contour + nasal + coda


def word_phonemes(units: Sequence[str]) -> str:
    return " ".join(syllable_phonemes(s) for s in syllables_of(units))


def approx_segment(words: Sequence[str], variety: str) -> Segment | None:
    """Written words (simplified) spoken in `variety`'s own pronunciations; a word the
    lexicon lacks is read character by character; None if a character is missing."""
    lexicon = lexicon_table(variety)
    spoken: list[SpokenWord] = []
    for word in words:
        pieces = [word] if word in lexicon else list(word)
        for piece in pieces:
            readings = sorted(lexicon.get(piece, ()))
            if not readings:
                return None
            units = readings[0]
            spoken.append(SpokenWord(piece, variety, units, word_phonemes(units)))
    if not spoken:
        return None
    return Segment(variety, tuple(spoken), "[[" + " ".join(w.reading for w in spoken) + "]]")


def said_tones(output: str) -> list[str]:
    """The tones espeak-ng understood from phoneme input, one per syllable."""
    return re.findall(r"\d+", output)
