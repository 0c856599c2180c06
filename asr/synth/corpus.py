"""`xiangyin synth`: a deterministic, parallel corpus of synthetic utterances.

Utterance i is fully determined by (seed, i): its split (one in ten is test), a sentence
of that split, a speaker of that split, a channel. Cantonese segments are relabelled
with what espeak-ng actually said where the lexicon knows that reading, and dropped
where it does not; Mandarin segments must match espeak-ng's realised tones.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf

from asr.synth import hakka
from asr.synth import text as sources
from asr.synth.approx import approx_segment
from asr.synth.channel import Channel, apply, random_channel
from asr.synth.espeak import SAMPLE_RATE, Audio, EspeakError, Speaker, Voice, speak
from asr.synth.labels import Agreement, agreement, fix_yue
from asr.synth.manifest import ManifestRow, WordLabel, write_manifest
from asr.synth.text import Segment, Sentence
from asr.synth.voices import LANGUAGE_VOICES as NATIVE_VOICES
from asr.synth.voices import TONE_RANGES, pick_speaker, voice_for

TEST_UTTERANCE_SHARE = 0.1
PAUSE_S = (0.15, 0.4)  # between language segments
# How often each kind of sentence is drawn.
SOURCE_WEIGHTS = {
    "hsk": 3, "peoples-daily": 2, "reviews": 1, "jieba-words": 1, "hkcancor": 4, "hotline-generated": 2,
    "code-switch:cmn+en": 2, "code-switch:yue+en": 1, "code-switch:yue+cmn": 1,
    "hsk:hak": 4, "hak-words": 2,
}


@dataclass(frozen=True)
class SynthOptions:
    seed: int = 1
    dialects: tuple[str, ...] = ("cmn", "yue", "en")
    tone_ranges: tuple[int, int] | None = TONE_RANGES  # speakers' pitch range, %; None: none


@dataclass
class SynthSummary:
    utterances: int = 0
    dropped: int = 0
    audio_s: float = 0.0
    wall_s: float = 0.0
    raw: dict[str, list[int]] = field(default_factory=dict)  # lexicon reading vs espeak
    final: dict[str, list[int]] = field(default_factory=dict)  # kept labels vs espeak

    def add(self, target: dict[str, list[int]], dialect: str, a: Agreement) -> None:
        counts = target.setdefault(dialect, [0, 0])
        counts[0] += a.agreeing
        counts[1] += a.syllables

    def agreement(self, which: dict[str, list[int]]) -> dict[str, float]:
        return {d: round(a / t, 4) for d, (a, t) in sorted(which.items()) if t}

    def as_json(self) -> dict[str, object]:
        speed = self.audio_s / self.wall_s if self.wall_s else 0.0
        return {
            "utterances": self.utterances,
            "dropped": self.dropped,
            "audio_s": round(self.audio_s, 1),
            "wall_s": round(self.wall_s, 1),
            "speed_x": round(speed, 1),
            "label_agreement": self.agreement(self.final),
            "label_agreement_before_fix": self.agreement(self.raw),
        }


@cache
def sentence_pools(dialects: tuple[str, ...]) -> dict[str, dict[str, tuple[Sentence, ...]]]:
    """split → source → sentences, keeping sentences whose dialects are all selected."""
    hsk = tuple(sources.hsk())
    yue = tuple(sources.hkcancor())
    everything = [
        *hsk, *sources.peoples_daily(), *sources.reviews(), *sources.frequent_words(),
        *yue, *sources.hotline(), *sources.code_switched(),
        *sources.yue_then_cmn(yue[1::7], hsk[1::3]),
    ]
    if "hak" in dialects:
        everything += [*hakka.hsk_in_hakka(hsk), *hakka.lexicon_words()]
    for variety in dialects:
        if variety not in NATIVE_VOICES:  # lexicon-only: HSK sentences in its own readings
            for s in hsk:
                segment = approx_segment([w.text for seg in s.segments for w in seg.words], variety)
                if segment:
                    everything.append(Sentence((segment,), f"approx:{variety}"))
    pools: dict[str, dict[str, list[Sentence]]] = {"train": {}, "test": {}}
    for s in everything:
        if {seg.dialect for seg in s.segments} <= set(dialects):
            pools[s.split].setdefault(s.source, []).append(s)
    return {split: {k: tuple(v) for k, v in by.items()} for split, by in pools.items()}


@dataclass(frozen=True)
class Utterance:
    row: ManifestRow | None
    raw: dict[str, Agreement]
    final: dict[str, Agreement]


def _record(segments: list[Segment], voices: list[Voice], speaker: Speaker, pool: tuple[Sentence, ...],
            rng: np.random.Generator) -> tuple[Audio, Channel]:
    """The segments spoken one after another with short pauses, through a random channel
    (babble: another sentence of the pool, faster and higher)."""
    pieces: list[Audio] = []
    for seg, voice in zip(segments, voices, strict=True):
        if pieces:
            pieces.append(np.zeros(int(rng.uniform(*PAUSE_S) * SAMPLE_RATE), np.float32))
        pieces.append(speak(seg.say, voice))
    speech = np.concatenate(pieces)
    speech = 0.7 * speech / (np.abs(speech).max() + 1e-9)
    channel = random_channel(rng)
    babble = None
    if channel.noise == "babble":
        other = pool[int(rng.integers(len(pool)))]
        talker = Speaker(speaker.variant, 1.2, 70, None if speaker.tone_range is None else 100)
        babble = np.concatenate([speak(s.say, voice_for(s.dialect, talker)) for s in other.segments])
    return apply(speech, channel, rng, babble), channel


def synthesise(index: int, options: SynthOptions, out: Path) -> Utterance:
    rng = np.random.default_rng([options.seed, index])
    split = "test" if rng.random() < TEST_UTTERANCE_SHARE else "train"
    pools = sentence_pools(options.dialects)[split]
    names = sorted(pools)
    weights = np.array([SOURCE_WEIGHTS.get(n, 1) for n in names], dtype=float)  # approx:* weigh 1
    source = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    sentence = pools[source][int(rng.integers(len(pools[source])))]
    speaker = pick_speaker(rng, split, options.tone_ranges)
    voices = [voice_for(seg.dialect, speaker) for seg in sentence.segments]
    raw: dict[str, Agreement] = {}
    final: dict[str, Agreement] = {}
    try:  # espeak-ng crashes now and then (some wide-range variants at the widest ranges)
        raw = agreement(sentence.segments, voices)
        segments: list[Segment] = []
        for seg, voice in zip(sentence.segments, voices, strict=True):
            fixed = fix_yue(seg, voice) if seg.dialect == "yue" and not raw["yue"].complete else seg
            if fixed is None:
                return Utterance(None, raw, {})
            segments.append(fixed)
        final = agreement(segments, voices)
        if not all(a.complete for a in final.values()):
            return Utterance(None, raw, final)
        audio, channel = _record(segments, voices, speaker, pools[source], rng)
    except EspeakError:
        return Utterance(None, raw, final)
    uid = f"s{options.seed}-{index:07d}"
    path = Path("audio") / f"{uid}.flac"
    (out / path).parent.mkdir(parents=True, exist_ok=True)
    sf.write(out / path, audio, channel.sample_rate, subtype="PCM_16")
    words = tuple(WordLabel(w.text, w.dialect, w.units) for s in segments for w in s.words)
    row = ManifestRow(
        id=uid,
        audio=str(path),
        duration_s=round(len(audio) / channel.sample_rate, 3),
        sample_rate=channel.sample_rate,
        text=Sentence(tuple(segments), source).text,
        words=words,
        voice=speaker.describe(),
        channel=channel.describe(),
        split=split,
        label_kind="synthetic-approx" if source.startswith("approx:") else "synthetic",
        source=source,
    )
    return Utterance(row, raw, final)


def _work(args: tuple[int, SynthOptions, Path]) -> Utterance:
    return synthesise(*args)


def generate(
    out: Path, options: SynthOptions, hours: float | None = None, utterances: int | None = None
) -> SynthSummary:
    """Synthesise until `hours` of audio (or `utterances` kept), in parallel over cores."""
    started = time.perf_counter()
    summary = SynthSummary()
    out.mkdir(parents=True, exist_ok=True)
    sentence_pools(options.dialects)  # build once before forking
    rows: list[ManifestRow] = []
    index = 0
    batch = 64
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while (hours is not None and summary.audio_s < hours * 3600) or (
            utterances is not None and len(rows) < utterances
        ):
            jobs = [(i, options, out) for i in range(index, index + batch)]
            index += batch
            for result in pool.map(_work, jobs, chunksize=4):
                for dialect, a in result.raw.items():
                    summary.add(summary.raw, dialect, a)
                if result.row is None:
                    summary.dropped += 1
                    continue
                if utterances is not None and len(rows) >= utterances:
                    (out / result.row.audio).unlink()
                    continue
                for dialect, a in result.final.items():
                    summary.add(summary.final, dialect, a)
                rows.append(result.row)
                summary.audio_s += result.row.duration_s
    write_manifest(out / "manifest.jsonl", rows)
    summary.utterances = len(rows)
    summary.wall_s = time.perf_counter() - started
    return summary

