"""Endpointing and continuous recognition on real synthetic speech: boundaries fall where
the speech is, every utterance gets one final, and how the audio is chunked changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from asr.endpoint import Boundary, Endpointer, EndpointOptions
from asr.recognizer import Recognizer
from asr.utterances import ContinuousStream, Event, Hypothesis, SpeechStarted, UtteranceEnded
from tests.server_harness import fixture_audio

RATE = 16_000


def speech(utterance_id: str) -> np.ndarray:
    samples, rate, _ = fixture_audio(utterance_id)
    return soxr.resample(samples, rate, RATE).astype(np.float32) if rate != RATE else samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_boundaries_fall_around_each_stretch_of_speech() -> None:
    first, second = speech("s11-0000035"), speech("s11-0000013")
    audio = np.concatenate([silence(1.0), first, silence(2.0), second, silence(1.5)])
    endpoints = Endpointer().accept(audio)
    kinds = [e.boundary for e in endpoints]
    assert kinds == [Boundary.START, Boundary.END_SILENCE, Boundary.START, Boundary.END_SILENCE]
    second_start = (1.0 + len(first) / RATE + 2.0) * RATE
    assert 0.9 * RATE <= endpoints[0].sample <= 1.0 * RATE + len(first)
    assert endpoints[1].sample < second_start <= endpoints[2].sample + 0.3 * RATE
    assert endpoints[3].sample <= len(audio)


def test_constant_noise_is_cut_at_the_maximum_utterance_length() -> None:
    noise = np.random.default_rng(1).normal(0, 0.3, 5 * RATE).astype(np.float32)
    endpoints = Endpointer(EndpointOptions(max_utterance_s=2.0, vad_aggressiveness=0)).accept(noise)
    assert Boundary.END_MAX_LENGTH in [e.boundary for e in endpoints]


@pytest.mark.parametrize(
    "bad", [{"trailing_silence_ms": 50}, {"max_utterance_s": 500}, {"vad_aggressiveness": 4}]
)
def test_endpoint_options_outside_their_range_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        EndpointOptions(**bad)  # type: ignore[arg-type]


def run(stream: ContinuousStream, audio: np.ndarray, chunk: int) -> list[Event]:
    events: list[Event] = []
    for i in range(0, len(audio), chunk):
        events += stream.accept(audio[i : i + chunk])
    return events + stream.finish()


def test_each_utterance_gets_one_final_whatever_the_chunking(recognizer: Recognizer) -> None:
    first, second = speech("s11-0000035"), speech("s11-0000012")
    audio = np.concatenate([silence(0.5), first, silence(1.5), second])  # the second is cut by the end
    runs = {chunk: run(ContinuousStream(recognizer, RATE), audio, chunk) for chunk in (320, 5120, len(audio))}
    finals = {chunk: [e for e in events if isinstance(e, Hypothesis) and e.result.is_final]
              for chunk, events in runs.items()}
    assert [f.utterance for f in finals[5120]] == [0, 1]
    assert {c: [f.result.transcript for f in fs] for c, fs in finals.items()} == {
        c: [f.result.transcript for f in finals[5120]] for c in finals}
    started = [e for e in runs[5120] if isinstance(e, SpeechStarted)]
    ended = [e for e in runs[5120] if isinstance(e, UtteranceEnded)]
    assert len(started) == 2 and len(ended) == 1  # the second utterance ended with the audio, not an endpoint
    words = [w for f in finals[5120] for w in f.result.alternatives[0].words]
    assert words[0].start_s >= 0.2 and words[-1].end_s <= len(audio) / RATE + 0.1
    assert min(w.start_s for w in finals[5120][1].result.alternatives[0].words) > 0.5 + len(first) / RATE


def test_a_call_with_8khz_audio_keeps_its_own_clock(recognizer: Recognizer) -> None:
    samples, rate, _ = fixture_audio("s11-0000001")
    assert rate == 8000
    audio = np.concatenate([np.zeros(rate, dtype=np.float32), samples])
    events = run(ContinuousStream(recognizer, rate), audio, 800)
    [final] = [e for e in events if isinstance(e, Hypothesis) and e.result.is_final]
    assert final.result.alternatives[0].words[0].start_s >= 0.9
    assert abs(final.result.end_s - len(audio) / rate) < 0.5
