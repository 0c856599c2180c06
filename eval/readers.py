"""Corpus layouts → evaluation rows, and audio files → samples, so real corpora plug in
without conversion.

- an eval or `xiangyin synth` manifest: a `.jsonl` file, or a folder with manifest.jsonl;
- a Kaldi-style folder (as KeSpeech ships, e.g. KeSpeech/Tasks/ASR/test): `wav.scp`
  (utterance id, audio path; relative paths start from the folder or, as in KeSpeech,
  from the first parent folder where the file exists) and `text` (id, transcript), with
  an optional `utt2subdialect` (KeSpeech's subdialect names, mapped below) or
  `utt2dialect` (dialect codes). Piped wav.scp commands are refused: convert first;
- a Common Voice release: a locale folder (its test.tsv) or any of its TSV files
  (columns path, sentence and, in recent releases, locale; audio under clips/).

KeSpeech labels Mandarin by dialect *group*, not by place, so its subdialects map to
group codes (`cmn-x-southwestern`, not `cmn-x-sichuan`: Southwestern Mandarin also
covers Kunming, Guiyang, Wuhan, Liuzhou …, each its own registry row). A group code
credits no registry row in `xiangyin coverage` (a row inherits nothing from a sibling);
utterance dialect-ID still counts a place variety of the group as correct
(`eval.metrics.dialect_matches`), since the engine names places, not groups.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from asr.audio import MAX_RATE, MIN_RATE, MODEL_RATE, Samples
from eval.manifest import EvalRow, read_rows

# KeSpeech subdialect → (dialect code, Language Atlas group as lexicons/registry.tsv writes it)
KESPEECH_SUBDIALECTS: dict[str, tuple[str, str]] = {
    "Mandarin": ("cmn", ""),  # standard Mandarin (Putonghua) read by the same speakers
    "Beijing": ("cmn-x-beijing", "北京官话"),
    "Southwestern": ("cmn-x-southwestern", "西南官话"),
    "Zhongyuan": ("cmn-x-zhongyuan", "中原官话"),
    "Northeastern": ("cmn-x-northeastern", "东北官话"),
    "Lan-Yin": ("cmn-x-lanyin", "兰银官话"),
    "Jiang-Huai": ("cmn-x-jianghuai", "江淮官话"),
    "Ji-Lu": ("cmn-x-jilu", "冀鲁官话"),
    "Jiao-Liao": ("cmn-x-jiaoliao", "胶辽官话"),
}
# dialect group code → registry group name, for dialect-ID of group-labelled corpora
GROUP_OF_CODE = {code: group for code, group in KESPEECH_SUBDIALECTS.values() if group}

# Common Voice locale → dialect code
COMMON_VOICE_LOCALES = {"zh-CN": "cmn", "zh-TW": "cmn", "zh-HK": "yue", "yue": "yue", "nan-tw": "nan"}


def _kaldi_table(path: Path) -> dict[str, str]:
    table = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            key, _, value = line.strip().partition(" ")
            if key:
                table[key] = value.strip()
    return table


def _resolve(folder: Path, audio: str) -> Path:
    path = Path(audio)
    if path.is_absolute():
        return path
    for start in (folder, *folder.parents):
        if (start / path).exists():
            return (start / path).resolve()
    return folder / path


def kaldi_dir(folder: Path) -> list[EvalRow]:
    wavs = _kaldi_table(folder / "wav.scp")
    texts = _kaldi_table(folder / "text")
    labels: dict[str, str] = {}
    if (folder / "utt2subdialect").exists():
        labels = _kaldi_table(folder / "utt2subdialect")
    elif (folder / "utt2dialect").exists():
        labels = _kaldi_table(folder / "utt2dialect")
    rows = []
    for uid, audio in wavs.items():
        if audio.endswith("|"):
            raise ValueError(f"{folder / 'wav.scp'}: {uid} is a piped command; write its audio to a file")
        if uid not in texts:
            continue
        label = labels.get(uid, "")
        dialect = KESPEECH_SUBDIALECTS.get(label, (label, ""))[0]
        rows.append(EvalRow(
            id=uid, audio=str(_resolve(folder, audio)), text=texts[uid], dialect=dialect, variety=dialect,
            duration_s=0.0, source=f"kaldi:{folder.name}", label_kind="human",
        ))
    return rows


def common_voice(tsv: Path) -> list[EvalRow]:
    """Locale from the `locale` column, else from the folder name (cv-corpus-…/zh-HK/)."""
    rows = []
    with tsv.open(encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            locale = record.get("locale") or tsv.parent.name
            dialect = COMMON_VOICE_LOCALES.get(locale, locale)
            rows.append(EvalRow(
                id=Path(record["path"]).stem, audio=str(tsv.parent / "clips" / record["path"]),
                text=record["sentence"], dialect=dialect, variety=dialect, duration_s=0.0,
                source=f"common-voice:{locale}", label_kind="human", voice=record.get("client_id", ""),
            ))
    return rows


def read_corpus(path: Path) -> list[EvalRow]:
    """Any supported layout, recognised by its files."""
    if path.is_dir():
        for name, reader in (("manifest.jsonl", read_rows), ("test.tsv", common_voice)):
            if (path / name).exists():
                return reader(path / name)
        if (path / "wav.scp").exists():
            return kaldi_dir(path)
    elif path.suffix == ".jsonl":
        return read_rows(path)
    elif path.suffix == ".tsv":
        return common_voice(path)
    raise ValueError(
        f"{path}: not a manifest (.jsonl or a folder with manifest.jsonl), a Kaldi folder "
        "(wav.scp + text) or a Common Voice TSV / locale folder"
    )


def load_audio(path: Path) -> tuple[Samples, int]:
    """Any file soundfile reads (WAV, FLAC, MP3 …) → float32 mono, channels mixed. Rates
    outside the engine's 8–48 kHz are resampled to 16 kHz; others pass as they are."""
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    mono: Samples = audio.mean(axis=1).astype(np.float32)
    if not MIN_RATE <= rate <= MAX_RATE:
        mono = soxr.resample(mono, rate, MODEL_RATE).astype(np.float32)
        rate = MODEL_RATE
    return mono, int(rate)
