"""The decoder index cache: built once from the lexicon files, loaded after, rebuilt when
a lexicon or the tokens change, and the same classes either way."""

from __future__ import annotations

from pathlib import Path

from asr.decoder import UnitDecoder
from asr.decoder_index import BLANK, default_tokens, load_index
from asr.lexicon import Pronunciation, read_lexicon, write_lexicon
from asr.units import parse_units
from tests.decoding import build_lm


def entry(word: str, variety: str, units: str, freq: int | None = None) -> Pronunciation:
    return Pronunciation(word, variety, parse_units(units), freq, "test")


CMN = [entry("我", "cmn", "u o 214", 100), entry("银行", "cmn", "i n 35 x a ŋ 35", 50),
       entry("印行", "cmn", "i n 51 x a ŋ 35"), entry("行", "cmn", "x a ŋ 35", 7),
       entry("行", "cmn", "ɕ i ŋ 35", 30)]
YUE = [entry("我", "yue", "ŋ ɔː 13", 100), entry("行", "yue", "x a ŋ 35", 2)]


def lexicons(directory: Path) -> None:
    write_lexicon(directory / "cmn.tsv", CMN)
    write_lexicon(directory / "yue.tsv", YUE)


def test_cached_index_equals_the_one_built_from_entries(tmp_path: Path) -> None:
    lexicons(tmp_path)
    built = load_index(["cmn", "yue"], None, tmp_path)
    caches = list((tmp_path / "cache").glob("decoder-*.npz"))
    assert len(caches) == 1
    cached = load_index(["cmn", "yue"], None, tmp_path)
    entries = [*read_lexicon("cmn", tmp_path), *read_lexicon("yue", tmp_path)]  # in file order
    direct = UnitDecoder(default_tokens(entries), entries, None)
    for index in (built, cached):
        assert list(index.tokens) == direct.tokens and index.dialects == direct.dialects == {"cmn", "yue"}
        assert [list(c) for c in index.classes] == [list(c) for c in direct.classes]
    shared = next(c for c in cached.classes if len(c) == 2)  # 行 read x a ŋ 35 in both
    assert {e.variety for e, _ in shared} == {"cmn", "yue"}
    assert all(p <= 0 for _, p in shared)


def test_a_rebuilt_lexicon_or_other_tokens_make_a_new_cache(tmp_path: Path) -> None:
    lexicons(tmp_path)
    first = load_index(["cmn"], None, tmp_path)
    write_lexicon(tmp_path / "cmn.tsv", [*CMN, entry("新", "cmn", "ɕ i n 55", 3)])
    second = load_index(["cmn"], None, tmp_path)
    assert len(second.classes) == len(first.classes) + 1
    assert len(list((tmp_path / "cache").glob("decoder-*.npz"))) == 1  # the stale one is gone
    tokens = [BLANK, *sorted({u for e in CMN for u in e.units})]  # no "55": 新 is skipped
    third = load_index(["cmn"], tokens, tmp_path)
    assert third.skipped == 1 and len(list((tmp_path / "cache").glob("decoder-*.npz"))) == 2


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    lexicons(tmp_path)
    load_index(["yue"], None, tmp_path)
    [cache] = (tmp_path / "cache").glob("decoder-*.npz")
    cache.write_bytes(b"not an npz")
    assert len(load_index(["yue"], None, tmp_path).classes) == 2


def test_with_an_lm_the_words_it_does_not_know_are_left_to_their_characters(tmp_path: Path) -> None:
    lexicons(tmp_path)
    write_lexicon(tmp_path / "en.tsv", [entry("bank", "en", "b æ ŋ k"), entry("zyx", "en", "z ɪ k s")])
    build_lm(tmp_path, ["我 银行", "我 行"])  # knows 银行, not 印行; no English at all
    lm_path = tmp_path / "lm.bin"
    index = load_index(["cmn", "en"], None, tmp_path, lm_path)
    words = {e.word for c in index.classes for e, _ in c}
    assert words == {"我", "银行", "行", "bank", "zyx"}  # 印行 goes: 印 and 行 would spell it
    assert index.spelled == 1
    without = load_index(["cmn", "en"], None, tmp_path)
    assert "印行" in {e.word for c in without.classes for e, _ in c} and without.spelled == 0
    caches = set((tmp_path / "cache").glob("decoder-*.npz"))
    assert len(caches) == 2  # one per LM setting
    build_lm(tmp_path, ["我 银行", "我 行", "印行"])  # a rebuilt LM makes a new cache
    rebuilt = load_index(["cmn", "en"], None, tmp_path, lm_path)
    assert "印行" in {e.word for c in rebuilt.classes for e, _ in c}
    after = set((tmp_path / "cache").glob("decoder-*.npz"))
    assert len(after) == 2 and after != caches  # the stale one is gone
