"""Engine events → API messages. Word times and confidences are filled only when the
request asked for them, as in Google Cloud Speech; the dialect tag is always there."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration

from asr.decode_result import Alternative
from asr.recognizer import Result
from asr.utterances import SpeechStarted, UtteranceEnded
from server.request_config import CallSettings
from xiangyin.asr.v1 import asr_pb2 as pb


def duration(seconds: float) -> Duration:
    d = Duration()
    d.FromNanoseconds(round(max(0.0, seconds) * 1e9))
    return d


def alternative(a: Alternative, settings: CallSettings) -> pb.SpeechRecognitionAlternative:
    words = []
    for w in a.words:
        info = pb.WordInfo(word=w.text, dialect=w.dialect)
        if settings.word_times:
            info.start_time.CopyFrom(duration(w.start_s))
            info.end_time.CopyFrom(duration(w.end_s))
        if settings.word_confidence:
            info.confidence = w.confidence
        words.append(info)
    return pb.SpeechRecognitionAlternative(transcript=a.transcript, confidence=a.confidence, words=words)


def streaming_result(result: Result, utterance: int, settings: CallSettings) -> pb.StreamingRecognizeResponse:
    alternatives = [alternative(a, settings) for a in result.alternatives if a.transcript]
    if not result.is_final:
        alternatives = alternatives[:1]  # partials carry the best guess only
    return pb.StreamingRecognizeResponse(results=[pb.StreamingRecognitionResult(
        alternatives=alternatives,
        is_final=result.is_final,
        stability=0.0 if result.is_final else result.stability,
        result_end_time=duration(result.end_s),
        dialect=result.dialect,
        utterance_index=utterance,
    )])


def speech_event(event: SpeechStarted | UtteranceEnded) -> pb.StreamingRecognizeResponse:
    kind = (pb.StreamingRecognizeResponse.SPEECH_STARTED if isinstance(event, SpeechStarted)
            else pb.StreamingRecognizeResponse.END_OF_UTTERANCE)
    return pb.StreamingRecognizeResponse(speech_event_type=kind, speech_event_time=duration(event.time_s))


def recognize_result(result: Result, utterance: int, settings: CallSettings) -> pb.SpeechRecognitionResult:
    return pb.SpeechRecognitionResult(
        alternatives=[alternative(a, settings) for a in result.alternatives if a.transcript],
        dialect=result.dialect,
        result_end_time=duration(result.end_s),
        utterance_index=utterance,
    )
