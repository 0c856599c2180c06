"""What happens to speech between the mouth and the server: rooms, noise, phones.

16 kHz app audio or 8 kHz telephone audio (300–3400 Hz band, G.711 μ-law or A-law round
trip), with synthetic room reverberation, additive noise at 5–30 dB SNR (babble,
coloured noise or mains hum), random gain and leading/trailing silence.
"""

from __future__ import annotations

import audioop
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, fftconvolve, resample_poly, sosfilt

from asr.synth.espeak import SAMPLE_RATE, Audio

TELEPHONE_RATE = 8_000


@dataclass(frozen=True)
class Channel:
    kind: str  # "app-16k" | "phone-8k-ulaw" | "phone-8k-alaw"
    noise: str  # "none" | "babble" | "pink" | "brown" | "hum"
    snr_db: float
    reverb: bool
    gain_db: float
    lead_s: float
    trail_s: float

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE if self.kind == "app-16k" else TELEPHONE_RATE

    def describe(self) -> str:
        parts = [self.kind, f"noise={self.noise}"]
        if self.noise != "none":
            parts.append(f"snr={self.snr_db:.0f}dB")
        if self.reverb:
            parts.append("reverb")
        return ",".join(parts)


def random_channel(rng: np.random.Generator) -> Channel:
    kind = str(rng.choice(["app-16k", "app-16k", "phone-8k-ulaw", "phone-8k-alaw"]))
    noise = str(rng.choice(["none", "babble", "pink", "brown", "hum"]))
    return Channel(
        kind=kind,
        noise=noise,
        snr_db=float(rng.uniform(5, 30)),
        reverb=bool(rng.random() < 0.3),
        gain_db=float(rng.uniform(-12, 3)),
        lead_s=float(rng.uniform(0.1, 0.6)),
        trail_s=float(rng.uniform(0.2, 0.8)),
    )


def _coloured(rng: np.random.Generator, n: int, exponent: float) -> Audio:
    """Noise with power ∝ 1/f^exponent (1 pink, 2 brown)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.maximum(np.fft.rfftfreq(n), 1.0 / n)
    noise = np.fft.irfft(spectrum / freqs ** (exponent / 2), n)
    scaled: Audio = (noise / (np.std(noise) + 1e-9)).astype(np.float32)
    return scaled


def _hum(rng: np.random.Generator, n: int) -> Audio:
    t = np.arange(n) / SAMPLE_RATE
    mains = float(rng.choice([50.0, 60.0]))
    wave = np.sum([np.sin(2 * np.pi * mains * k * t + rng.uniform(0, 6.3)) / k for k in (1, 2, 3, 5)], axis=0)
    scaled: Audio = (wave / np.std(wave)).astype(np.float32)
    return scaled


def _room(rng: np.random.Generator) -> Audio:
    """A synthetic impulse response: direct path plus exponentially decaying noise."""
    rt60 = rng.uniform(0.2, 0.7)
    n = int(rt60 * SAMPLE_RATE)
    decay = np.exp(-6.9 * np.arange(n) / n)
    ir = rng.standard_normal(n) * decay * 0.3
    ir[0] = 1.0
    normalised: Audio = (ir / np.sqrt(np.sum(ir**2))).astype(np.float32)
    return normalised


def apply(speech: Audio, channel: Channel, rng: np.random.Generator, babble: Audio | None) -> Audio:
    """Speech at 16 kHz in, the channel's audio (at its sample rate) out."""
    audio = speech
    if channel.reverb:
        audio = fftconvolve(audio, _room(rng))[: len(audio)].astype(np.float32)
    lead, trail = int(channel.lead_s * SAMPLE_RATE), int(channel.trail_s * SAMPLE_RATE)
    audio = np.concatenate([np.zeros(lead, np.float32), audio, np.zeros(trail, np.float32)])
    if channel.noise != "none":
        n = len(audio)
        if channel.noise == "babble" and babble is not None and len(babble):
            noise = np.resize(babble, n) / (np.std(babble) + 1e-9)
        elif channel.noise == "hum":
            noise = _hum(rng, n)
        else:
            noise = _coloured(rng, n, 1.0 if channel.noise == "pink" else 2.0)
        speech_power = np.mean(speech**2) + 1e-12
        audio = audio + noise * np.sqrt(speech_power / 10 ** (channel.snr_db / 10))
    audio = audio * 10 ** (channel.gain_db / 20)
    if channel.kind != "app-16k":
        sos = butter(6, [300, 3400], btype="bandpass", fs=SAMPLE_RATE, output="sos")
        audio = resample_poly(sosfilt(sos, audio), 1, 2)
    audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
    if channel.kind == "phone-8k-ulaw":
        audio = _g711(audio, audioop.lin2ulaw, audioop.ulaw2lin)
    elif channel.kind == "phone-8k-alaw":
        audio = _g711(audio, audioop.lin2alaw, audioop.alaw2lin)
    return audio


def _g711(audio: Audio, encode: object, decode: object) -> Audio:
    """A G.711 round trip through the standard library's codec."""
    pcm = (audio * 32767).astype("<i2").tobytes()
    back = decode(encode(pcm, 2), 2)  # type: ignore[operator]
    decoded: Audio = np.frombuffer(back, dtype="<i2").astype(np.float32) / 32768.0
    return decoded
