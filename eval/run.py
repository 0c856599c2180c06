"""`xiangyin eval`: manifests → transcriptions → scores per dialect, variety, channel
and code-switching mix → results.json, utterances.jsonl, report.md, report.html.

Groups: per_dialect (the row's dialect: what Result.dialect is scored against),
per_variety (the registry variety coverage credits), per_channel (the transmission
channel, the part of a synthetic channel before its first comma, e.g. phone-8k-ulaw;
the sample rate where a corpus names none), per_mix (code-switched rows by their
dialects) and per_label_kind (human, synthetic … with per-variety figures:
`xiangyin coverage --results` reads these).
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.manifest import EvalRow
from eval.metrics import Timing, Token, UtteranceScore, score_utterance, summarize
from eval.normalize import join_tokens, normalize, tokens
from eval.readers import load_audio
from eval.report import write_html, write_markdown
from eval.transcribe import Transcriber, Transcription

UNKNOWN = "unknown"
SAMPLE_UTTERANCES = 10  # shown in the reports beside the tables


@dataclass(frozen=True)
class EvalOptions:
    split: str | None = None  # keep rows of this split (rows without a split are kept)
    limit: int | None = None  # the first N rows after the split filter
    normalize: bool = True
    dialect_hints: bool = False  # tell the engine each row's reference dialects
    concurrency: int = 1  # utterances in flight at once (online mode: parallel real-time callers)


@dataclass(frozen=True)
class Scored:
    row: EvalRow
    sample_rate: int
    transcription: Transcription
    reference: tuple[Token, ...]
    hypothesis: tuple[Token, ...]
    score: UtteranceScore
    timing: Timing

    @property
    def channel(self) -> str:
        return self.row.channel.split(",")[0] if self.row.channel else f"{self.sample_rate} Hz"


def select(rows: Sequence[EvalRow], options: EvalOptions) -> list[EvalRow]:
    kept = [r for r in rows if options.split is None or not r.split or r.split == options.split]
    return kept[: options.limit] if options.limit is not None else kept


def _tokens(text: str, dialect: str, options: EvalOptions) -> list[Token]:
    return [Token(t, dialect) for t in tokens(normalize(text) if options.normalize else text)]


def reference_tokens(row: EvalRow, options: EvalOptions) -> tuple[Token, ...]:
    """Tagged with each word's dialect where the row has labelled words."""
    if row.words:
        return tuple(t for w in row.words for t in _tokens(w.text, w.dialect, options))
    return tuple(_tokens(row.text, "", options))


def hypothesis_tokens(transcription: Transcription, options: EvalOptions) -> tuple[Token, ...]:
    if transcription.words:
        return tuple(t for w in transcription.words for t in _tokens(w.text, w.dialect, options))
    return tuple(_tokens(transcription.transcript, "", options))


def hints(row: EvalRow) -> tuple[str, ...]:
    return tuple(sorted({row.dialect, *(w.dialect for w in row.words)} - {""}))


def evaluate(
    rows: Sequence[EvalRow], transcriber: Transcriber, options: EvalOptions, progress: bool = True
) -> list[Scored]:
    def one(row: EvalRow) -> Scored:
        audio, rate = load_audio(row.audio_path)
        tx = transcriber.transcribe(audio, rate, hints(row) if options.dialect_hints else ())
        ref, hyp = reference_tokens(row, options), hypothesis_tokens(tx, options)
        timing = Timing(len(audio) / rate, tx.processing_s, tx.first_partial_ms, tx.final_ms)
        ref_units = [u for w in row.words for u in w.units]
        score = score_utterance(ref, hyp, row.dialect, tx.dialect, ref_units, tx.units)
        return Scored(row, rate, tx, ref, hyp, score, timing)

    bar = tqdm(total=len(rows), desc="eval", unit="utt", file=sys.stderr, disable=not progress)
    with ThreadPoolExecutor(options.concurrency) as pool:
        scored = []
        for s in pool.map(one, rows):  # in manifest order
            scored.append(s)
            bar.update()
    bar.close()
    return scored


def _grouped(scored: Sequence[Scored], key: Callable[[Scored], str]) -> dict[str, dict[str, object]]:
    groups: dict[str, list[Scored]] = {}
    for s in scored:
        groups.setdefault(key(s) or UNKNOWN, []).append(s)
    return {k: summarize([(s.score, s.timing) for s in v]) for k, v in sorted(groups.items())}


def results(scored: Sequence[Scored], run: dict[str, object]) -> dict[str, object]:
    """The results.json contract: per_dialect and overall first, then the other groups."""
    kinds = sorted({s.row.label_kind for s in scored})
    return {
        "per_dialect": _grouped(scored, lambda s: s.row.dialect),
        "overall": summarize([(s.score, s.timing) for s in scored]),
        "per_variety": _grouped(scored, lambda s: s.row.variety),
        "per_channel": _grouped(scored, lambda s: s.channel),
        "per_mix": _grouped([s for s in scored if s.row.mix], lambda s: s.row.mix),
        "per_label_kind": {
            kind: {
                "overall": summarize([(s.score, s.timing) for s in scored if s.row.label_kind == kind]),
                "per_variety": _grouped([s for s in scored if s.row.label_kind == kind],
                                        lambda s: s.row.variety),
            }
            for kind in kinds
        },
        "run": run,
    }


def utterance_json(s: Scored) -> dict[str, object]:
    return {
        "id": s.row.id,
        "dialect": s.row.dialect,
        "variety": s.row.variety,
        "channel": s.channel,
        "label_kind": s.row.label_kind,
        "reference": join_tokens([t.text for t in s.reference]),
        "hypothesis": join_tokens([t.text for t in s.hypothesis]),
        "hypothesis_dialect": s.transcription.dialect,
        "dialect_correct": s.score.dialect_correct,
        "words": [
            {"text": w.text, "dialect": w.dialect, "start_s": round(w.start_s, 2), "end_s": round(w.end_s, 2),
             "confidence": round(w.confidence, 3)}
            for w in s.transcription.words
        ],
        "reference_words": [{"text": w.text, "dialect": w.dialect} for w in s.row.words],
        "errors": {"chars": s.score.chars.as_json(), "words": s.score.words.as_json(),
                   "mixed": s.score.mixed.as_json(),
                   **({"units": s.score.units.as_json()} if s.score.units is not None else {})},
        **({"greedy_units": " ".join(s.transcription.units)} if s.transcription.units is not None else {}),
        "audio_s": round(s.timing.audio_s, 3),
        "rtf": (round(s.timing.processing_s / s.timing.audio_s, 4)
                if s.timing.audio_s and s.timing.processing_s is not None else None),
        "first_partial_ms": s.timing.first_partial_ms,
        "final_ms": s.timing.final_ms,
    }


def run_eval(
    rows: Sequence[EvalRow], transcriber: Transcriber, options: EvalOptions, out: Path,
    sources: Sequence[str], progress: bool = True,
) -> dict[str, Any]:
    """Evaluate, then write the three reports and utterances.jsonl into `out`."""
    started = time.perf_counter()
    scored = evaluate(select(rows, options), transcriber, options, progress)
    run: dict[str, object] = {
        **transcriber.describe(),
        "manifests": list(sources),
        "utterances": len(scored),
        "split": options.split,
        "limit": options.limit,
        "normalize": options.normalize,
        "dialect_hints": options.dialect_hints,
        "concurrency": options.concurrency,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    report: dict[str, Any] = results(scored, run)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    (out / "results.json").write_text(text, encoding="utf-8")
    with (out / "utterances.jsonl").open("w", encoding="utf-8") as f:
        for s in scored:
            f.write(json.dumps(utterance_json(s), ensure_ascii=False) + "\n")
    first = [utterance_json(s) for s in scored[:SAMPLE_UTTERANCES]]
    write_markdown(out / "report.md", report, first)
    write_html(out / "report.html", report, first, [s.timing for s in scored])
    return report
