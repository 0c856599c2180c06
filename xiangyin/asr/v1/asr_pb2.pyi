import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecognitionConfig(_message.Message):
    __slots__ = ("encoding", "sample_rate_hertz", "audio_channel_count", "channel_mode", "channel_index", "dialect_hints", "hotwords", "max_alternatives", "enable_word_time_offsets", "enable_word_confidence", "endpointing")
    class AudioEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ENCODING_UNSPECIFIED: _ClassVar[RecognitionConfig.AudioEncoding]
        LINEAR16: _ClassVar[RecognitionConfig.AudioEncoding]
        FLAC: _ClassVar[RecognitionConfig.AudioEncoding]
        MULAW: _ClassVar[RecognitionConfig.AudioEncoding]
        ALAW: _ClassVar[RecognitionConfig.AudioEncoding]
    ENCODING_UNSPECIFIED: RecognitionConfig.AudioEncoding
    LINEAR16: RecognitionConfig.AudioEncoding
    FLAC: RecognitionConfig.AudioEncoding
    MULAW: RecognitionConfig.AudioEncoding
    ALAW: RecognitionConfig.AudioEncoding
    class ChannelMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MIX: _ClassVar[RecognitionConfig.ChannelMode]
        PICK: _ClassVar[RecognitionConfig.ChannelMode]
    MIX: RecognitionConfig.ChannelMode
    PICK: RecognitionConfig.ChannelMode
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_HERTZ_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CHANNEL_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_MODE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_INDEX_FIELD_NUMBER: _ClassVar[int]
    DIALECT_HINTS_FIELD_NUMBER: _ClassVar[int]
    HOTWORDS_FIELD_NUMBER: _ClassVar[int]
    MAX_ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    ENABLE_WORD_TIME_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    ENABLE_WORD_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    ENDPOINTING_FIELD_NUMBER: _ClassVar[int]
    encoding: RecognitionConfig.AudioEncoding
    sample_rate_hertz: int
    audio_channel_count: int
    channel_mode: RecognitionConfig.ChannelMode
    channel_index: int
    dialect_hints: _containers.RepeatedScalarFieldContainer[str]
    hotwords: _containers.RepeatedCompositeFieldContainer[Hotword]
    max_alternatives: int
    enable_word_time_offsets: bool
    enable_word_confidence: bool
    endpointing: Endpointing
    def __init__(self, encoding: _Optional[_Union[RecognitionConfig.AudioEncoding, str]] = ..., sample_rate_hertz: _Optional[int] = ..., audio_channel_count: _Optional[int] = ..., channel_mode: _Optional[_Union[RecognitionConfig.ChannelMode, str]] = ..., channel_index: _Optional[int] = ..., dialect_hints: _Optional[_Iterable[str]] = ..., hotwords: _Optional[_Iterable[_Union[Hotword, _Mapping]]] = ..., max_alternatives: _Optional[int] = ..., enable_word_time_offsets: _Optional[bool] = ..., enable_word_confidence: _Optional[bool] = ..., endpointing: _Optional[_Union[Endpointing, _Mapping]] = ...) -> None: ...

class Hotword(_message.Message):
    __slots__ = ("phrase", "boost")
    PHRASE_FIELD_NUMBER: _ClassVar[int]
    BOOST_FIELD_NUMBER: _ClassVar[int]
    phrase: str
    boost: float
    def __init__(self, phrase: _Optional[str] = ..., boost: _Optional[float] = ...) -> None: ...

class Endpointing(_message.Message):
    __slots__ = ("trailing_silence_ms", "max_utterance_seconds")
    TRAILING_SILENCE_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_UTTERANCE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    trailing_silence_ms: int
    max_utterance_seconds: float
    def __init__(self, trailing_silence_ms: _Optional[int] = ..., max_utterance_seconds: _Optional[float] = ...) -> None: ...

class StreamingRecognitionConfig(_message.Message):
    __slots__ = ("config", "interim_results", "single_utterance")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    INTERIM_RESULTS_FIELD_NUMBER: _ClassVar[int]
    SINGLE_UTTERANCE_FIELD_NUMBER: _ClassVar[int]
    config: RecognitionConfig
    interim_results: bool
    single_utterance: bool
    def __init__(self, config: _Optional[_Union[RecognitionConfig, _Mapping]] = ..., interim_results: _Optional[bool] = ..., single_utterance: _Optional[bool] = ...) -> None: ...

class StreamingRecognizeRequest(_message.Message):
    __slots__ = ("streaming_config", "audio_content")
    STREAMING_CONFIG_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CONTENT_FIELD_NUMBER: _ClassVar[int]
    streaming_config: StreamingRecognitionConfig
    audio_content: bytes
    def __init__(self, streaming_config: _Optional[_Union[StreamingRecognitionConfig, _Mapping]] = ..., audio_content: _Optional[bytes] = ...) -> None: ...

class WordInfo(_message.Message):
    __slots__ = ("start_time", "end_time", "word", "confidence", "dialect")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    WORD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DIALECT_FIELD_NUMBER: _ClassVar[int]
    start_time: _duration_pb2.Duration
    end_time: _duration_pb2.Duration
    word: str
    confidence: float
    dialect: str
    def __init__(self, start_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., end_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., word: _Optional[str] = ..., confidence: _Optional[float] = ..., dialect: _Optional[str] = ...) -> None: ...

class SpeechRecognitionAlternative(_message.Message):
    __slots__ = ("transcript", "confidence", "words")
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    transcript: str
    confidence: float
    words: _containers.RepeatedCompositeFieldContainer[WordInfo]
    def __init__(self, transcript: _Optional[str] = ..., confidence: _Optional[float] = ..., words: _Optional[_Iterable[_Union[WordInfo, _Mapping]]] = ...) -> None: ...

class StreamingRecognitionResult(_message.Message):
    __slots__ = ("alternatives", "is_final", "stability", "result_end_time", "dialect", "utterance_index")
    ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    IS_FINAL_FIELD_NUMBER: _ClassVar[int]
    STABILITY_FIELD_NUMBER: _ClassVar[int]
    RESULT_END_TIME_FIELD_NUMBER: _ClassVar[int]
    DIALECT_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_INDEX_FIELD_NUMBER: _ClassVar[int]
    alternatives: _containers.RepeatedCompositeFieldContainer[SpeechRecognitionAlternative]
    is_final: bool
    stability: float
    result_end_time: _duration_pb2.Duration
    dialect: str
    utterance_index: int
    def __init__(self, alternatives: _Optional[_Iterable[_Union[SpeechRecognitionAlternative, _Mapping]]] = ..., is_final: _Optional[bool] = ..., stability: _Optional[float] = ..., result_end_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., dialect: _Optional[str] = ..., utterance_index: _Optional[int] = ...) -> None: ...

class StreamingRecognizeResponse(_message.Message):
    __slots__ = ("results", "speech_event_type", "speech_event_time")
    class SpeechEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SPEECH_EVENT_UNSPECIFIED: _ClassVar[StreamingRecognizeResponse.SpeechEventType]
        SPEECH_STARTED: _ClassVar[StreamingRecognizeResponse.SpeechEventType]
        END_OF_UTTERANCE: _ClassVar[StreamingRecognizeResponse.SpeechEventType]
    SPEECH_EVENT_UNSPECIFIED: StreamingRecognizeResponse.SpeechEventType
    SPEECH_STARTED: StreamingRecognizeResponse.SpeechEventType
    END_OF_UTTERANCE: StreamingRecognizeResponse.SpeechEventType
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    SPEECH_EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SPEECH_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[StreamingRecognitionResult]
    speech_event_type: StreamingRecognizeResponse.SpeechEventType
    speech_event_time: _duration_pb2.Duration
    def __init__(self, results: _Optional[_Iterable[_Union[StreamingRecognitionResult, _Mapping]]] = ..., speech_event_type: _Optional[_Union[StreamingRecognizeResponse.SpeechEventType, str]] = ..., speech_event_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class RecognizeRequest(_message.Message):
    __slots__ = ("config", "audio_content")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CONTENT_FIELD_NUMBER: _ClassVar[int]
    config: RecognitionConfig
    audio_content: bytes
    def __init__(self, config: _Optional[_Union[RecognitionConfig, _Mapping]] = ..., audio_content: _Optional[bytes] = ...) -> None: ...

class SpeechRecognitionResult(_message.Message):
    __slots__ = ("alternatives", "dialect", "result_end_time", "utterance_index")
    ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    DIALECT_FIELD_NUMBER: _ClassVar[int]
    RESULT_END_TIME_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_INDEX_FIELD_NUMBER: _ClassVar[int]
    alternatives: _containers.RepeatedCompositeFieldContainer[SpeechRecognitionAlternative]
    dialect: str
    result_end_time: _duration_pb2.Duration
    utterance_index: int
    def __init__(self, alternatives: _Optional[_Iterable[_Union[SpeechRecognitionAlternative, _Mapping]]] = ..., dialect: _Optional[str] = ..., result_end_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., utterance_index: _Optional[int] = ...) -> None: ...

class RecognizeResponse(_message.Message):
    __slots__ = ("results", "total_audio_time")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AUDIO_TIME_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SpeechRecognitionResult]
    total_audio_time: _duration_pb2.Duration
    def __init__(self, results: _Optional[_Iterable[_Union[SpeechRecognitionResult, _Mapping]]] = ..., total_audio_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ListDialectsRequest(_message.Message):
    __slots__ = ("province", "group")
    PROVINCE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    province: str
    group: str
    def __init__(self, province: _Optional[str] = ..., group: _Optional[str] = ...) -> None: ...

class Dialect(_message.Message):
    __slots__ = ("adcode", "name", "province", "group", "subgroup", "cluster", "variety", "iso639_3", "glottocode", "in_333", "coverage_level", "decodable")
    ADCODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    SUBGROUP_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_FIELD_NUMBER: _ClassVar[int]
    VARIETY_FIELD_NUMBER: _ClassVar[int]
    ISO639_3_FIELD_NUMBER: _ClassVar[int]
    GLOTTOCODE_FIELD_NUMBER: _ClassVar[int]
    IN_333_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    DECODABLE_FIELD_NUMBER: _ClassVar[int]
    adcode: str
    name: str
    province: str
    group: str
    subgroup: str
    cluster: str
    variety: str
    iso639_3: str
    glottocode: str
    in_333: bool
    coverage_level: int
    decodable: bool
    def __init__(self, adcode: _Optional[str] = ..., name: _Optional[str] = ..., province: _Optional[str] = ..., group: _Optional[str] = ..., subgroup: _Optional[str] = ..., cluster: _Optional[str] = ..., variety: _Optional[str] = ..., iso639_3: _Optional[str] = ..., glottocode: _Optional[str] = ..., in_333: _Optional[bool] = ..., coverage_level: _Optional[int] = ..., decodable: _Optional[bool] = ...) -> None: ...

class ListDialectsResponse(_message.Message):
    __slots__ = ("dialects",)
    DIALECTS_FIELD_NUMBER: _ClassVar[int]
    dialects: _containers.RepeatedCompositeFieldContainer[Dialect]
    def __init__(self, dialects: _Optional[_Iterable[_Union[Dialect, _Mapping]]] = ...) -> None: ...

class GetModelInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("name", "kind", "architecture", "vocabulary", "tokens", "parameters", "acoustic_dialects", "decoder_dialects", "chunk_ms", "frame_shift_ms", "server_version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ARCHITECTURE_FIELD_NUMBER: _ClassVar[int]
    VOCABULARY_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    ACOUSTIC_DIALECTS_FIELD_NUMBER: _ClassVar[int]
    DECODER_DIALECTS_FIELD_NUMBER: _ClassVar[int]
    CHUNK_MS_FIELD_NUMBER: _ClassVar[int]
    FRAME_SHIFT_MS_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    architecture: str
    vocabulary: str
    tokens: int
    parameters: int
    acoustic_dialects: _containers.RepeatedScalarFieldContainer[str]
    decoder_dialects: _containers.RepeatedScalarFieldContainer[str]
    chunk_ms: int
    frame_shift_ms: int
    server_version: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., architecture: _Optional[str] = ..., vocabulary: _Optional[str] = ..., tokens: _Optional[int] = ..., parameters: _Optional[int] = ..., acoustic_dialects: _Optional[_Iterable[str]] = ..., decoder_dialects: _Optional[_Iterable[str]] = ..., chunk_ms: _Optional[int] = ..., frame_shift_ms: _Optional[int] = ..., server_version: _Optional[str] = ...) -> None: ...
