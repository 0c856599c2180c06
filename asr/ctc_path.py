"""How a CTC path (one token id per frame, blank 0) reads as tokens.

The search, the training recipe's greedy unit error rate and `xiangyin eval`'s greedy
units all read a path by this one rule, so their figures count the same tokens.
"""

from __future__ import annotations

from collections.abc import Sequence


def new_token_frames(path: Sequence[int]) -> list[int]:
    """The frames where a path takes a new token: a non-blank token that is not the
    previous frame's (held without a blank between, it is the same)."""
    return [f for f, t in enumerate(path) if t > 0 and (f == 0 or path[f - 1] != t)]


def collapsed(path: Sequence[int]) -> list[int]:
    """The tokens a path spells: repeats merged, blanks dropped (greedy CTC)."""
    return [path[f] for f in new_token_frames(path)]
