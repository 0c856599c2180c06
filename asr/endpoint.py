"""Voice activity and endpoint rules: where an utterance starts and where it ends.

WebRTC's VAD classifies each 30 ms frame of 16 kHz audio as speech or not. Speech starts
when `start_frames` of the last `start_window` frames are speech (a click or a cough is
shorter); it ends after `trailing_silence_ms` without speech, or when the utterance
reaches `max_utterance_s` (a forced end, so a line with constant noise still gets finals).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np
import webrtcvad

from asr.audio import MODEL_RATE, Samples, linear16

FRAME_SAMPLES = MODEL_RATE * 30 // 1000  # webrtcvad takes 10, 20 or 30 ms frames


@dataclass(frozen=True)
class EndpointOptions:
    trailing_silence_ms: int = 800
    max_utterance_s: float = 30.0
    vad_aggressiveness: int = 2  # 0 (keeps most audio as speech) … 3 (strictest)
    start_frames: int = 4
    start_window: int = 6

    def __post_init__(self) -> None:
        if not 100 <= self.trailing_silence_ms <= 5000:
            raise ValueError(f"trailing silence {self.trailing_silence_ms} ms is outside 100–5000 ms")
        if not 1 <= self.max_utterance_s <= 120:
            raise ValueError(f"max utterance {self.max_utterance_s} s is outside 1–120 s")
        if not 0 <= self.vad_aggressiveness <= 3:
            raise ValueError("VAD aggressiveness is 0–3")


class Boundary(Enum):
    START = "start"
    END_SILENCE = "end_silence"  # trailing silence after speech
    END_MAX_LENGTH = "end_max_length"  # the utterance reached max_utterance_s
    END_OF_AUDIO = "end_of_audio"  # the caller stopped sending (not an endpointer decision)


@dataclass(frozen=True)
class Endpoint:
    boundary: Boundary
    sample: int  # 16 kHz position from the start of the stream where it takes effect


class Endpointer:
    """Feed 16 kHz audio in any sizes; get the boundaries it crosses, in order."""

    def __init__(self, options: EndpointOptions | None = None) -> None:
        self.options = options or EndpointOptions()
        self.vad = webrtcvad.Vad(self.options.vad_aggressiveness)
        self.pending = np.zeros(0, dtype=np.float32)
        self.position = 0  # samples classified so far
        self.recent: deque[bool] = deque(maxlen=self.options.start_window)
        self.in_speech = False
        self.utterance_start = 0
        self.silent_frames = 0

    def accept(self, samples: Samples) -> list[Endpoint]:
        self.pending = np.concatenate([self.pending, samples])
        whole = len(self.pending) // FRAME_SAMPLES * FRAME_SAMPLES
        frames, self.pending = self.pending[:whole], self.pending[whole:]
        out = []
        for frame in frames.reshape(-1, FRAME_SAMPLES):
            endpoint = self._step(self.vad.is_speech(linear16(frame), MODEL_RATE))
            self.position += FRAME_SAMPLES
            if endpoint is not None:
                out.append(endpoint)
        return out

    def _step(self, speech: bool) -> Endpoint | None:
        self.recent.append(speech)
        frame_end = self.position + FRAME_SAMPLES
        if not self.in_speech:
            if sum(self.recent) >= self.options.start_frames:
                first_voiced = len(self.recent) - list(self.recent).index(True)
                self.in_speech, self.silent_frames = True, 0
                self.utterance_start = frame_end - first_voiced * FRAME_SAMPLES
                return Endpoint(Boundary.START, self.utterance_start)
            return None
        self.silent_frames = 0 if speech else self.silent_frames + 1
        if self.silent_frames * 30 >= self.options.trailing_silence_ms:
            return self._end(Boundary.END_SILENCE, frame_end)
        if frame_end - self.utterance_start >= self.options.max_utterance_s * MODEL_RATE:
            return self._end(Boundary.END_MAX_LENGTH, frame_end)
        return None

    def _end(self, boundary: Boundary, sample: int) -> Endpoint:
        self.in_speech = False
        self.recent.clear()
        return Endpoint(boundary, sample)
