"""Lexicons and LM text are written in simplified characters: the users are on the mainland.

Traditional-script sources (rime-cantonese, HKCanCor, taibun, parts of ngungu) go
through OpenCC's t2s conversion; characters with no simplified form (嘅, 哋, 佢) are
left as they are.
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(word: str) -> str:
    return str(_converter().convert(word))
