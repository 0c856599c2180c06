"""`xiangyin transcribe FILE…`: stream audio files to a server and show what it hears —
partials updating in place on a terminal, finals with each word coloured by its dialect;
`--json` writes one JSON line per final for machines."""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import grpc

from server.client import Connection, StreamOptions, load_audio, stream
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc

COLOURS = ("31", "32", "33", "34", "35", "36", "91", "92", "93", "94", "95", "96")
CLEAR_LINE = "\r\033[K"


def colour_of(dialect: str) -> str:
    """A stable colour per dialect code, the same in every run."""
    return COLOURS[zlib.crc32(dialect.encode()) % len(COLOURS)] if dialect else "0"


def coloured(words: Sequence[pb.WordInfo]) -> str:
    out = ""
    for w in words:
        gap = " " if out and (w.word[:1].isascii() or out[-1:].isascii()) else ""
        out += f"{gap}\033[{colour_of(w.dialect)}m{w.word}\033[0m"
    return out


def result_json(path: Path, result: pb.StreamingRecognitionResult) -> dict[str, object]:
    """The machine-readable line for one result, partial or final (times in seconds)."""
    best = result.alternatives[0] if result.alternatives else pb.SpeechRecognitionAlternative()
    return {
        "is_final": result.is_final,
        "transcript": best.transcript,
        "stability": round(result.stability, 4),
        "dialect": result.dialect,
        "words": [
            {"word": w.word, "start": round(w.start_time.ToNanoseconds() / 1e9, 3),
             "end": round(w.end_time.ToNanoseconds() / 1e9, 3), "confidence": round(w.confidence, 4),
             "dialect": w.dialect}
            for w in best.words
        ],
        "utterance": result.utterance_index,
        "end_time": round(result.result_end_time.ToNanoseconds() / 1e9, 3),
        "file": str(path),
    }


@dataclass(frozen=True)
class TranscribeOptions:
    json: bool = False
    stream: StreamOptions = field(default_factory=StreamOptions)


def transcribe_file(
    stub: asr_pb2_grpc.AsrStub, path: Path, options: TranscribeOptions, metadata: Sequence[tuple[str, str]],
    out: TextIO,
) -> set[str]:
    """Stream one file; returns the dialects seen, for the legend."""
    audio = load_audio(path)
    live = out.isatty() and not options.json
    seen: set[str] = set()
    if not options.json:
        print(f"── {path} ({audio.seconds:.1f} s, {audio.sample_rate} Hz)", file=out)
    for timed in stream(stub, audio, options.stream, metadata):
        for result in timed.response.results:
            best = result.alternatives[0] if result.alternatives else None
            if options.json:
                print(json.dumps(result_json(path, result), ensure_ascii=False), file=out, flush=True)
                continue
            if not result.is_final:
                if live and best:
                    out.write(f"{CLEAR_LINE}\033[2m{best.transcript}\033[0m")
                    out.flush()
                continue
            if best:
                seen.update(w.dialect for w in best.words)
            text = coloured(best.words) if best and live else (best.transcript if best else "")
            end = result.result_end_time.ToNanoseconds() / 1e9
            prefix = CLEAR_LINE if live else ""
            print(f"{prefix}[{result.utterance_index}] {text or '(no words)'}  "
                  f"({result.dialect or '—'}, ends {end:.2f} s)", file=out, flush=True)
    return seen


def report_error(out: TextIO, path: Path, code: str, message: str, options: TranscribeOptions) -> None:
    if options.json:
        print(json.dumps({"error": code, "message": message, "file": str(path)}, ensure_ascii=False),
              file=out, flush=True)
    else:
        print(f"{path}: {code}: {message}", file=out)


def transcribe(
    paths: Sequence[Path], connection: Connection, options: TranscribeOptions, out: TextIO = sys.stdout
) -> int:
    failures = 0
    seen: set[str] = set()
    with connection.channel() as channel:
        stub = connection.stub(channel)
        for path in paths:
            try:
                seen |= transcribe_file(stub, path, options, connection.metadata, out)
            except grpc.RpcError as err:
                failures += 1
                sink = out if options.json else sys.stderr
                report_error(sink, path, err.code().name, err.details() or "", options)
            except (OSError, RuntimeError) as err:  # unreadable audio file
                failures += 1
                report_error(out if options.json else sys.stderr, path, "UNREADABLE_FILE", str(err), options)
    if seen and out.isatty() and not options.json:
        print("dialects: " + "  ".join(f"\033[{colour_of(d)}m{d}\033[0m" for d in sorted(seen)), file=out)
    return 1 if failures else 0


