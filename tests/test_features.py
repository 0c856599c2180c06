"""The cached fbank is torchaudio's Kaldi fbank, bit for bit, on noise and on speech."""

import soundfile as sf
import soxr
import torch
from torchaudio.compliance import kaldi

from asr.features import SAMPLE_RATE, FbankOptions, fbank
from eval.bench.speech import FIXTURES


def kaldi_fbank(audio: torch.Tensor, options: FbankOptions | None = None) -> torch.Tensor:
    options = options or FbankOptions()
    features: torch.Tensor = kaldi.fbank(
        audio.unsqueeze(0) * 32768, num_mel_bins=options.num_mel_bins, frame_length=options.frame_length_ms,
        frame_shift=options.frame_shift_ms, dither=0.0, energy_floor=0.0, sample_frequency=SAMPLE_RATE,
        snip_edges=True)
    return features


def test_fbank_equals_kaldi_fbank_exactly() -> None:
    generator = torch.Generator().manual_seed(0)
    for samples in (400, 401, 1600, 1840, 5200, 48_000):
        audio = torch.randn(samples, generator=generator) * 0.1
        assert torch.equal(fbank(audio), kaldi_fbank(audio))
    speech, rate = sf.read(str(FIXTURES / "audio" / "s11-0000002.flac"), dtype="float32")
    audio = torch.from_numpy(soxr.resample(speech, rate, SAMPLE_RATE))
    assert torch.equal(fbank(audio), kaldi_fbank(audio))
    options = FbankOptions(num_mel_bins=40)
    assert torch.equal(fbank(audio, options), kaldi_fbank(audio, options))


def test_too_short_audio_has_no_frames() -> None:
    assert fbank(torch.zeros(399)).shape == (0, 80)
