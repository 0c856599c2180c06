"""Hotword boosting as a running match over the decoded text.

A hotword is matched on its characters, not on how the decoder segments it, so 天府广场
gets its boost whether it comes out as one word, as 天府+广场 or as four characters —
which is also how phrases missing from every lexicon are pronounced: through the
per-character entries of the lexicons (the project's G2P). Partial matches earn a
proportional share of the boost, taken back if the match breaks or the utterance ends
first, so a hypothesis only keeps the boost of phrases it completes. Boosts are added
only when words are emitted, and words need acoustic evidence: silence stays empty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from asr.script import simplified

MAX_HOTWORDS = 1000


@dataclass(frozen=True)
class Hotword:
    phrase: str
    boost: float  # natural-log score added when the whole phrase is decoded


def match_key(text: str) -> str:
    """What matching compares: NFKC, simplified, lower case, no whitespace."""
    return "".join(simplified(unicodedata.normalize("NFKC", text)).lower().split())


@dataclass(frozen=True)
class HotwordState:
    banked: float = 0.0  # boosts of completed phrases
    active: tuple[tuple[int, int], ...] = ()  # (hotword index, characters matched so far)


class HotwordMatcher:
    def __init__(self, hotwords: Sequence[Hotword]) -> None:
        if len(hotwords) > MAX_HOTWORDS:
            raise ValueError(f"at most {MAX_HOTWORDS} hotwords per request, got {len(hotwords)}")
        self.keys = [match_key(h.phrase) for h in hotwords]
        empty = [h.phrase for h, k in zip(hotwords, self.keys, strict=True) if not k]
        if empty:
            raise ValueError(f"empty hotword phrase: {empty[0]!r}")
        self.boosts = [h.boost for h in hotwords]
        self.by_first_char: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.by_first_char.setdefault(key[0], []).append(i)

    def credit(self, state: HotwordState) -> float:
        """The provisional score of a state: banked boosts plus the best partial share."""
        partial = max((self.boosts[h] * m / len(self.keys[h]) for h, m in state.active), default=0.0)
        return state.banked + partial

    def advance(self, state: HotwordState, word: str) -> HotwordState:
        key = match_key(word)
        if not key:
            return state
        banked = state.banked
        active: list[tuple[int, int]] = []
        starts = ((h, 0) for h in self.by_first_char.get(key[0], ()))
        for h, matched in (*state.active, *starts):
            target = self.keys[h]
            if target.startswith(key, matched):
                if matched + len(key) == len(target):
                    banked += self.boosts[h]
                else:
                    active.append((h, matched + len(key)))
        return HotwordState(banked, tuple(sorted(set(active))))

    def characters(self) -> Iterable[str]:
        return {ch for key in self.keys for ch in key}
