import audioop
import io

import numpy as np
import pytest
import soundfile as sf

from asr.audio import AudioError, Encoding, StreamingResampler, decode


def tone(rate: int = 8000, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_linear16_and_g711_decode_to_the_same_signal() -> None:
    pcm = (tone() * 32767).astype("<i2").tobytes()
    linear = decode(pcm, Encoding.LINEAR16)
    mulaw = decode(audioop.lin2ulaw(pcm, 2), Encoding.MULAW)
    alaw = decode(audioop.lin2alaw(pcm, 2), Encoding.ALAW)
    assert np.abs(linear - tone()).max() < 1e-4
    assert np.abs(mulaw - linear).max() < 0.02 and np.abs(alaw - linear).max() < 0.02


def test_channels_are_mixed_or_picked() -> None:
    left, right = tone(), np.zeros_like(tone())
    pcm = (np.stack([left, right], axis=1) * 32767).astype("<i2").tobytes()
    assert np.abs(decode(pcm, Encoding.LINEAR16, channels=2, channel=0) - left).max() < 1e-4
    assert np.abs(decode(pcm, Encoding.LINEAR16, channels=2) - left / 2).max() < 1e-4
    with pytest.raises(AudioError, match="channel 2 does not exist"):
        decode(pcm, Encoding.LINEAR16, channels=2, channel=2)


def test_flac_files_decode() -> None:
    buffer = io.BytesIO()
    sf.write(buffer, tone(16000), 16000, format="FLAC")
    assert len(decode(buffer.getvalue(), Encoding.FLAC)) == 8000
    with pytest.raises(AudioError, match="FLAC"):
        decode(b"not flac", Encoding.FLAC)


def test_bad_chunks_are_clear_errors() -> None:
    with pytest.raises(AudioError, match="16-bit frames"):
        decode(b"\x00\x01\x02", Encoding.LINEAR16)
    with pytest.raises(AudioError, match="outside 8000–48000 Hz"):
        StreamingResampler(96_000)


def test_streaming_resampling_equals_whole_stream() -> None:
    audio = tone(8000, 1.0)
    whole = StreamingResampler(8000)
    expected = whole.accept(audio, last=True)
    chunked = StreamingResampler(8000)
    pieces = [chunked.accept(audio[i : i + 333]) for i in range(0, len(audio), 333)]
    got = np.concatenate([*pieces, chunked.accept(np.zeros(0, np.float32), last=True)])
    assert len(got) == len(expected) == 16000
    assert np.abs(got - expected).max() < 1e-6
