"""The Hugging Face backend on tiny random transformers CTC models built here (nothing is
downloaded): directory detection, vocabulary classification, sliding-window streaming and
the round trip save_pretrained → Recognizer.load → stream."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import (
    Data2VecAudioConfig,
    Data2VecAudioForCTC,
    HubertConfig,
    HubertForCTC,
    PretrainedConfig,
    PreTrainedModel,
    Wav2Vec2Config,
    Wav2Vec2CTCTokenizer,
    Wav2Vec2FeatureExtractor,
    Wav2Vec2ForCTC,
    WavLMConfig,
    WavLMForCTC,
)

from asr.char_decoder import character_lm
from asr.decoder import BLANK
from asr.hf_model import HFFront, Windows, column_map, load_hf_front
from asr.lexicon import read_lexicon
from asr.recognizer import Recognizer
from tests.decoding import build_lm

SPECIALS = ["<s>", "</s>", "<unk>", "|"]
VARIETY = "wuu-x-xiashi"  # the smallest built lexicon: quick to load
CHARACTERS = ["我", "去", "银", "行", "取", "钱", "o", "k"]
ARCHITECTURES: dict[str, tuple[type[PretrainedConfig], type[PreTrainedModel]]] = {
    "Wav2Vec2ForCTC": (Wav2Vec2Config, Wav2Vec2ForCTC),
    "HubertForCTC": (HubertConfig, HubertForCTC),
    "WavLMForCTC": (WavLMConfig, WavLMForCTC),
    "Data2VecAudioForCTC": (Data2VecAudioConfig, Data2VecAudioForCTC),
}


def save_ctc_model(directory: Path, vocab: list[str], architecture: str = "Wav2Vec2ForCTC") -> Path:
    """A tiny random CTC model with the real 7-layer feature encoder (20 ms frames), its
    tokenizer and feature extractor; the pad token (the blank) is the last column, so it
    has to move."""
    config_class, model_class = ARCHITECTURES[architecture]
    tokens = [*vocab, "<pad>"]
    config = config_class(
        hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        conv_dim=(16,) * 7, num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2,
        vocab_size=len(tokens), pad_token_id=len(tokens) - 1,
    )
    torch.manual_seed(0)
    model = model_class(config)
    with torch.no_grad():  # sharpen the random posteriors, so decoders emit something
        model.lm_head.weight.mul_(30)
    model.save_pretrained(directory)
    (directory / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}), encoding="utf-8")
    Wav2Vec2CTCTokenizer(str(directory / "vocab.json")).save_pretrained(directory)
    Wav2Vec2FeatureExtractor(do_normalize=True).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def units(built: list[str]) -> list[str]:
    return sorted({u for e in read_lexicon(VARIETY) for u in e.units})


@pytest.fixture(scope="module")
def phone_dir(units: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_ctc_model(tmp_path_factory.mktemp("phones"), [*SPECIALS, *units])


@pytest.fixture(scope="module")
def char_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = save_ctc_model(tmp_path_factory.mktemp("chars"), [*SPECIALS, *CHARACTERS])
    build_lm(directory, ["我 去 银 行 取 钱"] * 20 + ["o k"] * 5)
    (directory / "lm.bin").rename(directory / "lm-chars.bin")
    return directory


def audio(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.1 * rng.standard_normal(int(seconds * 16_000))).astype(np.float32)


def stream_frames(front: HFFront, samples: np.ndarray, chunk: int) -> np.ndarray:
    stream = front.stream()
    out = [stream.accept(samples[i : i + chunk]).units for i in range(0, len(samples), chunk)]
    return np.concatenate([*out, stream.finish().units])


def test_vocabularies_are_classified_and_the_blank_moves_to_column_0() -> None:
    tokens = ["<s>", "a", "|", "55", "<pad>"]
    phones = column_map(tokens, blank=4, specials={"<s>", "<pad>", "|"}, delimiter="|")
    assert (phones.vocabulary, phones.tokens) == ("units", (BLANK, "a", "55"))
    logprobs = torch.log(torch.tensor([[0.1, 0.2, 0.3, 0.15, 0.25]]))
    assert np.exp(phones.apply(logprobs)) == pytest.approx(np.array([[0.65, 0.2, 0.15]]), abs=1e-6)
    chars = column_map(["<pad>", "我", "|", "o"], blank=0, specials={"<pad>", "|"}, delimiter="|")
    assert (chars.vocabulary, chars.tokens, chars.text) == ("characters", (BLANK, "我", "|", "o"), (1, 2, 3))
    with pytest.raises(ValueError, match="no token besides special ones"):
        column_map(["<pad>", "|"], blank=0, specials={"<pad>", "|"}, delimiter="|")


@pytest.mark.parametrize("seconds", [0.01, 0.5, 1.0, 1.6, 4.37])
def test_windows_emit_each_frame_of_a_whole_pass_once(phone_dir: Path, seconds: float) -> None:
    front = load_hf_front(phone_dir, Windows(window_ms=1000, hop_ms=600))
    samples = audio(seconds)
    whole = front.frames(len(samples))
    one_shot = stream_frames(front, samples, len(samples))
    assert len(one_shot) == whole
    np.testing.assert_array_equal(stream_frames(front, samples, 1234), one_shot)
    if whole:
        one_pass = front.logprobs(samples)
        assert len(one_pass) == whole  # our frame arithmetic is the model's
        if seconds < 1.0:  # a single window is exactly one pass over the whole audio
            np.testing.assert_allclose(one_shot, one_pass, atol=1e-5)


def test_round_trip_phone_model(phone_dir: Path, units: list[str]) -> None:
    recognizer = Recognizer.load(phone_dir, varieties=[VARIETY], lm_path=None)
    info = recognizer.info
    assert (info.kind, info.architecture, info.vocabulary) == ("hf-ctc", "Wav2Vec2ForCTC", "units")
    assert (info.tokens, info.dialects, info.frame_shift_ms) == (len(units) + 5, (VARIETY,), 20)
    assert (info.window_ms, info.hop_ms, info.chunk_ms) == (4000, 3000, 0) and info.parameters > 0
    assert recognizer.front.tokens == (BLANK, *units)
    samples = audio(9.3, seed=1)
    one = recognizer.stream(16_000)
    one.accept(samples)
    expected = one.finish()
    stream = recognizer.stream(16_000)
    partials = [stream.accept(samples[i : i + 3200]) for i in range(0, len(samples), 3200)]
    final = stream.finish()
    assert final.transcript and (final.transcript, final.end_s) == (expected.transcript, expected.end_s)
    assert final.is_final and not any(p.is_final for p in partials)
    assert [p.end_s for p in partials] == sorted(p.end_s for p in partials)
    assert final.end_s == pytest.approx(recognizer.front.frames(len(samples)) * 0.02)
    words = final.alternatives[0].words if final.alternatives else ()
    assert all(w.dialect == VARIETY for w in words)
    assert [w.start_s for w in words] == sorted(w.start_s for w in words)


def test_round_trip_character_model(char_dir: Path) -> None:
    assert character_lm(char_dir / "lm.bin") == char_dir / "lm-chars.bin"
    assert character_lm(char_dir / "lm-chars.bin") == char_dir / "lm-chars.bin"
    recognizer = Recognizer.load(char_dir, lm_path=char_dir / "lm.bin")
    assert recognizer.info.vocabulary == "characters" and recognizer.info.dialects == ()
    assert recognizer.front.tokens == (BLANK, "|", *CHARACTERS)
    samples = audio(5.0, seed=2)
    one = recognizer.stream(8_000)
    one.accept(samples[::2].copy())
    expected = one.finish()
    stream = recognizer.stream(8_000)
    for i in range(0, len(samples) // 2, 777):
        stream.accept(samples[::2][i : i + 777].copy())
    final = stream.finish()
    assert final.transcript and (final.transcript, final.end_s) == (expected.transcript, expected.end_s)
    assert set(final.transcript) <= {*CHARACTERS, " "}
    with pytest.raises(ValueError, match="character LM"):
        Recognizer.load(char_dir, lm_path=None)


@pytest.mark.parametrize("architecture", ["HubertForCTC", "WavLMForCTC", "Data2VecAudioForCTC"])
def test_other_architectures_load_and_stream(architecture: str, tmp_path: Path) -> None:
    front = load_hf_front(save_ctc_model(tmp_path, [*SPECIALS, "a", "i", "55"], architecture))
    assert (front.info.architecture, front.info.vocabulary, front.info.frame_shift_ms) == (
        architecture, "units", 20)
    samples = audio(4.5)
    frames = stream_frames(front, samples, 4000)
    assert frames.shape == (front.frames(len(samples)), 4) and np.isfinite(frames).all()


def test_a_directory_of_neither_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a model directory"):
        Recognizer.load(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["WhisperForConditionalGeneration"]}))
    with pytest.raises(ValueError, match="Wav2Vec2ForCTC, HubertForCTC"):
        Recognizer.load(tmp_path)


def test_our_model_directory_is_detected(built: list[str]) -> None:
    default = Path(__file__).resolve().parents[1] / "models" / "default"
    if not (default / "config.json").exists():
        pytest.skip("no default model shipped")
    info = Recognizer.load(default, varieties=[VARIETY], lm_path=None).info
    assert (info.kind, info.vocabulary, info.frame_shift_ms, info.window_ms) == (
        "xiangyin-emformer", "units", 20, 0)  # two CTC outputs per 40 ms frame
    assert info.chunk_ms > 0 and len(info.dialects) > 1 and info.path == str(default)
