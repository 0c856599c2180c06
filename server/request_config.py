"""A request's RecognitionConfig → the engine's settings, or INVALID_ARGUMENT with a
message that says which field to fix and what it accepts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from asr.audio import MAX_RATE, MIN_RATE, Encoding
from asr.decode_result import DecoderOptions
from asr.decoder import UnitDecoder
from asr.endpoint import EndpointOptions
from asr.hotwords import MAX_HOTWORDS, Hotword
from asr.recognizer import Recognizer
from xiangyin.asr.v1 import asr_pb2 as pb

DEFAULT_BOOST = 4.0
MAX_BOOST = 20.0
MAX_PHRASE_CHARS = 50
MAX_CHANNELS = 8
MAX_ALTERNATIVES = 10

_ENCODINGS = {
    pb.RecognitionConfig.LINEAR16: Encoding.LINEAR16,
    pb.RecognitionConfig.FLAC: Encoding.FLAC,
    pb.RecognitionConfig.MULAW: Encoding.MULAW,
    pb.RecognitionConfig.ALAW: Encoding.ALAW,
}


class InvalidRequest(ValueError):
    pass


@dataclass(frozen=True)
class AudioFormat:
    encoding: Encoding
    sample_rate: int  # 0 only for FLAC: taken from the file
    channels: int
    channel: int | None  # picked channel; None mixes them


@dataclass(frozen=True)
class CallSettings:
    audio: AudioFormat
    decoder: DecoderOptions
    endpoint: EndpointOptions
    word_times: bool
    word_confidence: bool
    interim_results: bool = False
    single_utterance: bool = False


def decoder_dialects(recognizer: Recognizer) -> frozenset[str]:
    """Dialects the decoder has lexicons for: the valid hints (none for a character model)."""
    return recognizer.decoder.dialects if isinstance(recognizer.decoder, UnitDecoder) else frozenset()


def audio_format(config: pb.RecognitionConfig) -> AudioFormat:
    if config.encoding not in _ENCODINGS:
        raise InvalidRequest("config.encoding must be LINEAR16, FLAC, MULAW or ALAW")
    encoding = _ENCODINGS[config.encoding]
    rate = config.sample_rate_hertz
    if not (MIN_RATE <= rate <= MAX_RATE or (encoding is Encoding.FLAC and rate == 0)):
        raise InvalidRequest(
            f"config.sample_rate_hertz is {rate}; it must be {MIN_RATE}–{MAX_RATE} "
            "(8000 for telephone audio, 16000 for app audio)"
        )
    channels = max(1, config.audio_channel_count)
    if channels > MAX_CHANNELS:
        raise InvalidRequest(f"config.audio_channel_count is {channels}; at most {MAX_CHANNELS}")
    channel = None
    if config.channel_mode == pb.RecognitionConfig.PICK:
        if not 0 <= config.channel_index < channels:
            raise InvalidRequest(
                f"config.channel_index {config.channel_index} does not exist in {channels}-channel audio"
            )
        channel = config.channel_index
    return AudioFormat(encoding, rate, channels, channel)


def hotwords(config: pb.RecognitionConfig) -> tuple[Hotword, ...]:
    if len(config.hotwords) > MAX_HOTWORDS:
        raise InvalidRequest(f"{len(config.hotwords)} hotwords; at most {MAX_HOTWORDS} per stream")
    out = []
    for i, h in enumerate(config.hotwords):
        phrase = h.phrase.strip()
        if not 1 <= len(phrase) <= MAX_PHRASE_CHARS:
            raise InvalidRequest(f"config.hotwords[{i}].phrase must have 1–{MAX_PHRASE_CHARS} characters")
        if not 0 <= h.boost <= MAX_BOOST:
            raise InvalidRequest(f"config.hotwords[{i}].boost is {h.boost:g}; it must be 0–{MAX_BOOST:g}")
        out.append(Hotword(phrase, h.boost or DEFAULT_BOOST))
    return tuple(out)


def call_settings(
    config: pb.RecognitionConfig,
    known_dialects: Collection[str],
    interim_results: bool = False,
    single_utterance: bool = False,
) -> CallSettings:
    audio = audio_format(config)
    unknown = sorted(set(config.dialect_hints) - set(known_dialects))
    if unknown:
        raise InvalidRequest(
            f"config.dialect_hints has codes this server cannot decode: {unknown}; "
            f"known: {sorted(known_dialects)} (ListDialects gives the registry)"
        )
    if not 0 <= config.max_alternatives <= MAX_ALTERNATIVES:
        raise InvalidRequest(f"config.max_alternatives is {config.max_alternatives}; it must be 0–10")
    decoder = DecoderOptions(
        max_alternatives=max(1, config.max_alternatives),
        dialects=tuple(dict.fromkeys(config.dialect_hints)),
        hotwords=hotwords(config),
    )
    e = config.endpointing
    try:
        endpoint = EndpointOptions(
            trailing_silence_ms=e.trailing_silence_ms or EndpointOptions.trailing_silence_ms,
            max_utterance_s=e.max_utterance_seconds or EndpointOptions.max_utterance_s,
        )
    except ValueError as err:
        raise InvalidRequest(f"config.endpointing: {err}") from err
    return CallSettings(
        audio, decoder, endpoint, config.enable_word_time_offsets, config.enable_word_confidence,
        interim_results, single_utterance,
    )
