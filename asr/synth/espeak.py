"""espeak-ng as a subprocess: audio at 16 kHz, and the phonemes it actually said."""

from __future__ import annotations

import io
import subprocess
import wave
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly

SAMPLE_RATE = 16_000
ESPEAK_RATE = 22_050
DEFAULT_WORDS_PER_MINUTE = 175

Audio = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Speaker:
    """Who speaks, whatever the language: the same in every segment of an utterance."""

    variant: str  # espeak-ng variant file name (f3, Alicia, …); "" for the default
    speed: float  # 0.8–1.3 × the default speaking rate
    pitch: int  # espeak-ng -p, 0–99
    tone_range: int | None = None  # SSML prosody range, % of the variant's own; None: plain text

    def describe(self) -> str:
        """As the manifest's voice field: m3@1.1x,p40,r150 (m3@1.1x,p40 without a range)."""
        tone_range = "" if self.tone_range is None else f",r{self.tone_range}"
        return f"{self.variant}@{self.speed}x,p{self.pitch}{tone_range}"


@dataclass(frozen=True)
class Voice:
    language: str  # espeak-ng voice: cmn-latn-pinyin, yue, hak, en
    speaker: Speaker

    @property
    def spec(self) -> str:
        variant = self.speaker.variant
        return f"{self.language}+{variant}" if variant else self.language

    def args(self) -> list[str]:
        rate = round(DEFAULT_WORDS_PER_MINUTE * self.speaker.speed)
        markup = ["-m"] if self.speaker.tone_range is not None else []
        return ["-v", self.spec, "-s", str(rate), "-p", str(self.speaker.pitch), *markup]

    def markup(self, text: str) -> str:
        """The text as SSML with the speaker's pitch range (plain text without one, as sets
        made before ranges were). espeak-ng's yue voice puts its six tones within about three
        semitones at 100 % (55 at 96 Hz, 22 at 81 Hz), where Cantonese speakers spread them
        over five or more; 200 % gives about six. The space before the closing tag ends
        phoneme input ([[…]]), which would otherwise read the tag."""
        if self.speaker.tone_range is None:
            return text
        return f'<speak><prosody range="{self.speaker.tone_range}%">{escape(text)} </prosody></speak>'


class EspeakError(RuntimeError):
    """espeak-ng failed or said nothing."""


def _run(args: list[str], text: str) -> bytes:
    done = subprocess.run(["espeak-ng", *args, "--", text], capture_output=True, check=False, timeout=60)
    if done.returncode:
        raise EspeakError(f"espeak-ng {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def speak(text: str, voice: Voice) -> Audio:
    """Float32 mono audio at 16 kHz, peak-normalised input range [-1, 1]."""
    data = _run([*voice.args(), "--stdout"], voice.markup(text))
    with wave.open(io.BytesIO(data)) as w:
        if w.getframerate() != ESPEAK_RATE or w.getsampwidth() != 2:
            raise EspeakError(f"unexpected espeak-ng output: {w.getframerate()} Hz, {w.getsampwidth()} bytes")
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    if not len(pcm):
        raise EspeakError(f"espeak-ng said nothing for {text!r}")
    resampled: Audio = resample_poly(pcm, 320, 441).astype(np.float32)  # 22,050 → 16,000 Hz
    return resampled


def phonemes(text: str, voice: Voice) -> str:
    """espeak-ng's own phoneme mnemonics (-x) for what it would say."""
    return _run([*voice.args(), "-q", "-x"], voice.markup(text)).decode("utf-8").strip()


@cache
def variants() -> tuple[str, ...]:
    """Every installed voice variant, sorted, so voice splits are deterministic."""
    listing = subprocess.run(
        ["espeak-ng", "--voices=variant"], capture_output=True, check=True, text=True
    ).stdout.splitlines()[1:]
    names = {line.split()[4].removeprefix("!v/") for line in listing if len(line.split()) >= 5}
    return tuple(sorted(names))
