"""A call's audio bytes → float32 mono samples, whatever sizes the client's messages have.

Frames split across messages are carried over (a client may cut LINEAR16 anywhere);
FLAC is a file, so streamed FLAC is kept until the client half-closes and decoded then,
with its sample rate read from the header."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from asr.audio import MAX_RATE, MIN_RATE, AudioError, Encoding, Samples, decode
from server.request_config import AudioFormat


class AudioInput:
    def __init__(self, audio: AudioFormat) -> None:
        self.format = audio
        self.sample_rate = audio.sample_rate
        self.carry = b""
        bytes_per_sample = 2 if audio.encoding is Encoding.LINEAR16 else 1
        self.frame_bytes = bytes_per_sample * audio.channels

    @property
    def buffers_until_end(self) -> bool:
        return self.format.encoding is Encoding.FLAC

    def accept(self, data: bytes) -> Samples:
        """Samples of every whole frame received so far (FLAC: none until `finish`)."""
        self.carry += data
        if self.buffers_until_end:
            return np.zeros(0, dtype=np.float32)
        whole = len(self.carry) // self.frame_bytes * self.frame_bytes
        ready, self.carry = self.carry[:whole], self.carry[whole:]
        return self._decode(ready)

    def finish(self) -> Samples:
        if self.buffers_until_end:
            if not self.carry:
                return np.zeros(0, dtype=np.float32)
            try:
                rate = sf.info(io.BytesIO(self.carry)).samplerate
            except sf.LibsndfileError as err:
                raise AudioError(f"not a readable FLAC file: {err}") from err
            if not MIN_RATE <= rate <= MAX_RATE:
                raise AudioError(f"the FLAC file's sample rate {rate} Hz is outside {MIN_RATE}–{MAX_RATE} Hz")
            if self.sample_rate and rate != self.sample_rate:
                raise AudioError(
                    f"config.sample_rate_hertz is {self.sample_rate} but the FLAC header says {rate}; "
                    "send 0 to use the header's rate"
                )
            self.sample_rate = rate
            samples = self._decode(self.carry)
            self.carry = b""
            return samples
        if self.carry:
            raise AudioError(
                f"the audio ended inside a frame: {len(self.carry)} trailing bytes are not a whole "
                f"{self.format.channels}-channel {self.format.encoding.value} sample"
            )
        return np.zeros(0, dtype=np.float32)

    def _decode(self, data: bytes) -> Samples:
        if not data:
            return np.zeros(0, dtype=np.float32)
        samples = decode(data, self.format.encoding, self.format.channels, self.format.channel)
        if not np.isfinite(samples).all():
            raise AudioError("the audio holds values that are not finite")
        return samples
