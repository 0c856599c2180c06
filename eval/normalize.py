"""Text normalisation before scoring: reference and hypothesis are brought to one written
form, so that CER counts what was misheard, not how it was typed.

The rules, applied in this order to both sides (`normalize`):

1. Unicode NFKC: full-width letters, digits and punctuation become half-width
   (`ＡＢＣ１２３，` → `ABC123,`).
2. English lower-case (`Boss` → `boss`).
3. Traditional → simplified characters (OpenCC t2s, `asr.script.simplified`): the
   engine writes simplified, Common Voice zh-HK and HKCanCor write traditional.
4. Arabic numerals → Chinese numerals (cn2an), because the engine writes numbers as
   the words of its lexicons. The reading of a digit string is ambiguous; these rules
   take the common one: digit by digit for a year (`2019年` → `二零一九年`), for a string
   that starts with 0 or has five or more digits (`12345` → `一二三四五`, phone
   numbers and hotlines); otherwise as a quantity (`25` → `二十五`, `3.5` → `三点五`);
   `50%` → `百分之五十`. Digits inside a Latin word stay (`mp3`, `5g`). The opposite
   direction (Chinese → Arabic) is not used: cn2an would rewrite words such as
   统一 → 统1.
5. Punctuation and symbols (Unicode categories P* and S*) are removed; an apostrophe
   inside an English word stays (`don't`).
6. Whitespace collapses: Chinese characters run together, Latin words are set off by
   one space.

`xiangyin eval --no-normalize` scores the raw text instead (tokenised the same way).
"""

from __future__ import annotations

import re
import unicodedata
import warnings

import cn2an

from asr.script import simplified

_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)(%?)(?![A-Za-z0-9])")
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[’'](?=[A-Za-z])")
# A token is an English word (Latin letters and digits, inner apostrophes) or any other
# single visible character (a Chinese character, a kana, a leftover symbol).
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*|\S")
DIGIT_BY_DIGIT_FROM = 5  # digits: hotline and phone numbers are read one digit at a time


def _spoken_number(match: re.Match[str]) -> str:
    digits, percent = match.group(1), match.group(2)
    after = match.string[match.end() : match.end() + 1]
    whole = digits.split(".")[0]
    year = len(digits) == 4 and after == "年"
    code = len(whole) >= DIGIT_BY_DIGIT_FROM or (len(whole) > 1 and whole.startswith("0"))
    mode = "direct" if year or code else "low"
    with warnings.catch_warnings():  # cn2an warns through the warnings module on odd input
        warnings.simplefilter("ignore")
        spoken = str(cn2an.an2cn(digits, mode))
    return f" 百分之{spoken} " if percent else f" {spoken} "


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS" and ch != "'"


def tokens(text: str) -> list[str]:
    """Scoring tokens: each Chinese character, each English word."""
    return _TOKEN.findall(text)


def is_word(token: str) -> bool:
    """An English (Latin-script) word, scored by WER; everything else counts as a character."""
    return token[0].isascii() and token[0].isalnum()


def join_tokens(parts: list[str]) -> str:
    """Characters run together; a Latin word is set off by one space."""
    out = ""
    for t in parts:
        if out and (is_word(t) or is_word(out[-1])):
            out += " "
        out += t
    return out


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = simplified(text)
    text = _NUMBER.sub(_spoken_number, text)
    text = _APOSTROPHE.sub("'", text)
    text = "".join(" " if _is_punctuation(ch) else ch for ch in text)
    text = re.sub(r"(?<![a-z0-9])'|'(?![a-z0-9])", " ", text)  # quotes, not inner apostrophes
    return join_tokens(tokens(text))
