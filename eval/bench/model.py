"""`xiangyin bench model`: one-thread streaming real-time factor of the acoustic model,
features and encoder separately, chunk by chunk as the server runs it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch

from asr.features import SAMPLE_RATE, StreamingFbank
from asr.model import load_model, with_int8_linears


@dataclass(frozen=True)
class ModelBench:
    audio_s: float
    chunk_ms: int
    features_rtf: float
    encoder_rtf: float
    parameters: int


def run(model_dir: Path, seconds: float = 30.0, seed: int = 0, int8: bool = True) -> ModelBench:
    """`int8`: the model as the server runs it by default (int8 Linear layers)."""
    torch.set_num_threads(1)
    loaded = load_model(model_dir)
    model = with_int8_linears(loaded) if int8 else loaded
    generator = torch.Generator().manual_seed(seed)
    audio = torch.randn(int(seconds * SAMPLE_RATE), generator=generator) * 0.1
    step = SAMPLE_RATE * model.config.chunk_ms // 1000
    warmup = model.stream()  # TorchScript optimises a function over its first calls: not timed
    block = model.config.feature_block
    warmup_fbank = StreamingFbank(model.config.features, block=block)
    warmup.accept(model.cmvn.apply(warmup_fbank.accept(audio[: 5 * SAMPLE_RATE])))
    fbank, stream = StreamingFbank(model.config.features, block=block), model.stream()
    feature_time = encoder_time = 0.0
    for start in range(0, len(audio), step):
        t0 = time.perf_counter()
        features = model.cmvn.apply(fbank.accept(audio[start : start + step]))
        t1 = time.perf_counter()
        stream.accept(features)
        t2 = time.perf_counter()
        feature_time += t1 - t0
        encoder_time += t2 - t1
    t0 = time.perf_counter()
    stream.finish()
    encoder_time += time.perf_counter() - t0
    return ModelBench(seconds, model.config.chunk_ms, feature_time / seconds, encoder_time / seconds,
                      loaded.parameters_count)
