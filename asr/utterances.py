"""Continuous recognition: one call's audio → a sequence of utterances, each with partial
hypotheses while it is spoken and one final when the endpoint fires or the audio ends.

Only speech is decoded: between utterances the audio waits in a short pre-roll buffer,
so the first syllable, spoken before the VAD was sure, still reaches the model. Times
in every event count from the start of the call's audio.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from asr.audio import MODEL_RATE, Samples, StreamingResampler
from asr.decode_result import DecoderOptions
from asr.endpoint import Boundary, Endpointer, EndpointOptions
from asr.recognizer import Recognizer, Result, Stream

PRE_ROLL_S = 0.3
# Idle audio kept: the pre-roll before a start the VAD may report up to a window
# (start_window frames) after the fact — so the pre-roll is the same whatever the chunking.
IDLE_KEEP_S = PRE_ROLL_S + 0.5


@dataclass(frozen=True)
class SpeechStarted:
    utterance: int
    time_s: float


@dataclass(frozen=True)
class UtteranceEnded:
    utterance: int
    time_s: float
    boundary: Boundary


@dataclass(frozen=True)
class Hypothesis:
    utterance: int
    result: Result  # partial or final; word times from the start of the call


Event = SpeechStarted | UtteranceEnded | Hypothesis


def shifted(result: Result, seconds: float) -> Result:
    """An utterance's result with its times moved from the utterance to the call."""
    alternatives = tuple(
        replace(a, words=tuple(replace(w, start_s=w.start_s + seconds, end_s=w.end_s + seconds)
                               for w in a.words))
        for a in result.alternatives
    )
    return replace(result, alternatives=alternatives, end_s=result.end_s + seconds)


class ContinuousStream:
    """Audio in at the call's rate; events out, in order."""

    def __init__(
        self,
        recognizer: Recognizer,
        sample_rate: int,
        options: DecoderOptions | None = None,
        endpoint: EndpointOptions | None = None,
    ) -> None:
        self.recognizer = recognizer
        self.options = options
        self.resampler = StreamingResampler(sample_rate)
        self.endpointer = Endpointer(endpoint)
        self.buffer = np.zeros(0, dtype=np.float32)  # 16 kHz audio not yet given to an utterance
        self.buffer_start = 0  # its position in the call, in samples
        self.utterance: Stream | None = None
        self.utterance_start = 0
        self.index = 0

    @property
    def audio_s(self) -> float:
        return (self.buffer_start + len(self.buffer)) / MODEL_RATE

    def accept(self, samples: Samples) -> list[Event]:
        return self._process(self.resampler.accept(samples))

    def finish(self) -> list[Event]:
        """The caller stopped sending: the open utterance gets its final."""
        events = self._process(self.resampler.accept(np.zeros(0, dtype=np.float32), last=True))
        if self.utterance is not None:
            events.append(self._final(self.buffer_start + len(self.buffer), Boundary.END_OF_AUDIO))
        return events

    def _process(self, audio: Samples) -> list[Event]:
        self.buffer = np.concatenate([self.buffer, audio])
        events: list[Event] = []
        for endpoint in self.endpointer.accept(audio):
            if endpoint.boundary is Boundary.START:
                self._drop_until(max(endpoint.sample - int(PRE_ROLL_S * MODEL_RATE), self.buffer_start))
                self.utterance = self.recognizer.stream(MODEL_RATE, self.options)
                self.utterance_start = self.buffer_start
                events.append(SpeechStarted(self.index, endpoint.sample / MODEL_RATE))
            else:
                events.append(UtteranceEnded(self.index, endpoint.sample / MODEL_RATE, endpoint.boundary))
                events.append(self._final(endpoint.sample, endpoint.boundary))
        if self.utterance is not None:
            partial = self.utterance.accept(self._take_until(self.buffer_start + len(self.buffer)))
            events.append(Hypothesis(self.index, shifted(partial, self.utterance_start / MODEL_RATE)))
        else:
            self._drop_until(self.buffer_start + len(self.buffer) - int(IDLE_KEEP_S * MODEL_RATE))
        return events

    def _final(self, end: int, boundary: Boundary) -> Hypothesis:
        assert self.utterance is not None
        self.utterance.accept(self._take_until(end))
        final = Hypothesis(self.index, shifted(self.utterance.finish(), self.utterance_start / MODEL_RATE))
        self.utterance = None
        self.index += 1
        return final

    def _take_until(self, end: int) -> Samples:
        taken = self.buffer[: max(0, end - self.buffer_start)]
        self._drop_until(end)
        return taken

    def _drop_until(self, position: int) -> None:
        cut = min(max(0, position - self.buffer_start), len(self.buffer))
        self.buffer = self.buffer[cut:]
        self.buffer_start += cut
