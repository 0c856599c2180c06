"""Audio in: PCM codecs (LINEAR16, μ-law and A-law telephony, FLAC files), channel
selection, and streaming resampling to the model's 16 kHz float32."""

from __future__ import annotations

import audioop
import io
from enum import Enum

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

MODEL_RATE = 16_000
MIN_RATE, MAX_RATE = 8_000, 48_000

Samples = npt.NDArray[np.float32]


class Encoding(Enum):
    LINEAR16 = "LINEAR16"  # signed 16-bit little-endian PCM
    MULAW = "MULAW"  # G.711 μ-law, 8 bits per sample
    ALAW = "ALAW"  # G.711 A-law, 8 bits per sample
    FLAC = "FLAC"  # a whole FLAC file (not streamed)


class AudioError(ValueError):
    """Audio the service cannot read, with what to fix."""


def decode(data: bytes, encoding: Encoding, channels: int = 1, channel: int | None = None) -> Samples:
    """Bytes → float32 mono in [-1, 1]; several channels are mixed, or one is picked."""
    if encoding is Encoding.FLAC:
        try:
            audio, _ = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
        except sf.LibsndfileError as err:
            raise AudioError(f"not a readable FLAC file: {err}") from err
        interleaved = audio.reshape(-1)
        channels = audio.shape[1]
    else:
        if encoding is Encoding.LINEAR16:
            if len(data) % (2 * channels):
                raise AudioError(
                    f"LINEAR16 chunk of {len(data)} bytes is not whole {channels}-channel 16-bit frames"
                )
            pcm = data
        else:
            if len(data) % channels:
                raise AudioError(
                    f"{encoding.value} chunk of {len(data)} bytes is not whole {channels}-channel frames"
                )
            pcm = audioop.ulaw2lin(data, 2) if encoding is Encoding.MULAW else audioop.alaw2lin(data, 2)
        interleaved = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    frames = interleaved.reshape(-1, channels)
    if channel is not None:
        if not 0 <= channel < channels:
            raise AudioError(f"channel {channel} does not exist in {channels}-channel audio")
        mono: Samples = frames[:, channel].copy()
        return mono
    mixed: Samples = frames.mean(axis=1).astype(np.float32)
    return mixed


def linear16(samples: Samples) -> bytes:
    """Float samples in [-1, 1] → LINEAR16 bytes (clipped): what the VAD and gRPC clients take."""
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


class StreamingResampler:
    """Any rate from 8 to 48 kHz → 16 kHz, chunk by chunk (soxr keeps the filter state, so
    the result equals resampling the whole stream at once)."""

    def __init__(self, sample_rate: int) -> None:
        if not MIN_RATE <= sample_rate <= MAX_RATE:
            raise AudioError(f"sample rate {sample_rate} Hz is outside {MIN_RATE}–{MAX_RATE} Hz")
        self.passthrough = sample_rate == MODEL_RATE
        self.stream = (
            None if self.passthrough else soxr.ResampleStream(sample_rate, MODEL_RATE, 1, dtype="float32")
        )

    def accept(self, samples: Samples, last: bool = False) -> Samples:
        if self.stream is None:
            return samples
        out: Samples = self.stream.resample_chunk(samples, last=last)
        return out
