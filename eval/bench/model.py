"""`xiangyin bench model`: one-thread streaming real-time factor of the acoustic model,
features and encoder separately, chunk by chunk as the server runs it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch

from asr.features import SAMPLE_RATE, StreamingFbank
from asr.model import load_model


@dataclass(frozen=True)
class ModelBench:
    audio_s: float
    chunk_ms: int
    features_rtf: float
    encoder_rtf: float
    parameters: int


def run(model_dir: Path, seconds: float = 30.0, seed: int = 0) -> ModelBench:
    torch.set_num_threads(1)
    model = load_model(model_dir)
    generator = torch.Generator().manual_seed(seed)
    audio = torch.randn(int(seconds * SAMPLE_RATE), generator=generator) * 0.1
    step = SAMPLE_RATE * model.config.chunk_ms // 1000
    fbank, stream = StreamingFbank(), model.stream()
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
                      model.parameters_count)
