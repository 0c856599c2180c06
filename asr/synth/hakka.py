"""Hakka (Sixian) sentences for the synthetic corpus, spelled for espeak-ng's hak voice.

espeak-ng's hak rules read Pha̍k-fa-sṳ, but not every spelling of a syllable comes back
as one syllable with the tone we meant: an open "ie" splits in two, a diphthong given a
trailing tone digit gains a second tone, an unmarked tone after i turns into tone 1.
So each syllable of the lexicon gets the first of a few spellings (tone marks or a
trailing digit, "ie" or "ye") that espeak-ng's own phoneme output reads back as one
syllable with the wanted tone; a syllable none of them fits is never spoken.

Sources: HSK sentences in their Hakka readings (written Chinese read aloud in Hakka, as
Hakka speakers read it) and strings of the Hakka lexicon's own words of two to four
characters (its vocabulary; generated, not natural sentences).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import numpy as np

from asr.notation import sixian
from asr.synth.espeak import Speaker, Voice, phonemes
from asr.synth.text import Segment, Sentence, SpokenWord, lexicon_table
from asr.units import UnitError, syllables_of

DIALECT = "hak"
CHECK_VOICE = Voice("hak", Speaker("", 1.0, 50))  # spelling rules are the language's, not a variant's
BATCH = 400  # spellings per espeak-ng call, separated by "|" (which it writes back as "_|")
Syllable = tuple[str, ...]


def candidates(syllable: Syllable) -> list[str]:
    marked, number = sixian.espeak_syllable(syllable)
    plain = "".join(c for c in unicodedata.normalize("NFD", marked) if not unicodedata.combining(c))
    spellings = [marked, _ye(marked), plain + number, _ye(plain) + number]
    return list(dict.fromkeys(spellings))


def _ye(spelling: str) -> str:
    """A medial i before e spelt y, which espeak-ng keeps in one syllable."""
    return re.sub(r"(?<=.)ie", "ye", spelling)


def said_tone(output: str) -> str:
    """The tone of one spoken syllable in espeak-ng's -x output, "" unless it is exactly one."""
    tokens = output.split()
    digits = re.findall(r"\d", output)
    return digits[0] if len(tokens) == 1 and len(digits) == 1 else ""


def read_back(spellings: Sequence[str]) -> list[str]:
    """The tone espeak-ng says for each spelling ("" where it is not one syllable)."""
    said: list[str] = []
    for start in range(0, len(spellings), BATCH):
        batch = spellings[start : start + BATCH]
        parts = phonemes(" | ".join(batch), CHECK_VOICE).split("_|")
        said += [said_tone(p) for p in parts] if len(parts) == len(batch) else [""] * len(batch)
    return said


@cache
def spellings() -> dict[Syllable, str]:
    """Every syllable of the Hakka lexicon → a spelling espeak-ng reads as it is meant."""
    wanted: dict[Syllable, tuple[str, list[str]]] = {}
    for readings in lexicon_table(DIALECT).values():
        for units in readings:
            for syllable in syllables_of(units):
                if syllable not in wanted:
                    try:
                        wanted[syllable] = (sixian.espeak_syllable(syllable)[1], candidates(syllable))
                    except UnitError:
                        continue
    chosen: dict[Syllable, str] = {}
    for round_ in range(4):
        trying = [(s, c[round_]) for s, (_, c) in wanted.items() if s not in chosen and len(c) > round_]
        for (syllable, spelling), tone in zip(trying, read_back([t for _, t in trying]), strict=True):
            if tone == wanted[syllable][0]:
                chosen[syllable] = spelling
    return chosen


def expected_tones(words: Iterable[SpokenWord]) -> list[str]:
    return [sixian.espeak_syllable(s)[1] for w in words for s in syllables_of(w.units)]


def _spoken(word: str, units: Syllable) -> SpokenWord | None:
    spelled = [spellings().get(s) for s in syllables_of(units)]
    if not spelled or None in spelled:
        return None
    return SpokenWord(word, DIALECT, units, " ".join(s for s in spelled if s))


def hakka_segment(words: Sequence[str]) -> Segment | None:
    """Words in their commonest Hakka reading, a word the lexicon lacks character by
    character; None if one cannot be read."""
    lexicon = lexicon_table(DIALECT)
    out: list[SpokenWord] = []
    for word in words:
        pieces = [word] if word in lexicon else list(word)
        for piece in pieces:
            readings = lexicon.get(piece)
            spoken = _spoken(piece, readings[0]) if readings else None
            if spoken is None:
                return None
            out.append(spoken)
    return Segment(DIALECT, tuple(out), " ".join(w.reading for w in out)) if out else None


def hsk_in_hakka(hsk: Iterable[Sentence]) -> Iterator[Sentence]:
    for sentence in hsk:
        segment = hakka_segment([w.text for s in sentence.segments for w in s.words])
        if segment:
            yield Sentence((segment,), "hsk:hak")


def lexicon_words(count: int = 3_000, seed: int = 0) -> Iterator[Sentence]:
    """Strings of 2–4 of the lexicon's words of two to four characters."""
    words = sorted(w for w in lexicon_table(DIALECT) if 2 <= len(w) <= 4)
    rng = np.random.default_rng(seed)
    for _ in range(count):
        picked = rng.choice(len(words), size=int(rng.integers(2, 5)))
        segment = hakka_segment([words[i] for i in picked])
        if segment:
            yield Sentence((segment,), "hak-words")
