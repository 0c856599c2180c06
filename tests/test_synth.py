"""The synthetic corpus: committed fixtures, manifest schema, splits, channels, labels."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from asr.features import FbankOptions, fbank
from asr.lexicon import read_lexicon
from asr.synth.approx import approx_segment, nearest_tone, syllable_phonemes
from asr.synth.channel import Channel, apply
from asr.synth.corpus import SynthOptions, generate, sentence_pools
from asr.synth.espeak import SAMPLE_RATE, Speaker, Voice, speak
from asr.synth.hakka import hakka_segment, said_tone, spellings
from asr.synth.labels import approx_agreement, cmn_agreement, espeak_jyutping, hak_agreement
from asr.synth.manifest import read_manifest
from asr.synth.text import lexicon_table, mandarin_segment
from asr.synth.voices import split_variants, variant_split, voice_for
from asr.units import parse_units, syllables_of

FIXTURES = Path(__file__).parent / "fixtures" / "synth"


def test_committed_fixtures_are_valid_and_decodable(built: list[str]) -> None:
    rows = list(read_manifest(FIXTURES / "manifest.jsonl"))  # validates every row
    assert len(rows) >= 20
    dialects = {w.dialect for r in rows for w in r.words}
    lexicons = {d: {(e.word, e.units) for e in read_lexicon(d)} for d in dialects}
    for row in rows:
        audio, rate = sf.read(FIXTURES / row.audio, dtype="float32")
        assert rate == row.sample_rate and audio.ndim == 1
        assert abs(len(audio) / rate - row.duration_s) < 0.01
        for w in row.words:
            assert (w.text, w.units) in lexicons[w.dialect], (row.id, w)
    assert {r.sample_rate for r in rows} == {8000, 16000}
    assert any(len({w.dialect for w in r.words}) > 1 for r in rows), "no code-switched fixture"
    assert {r.label_kind for r in rows} == {"synthetic", "synthetic-approx"}
    assert all((r.label_kind == "synthetic-approx") == r.source.startswith("approx:") for r in rows)
    assert sum(f.stat().st_size for f in FIXTURES.rglob("*")) < 2_000_000


def test_train_and_test_share_no_sentence_and_no_speaker() -> None:
    pools = sentence_pools(("cmn", "yue", "en"))
    train = {s.text for by in pools["train"].values() for s in by}
    test = {s.text for by in pools["test"].values() for s in by}
    assert train and test and not train & test
    assert not set(split_variants("train")) & set(split_variants("test"))
    assert len(split_variants("train")) + len(split_variants("test")) >= 40


def test_generation_is_deterministic_and_splits_hold(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", SynthOptions(seed=3), utterances=12)
    second = generate(tmp_path / "b", SynthOptions(seed=3), utterances=12)
    a = (tmp_path / "a" / "manifest.jsonl").read_text(encoding="utf-8")
    assert a == (tmp_path / "b" / "manifest.jsonl").read_text(encoding="utf-8")
    assert first.audio_s == second.audio_s > 0
    rows = list(read_manifest(tmp_path / "a" / "manifest.jsonl"))
    for row in rows:
        variant = row.voice.split("@")[0]
        assert variant_split(variant) == row.split
    assert json.loads(json.dumps(first.as_json()))["label_agreement"]["cmn"] == 1.0


def test_telephone_channel_is_band_limited_8k_and_companded() -> None:
    rng = np.random.default_rng(0)
    speech = speak("ni3 hao3 wo3 xiang3 wen4 yi1 xia4", Voice("cmn-latn-pinyin", Speaker("", 1.0, 50)))
    channel = Channel("phone-8k-ulaw", "none", 30, False, 0.0, 0.1, 0.1)
    audio = apply(speech, channel, rng, None)
    assert channel.sample_rate == 8000
    assert abs(len(audio) / 8000 - (len(speech) / SAMPLE_RATE + 0.2)) < 0.01
    spectrum = np.abs(np.fft.rfft(audio)) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / 8000)
    assert spectrum[freqs < 200].sum() < 0.01 * spectrum.sum()
    levels = Counter(np.round(audio * 32768).astype(int).tolist())
    assert len(levels) <= 256  # μ-law has 256 code points


def test_noise_is_added_at_the_requested_snr() -> None:
    rng = np.random.default_rng(1)
    speech = speak("ni3 hao3", Voice("cmn-latn-pinyin", Speaker("", 1.0, 50)))
    clean = apply(speech, Channel("app-16k", "none", 10, False, 0.0, 0.0, 0.0), rng, None)
    noisy = apply(speech, Channel("app-16k", "pink", 10, False, 0.0, 0.0, 0.0), rng, None)
    snr = 10 * np.log10(np.mean(clean**2) / np.mean((noisy - clean) ** 2))
    assert 9 < snr < 11


def test_espeak_cantonese_phonemes_read_as_jyutping() -> None:
    assert espeak_jyutping("N'o5_| h'eoi3_| Na4nh'ong4_| d'aa6n_| si4g'aa3n_| 'ng4_|") == [
        "ngo5", "heoi3", "ngan4", "hong4", "daan6", "si4", "gaan3", "ng4"
    ]


def _voiced_log_f0(text: str, voice: Voice) -> float:
    features = fbank(torch.from_numpy(speak(text, voice)), FbankOptions(pitch=True))
    return float(features[features[:, 80] > 0.8, 81].median())


def test_a_wider_pitch_range_spreads_the_cantonese_tones_apart() -> None:
    spread = []
    for tone_range in (100, 200):
        voice = Voice("yue", Speaker("", 1.0, 50, tone_range))
        spread.append(_voiced_log_f0("诗诗诗", voice) - _voiced_log_f0("事事事", voice))  # 55 vs 22
    assert spread[0] > 0.1 and spread[1] > spread[0] + 0.1  # about 3 semitones, then 6


def test_mandarin_third_tone_sandhi_counts_as_agreement() -> None:
    segment = mandarin_segment(["你好", "我", "很", "好"])
    assert segment is not None
    result = cmn_agreement(segment, Voice("cmn-latn-pinyin", Speaker("", 1.0, 50)))
    assert result.syllables == 5 and result.complete


@pytest.mark.parametrize("dialect", ["cmn", "yue", "en", "wuu-x-shanghai", "cmn-x-sichuan"])
def test_fixture_words_carry_their_dialect(dialect: str) -> None:
    rows = list(read_manifest(FIXTURES / "manifest.jsonl"))
    assert any(w.dialect == dialect for r in rows for w in r.words)


def test_lexicon_only_dialects_are_spoken_through_phoneme_input(built: list[str]) -> None:
    contours = ("55", "13", "213", "53", "21", "0")
    assert [nearest_tone(t) for t in contours] == ["55", "35", "35", "53", "21", "22"]
    assert syllable_phonemes(parse_units("n a u 53")) == "n'Au53"  # one diphthong, one tone
    assert syllable_phonemes(parse_units("ŋ 35")) == "'N-35"  # a syllabic nasal carries the tone
    segment = approx_segment(["我", "去", "银行"], "wuu-x-shanghai")
    assert segment is not None and segment.say.startswith("[[")
    assert segment.words[0].units == parse_units("ŋ u 13")
    assert approx_agreement(segment, voice_for("wuu-x-shanghai", Speaker("", 1.0, 50, 200))).complete


def test_hakka_is_spelt_so_espeak_reads_every_syllable_with_its_tone(built: list[str]) -> None:
    readings = [u for words in lexicon_table("hak").values() for u in words]
    lexicon_syllables = {s for units in readings for s in syllables_of(units)}
    assert len(spellings()) >= 0.95 * len(lexicon_syllables)
    segment = hakka_segment(["𠊎", "食饭", "了", "客家人"])
    assert segment is not None and segment.dialect == "hak"
    assert segment.words[0].units == parse_units("ŋ a i 11")
    assert hak_agreement(segment, voice_for("hak", Speaker("m3", 1.1, 40, 150))).complete
    assert said_tone("k'i1e1") == "" and said_tone("k'ie4 'i5t") == "" and said_tone("th'ie1n") == "1"


def test_hakka_sentences_join_the_pools_when_asked_for(built: list[str]) -> None:
    pools = sentence_pools(("hak", "en"))
    sources = {name for split in pools.values() for name in split}
    assert {"hsk:hak", "hak-words"} <= sources
    assert all(seg.dialect in ("hak", "en") for split in pools.values() for group in split.values()
               for sentence in group for seg in sentence.segments)
