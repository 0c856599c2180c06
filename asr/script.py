"""Lexicons and LM text are written in simplified characters: the users are on the mainland.

Traditional-script sources (rime-cantonese, HKCanCor, taibun, parts of ngungu) go
through OpenCC's t2s conversion; characters with no simplified form (嘅, 哋, 佢) are
left as they are.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]+")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(word: str) -> str:
    return str(_converter().convert(word))


def is_han(word: str) -> bool:
    """Written wholly in Han characters (CJK unified ideographs, extensions A and B+)."""
    return bool(_HAN.fullmatch(word))
