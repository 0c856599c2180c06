"""`xiangyin <command>`: subcommands import their module only when run, so each starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def cmd_dialects(args: argparse.Namespace) -> int:
    from asr.dialects import load_registry, select

    rows = select(load_registry(), province=args.province, group=args.group)
    if args.json:
        _print_json([t.as_json() for t in rows])
        return 0
    for t in rows:
        place = "/".join(x for x in (t.group, t.subgroup, t.cluster) if x)
        mark = "" if t.in_333 else " (municipality, outside the 333)"
        print(f"{t.adcode}  {t.province}{t.name}{mark}\t{place}\t{t.variety}")
    print(f"{len(rows)} rows")
    return 0


def cmd_lexicon_build(args: argparse.Namespace) -> int:
    from asr.lexicon_build import build, varieties

    unknown = sorted(set(args.variety) - set(varieties()))
    if unknown:
        print(f"no lexicon source for variety {unknown[0]!r}; known: {', '.join(varieties())}",
              file=sys.stderr)
        return 2
    reports = build(args.variety or None)
    for r in reports:
        skipped = sum(s.skipped for s in r.sources)
        print(f"{r.variety:18} {r.entries:8d} entries  {skipped:6d} skipped  → {r.path}")
        for s in r.sources:
            for example in s.skipped_examples[:2] if args.verbose else ():
                print(f"    skipped ({s.name}): {example}")
    return 0


def cmd_lexicon_check(args: argparse.Namespace) -> int:
    from asr.lexicon_check import check

    stats = check()
    if not stats:
        print("no built lexicons: run `xiangyin lexicon build`", file=sys.stderr)
        return 1
    if args.json:
        _print_json({s.variety: s.as_json() for s in stats})
    else:
        print(f"{'variety':18} {'entries':>8} {'words':>8} {'top3500':>8} {'outside':>8}")
        for s in stats:
            print(
                f"{s.variety:18} {s.entries:8d} {s.words:8d} "
                f"{s.top3500_coverage:8.1%} {s.units_outside_inventory:8d}"
            )
    return 1 if any(s.units_outside_inventory for s in stats) else 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from eval.coverage import (
        AcousticEvidence,
        compute_coverage,
        markdown_table,
        measurements_from_results,
        training_from_manifests,
        training_from_model,
    )

    training = {} if args.model == "none" else training_from_model(Path(args.model))
    training.update(training_from_manifests([Path(p) for p in args.training]))
    synthetic, human = measurements_from_results([Path(p) for p in args.results])
    report = compute_coverage(acoustic=AcousticEvidence(training, synthetic, human))
    if args.history or args.out:
        from eval.coverage_report import append_history, write_outputs

        inputs = {"model": args.model, "training": args.training, "results": args.results}
        history = append_history(Path(args.history), report, inputs) if args.history else None
        if args.out:
            write_outputs(Path(args.out), report, history)
    if args.json:
        _print_json(report.as_json())
        return 0
    if args.markdown:
        print(markdown_table(report))
        return 0
    print("rows per level:", ", ".join(f"L{k}={v}" for k, v in sorted(report.levels.items())))
    for v in report.varieties:
        if v.level:
            print(f"  L{v.level} {v.variety:18} {v.reason}")
    print("by group:")
    for group, levels in report.totals_by("group").items():
        print(f"  {group:8} " + ", ".join(f"L{k}={n}" for k, n in levels.items()))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import os

    import grpc

    if not args.manifest and not args.benchmark:
        print("give manifests, --benchmark NAME, or both", file=sys.stderr)
        return 2
    from eval.benchmark import BenchmarkMismatch, materialise
    from eval.readers import read_corpus
    from eval.run import EvalOptions, run_eval, select
    from eval.transcribe import OfflineTranscriber, OnlineTranscriber, TranscribeOptions, Transcriber

    options = EvalOptions(split=args.split, limit=args.limit, normalize=not args.no_normalize,
                          dialect_hints=args.dialect_hints,
                          concurrency=args.concurrency if args.server else 1)
    try:
        rows = [row for m in args.manifest for row in read_corpus(Path(m))]
        if args.benchmark:
            rows += materialise(args.benchmark, Path(args.cache) if args.cache else None, args.limit)
    except (ValueError, OSError, BenchmarkMismatch) as err:
        print(err, file=sys.stderr)
        return 2
    if not select(rows, options):
        print(f"no rows to evaluate ({len(rows)} read, none of split {args.split!r})", file=sys.stderr)
        return 2
    transcriber: Transcriber
    if args.server:
        from server.client import Connection

        connection = Connection(args.server, os.environ.get("XIANGYIN_API_KEY", ""), args.tls_ca or "")
        transcriber = OnlineTranscriber(connection)
    else:
        decoding = TranscribeOptions(args.beam, lm_weight=args.lm_weight, word_score=args.word_score,
                                     int8=not args.fp32)
        transcriber = OfflineTranscriber(Path(args.model), decoding)
    sources = [*args.manifest, *([f"benchmark:{args.benchmark}"] if args.benchmark else [])]
    try:
        report = run_eval(rows, transcriber, options, Path(args.out), sources)
    except grpc.RpcError as err:
        print(f"{args.server}: {err.code().name}: {err.details()}", file=sys.stderr)
        return 1
    overall = report["overall"]
    if args.json:
        _print_json(overall)
        return 0
    print(f"{overall['n']} utterances → {args.out}/results.json, report.md, report.html")
    columns = ("CER", "WER", "MER", "UER", "dial.ID", "RTF")
    print(f"{'dialect (mix)':18} {'n':>5} " + " ".join(f"{c:>7}" for c in columns))
    mixes = [(f"({name})", s) for name, s in report["per_mix"].items()]
    for name, s in [*report["per_dialect"].items(), *mixes, ("overall", overall)]:
        cells = [s[k] for k in ("cer", "wer", "mer", "uer", "dialect_id_acc")]
        rates = " ".join("      —" if c is None else f"{c:7.1%}" for c in cells)
        print(f"{name:18} {s['n']:5d} {rates} {s['rtf'] if s['rtf'] is not None else '—':>7}")
    return 0


def cmd_lm_build(args: argparse.Namespace) -> int:
    from asr.char_decoder import CHARACTER_LM_SUFFIX
    from asr.lm import HELD_OUT_EVERY, LM_DIR, LMOptions, build_lm

    plans = [(v, [v]) for v in args.variety] or [
        ("mixed", ["cmn", "yue", "en"]), ("cmn", ["cmn"]), ("yue", ["yue"])
    ]
    options = LMOptions(order=args.order, characters=args.characters)
    if args.characters:
        plans = [(f"{name}{CHARACTER_LM_SUFFIX}", varieties) for name, varieties in plans]
    reports = [build_lm(name, varieties, Path(args.out) if args.out else LM_DIR, options)
               for name, varieties in plans]
    if args.json:
        _print_json([{**vars(r), "path": str(r.path)} for r in reports])
        return 0
    print(f"{'lm':16} {'varieties':22} {'MB':>6} {'sentences':>9} {'vocab':>7} {'ppl':>7} {'oov':>6}")
    for r in reports:
        print(f"{r.name:16} {','.join(r.varieties):22} {r.size_bytes / 1e6:6.1f} {r.train_sentences:9d} "
              f"{r.vocabulary:7d} {r.perplexity:7.1f} {r.oov_rate:6.1%}  → {r.path}")
    print(f"perplexity and OOV on every {HELD_OUT_EVERY}th sentence, held out of training")
    return 0


def cmd_bench_decoder(args: argparse.Namespace) -> int:
    from eval.bench.decoder import run

    bench = run(seconds=args.seconds, beam=args.beam)
    if args.json:
        _print_json({
            "beam": bench.beam,
            "audio_s": bench.audio_s,
            "xiangyin_rtf": round(bench.xiangyin_rtf, 5),
            "pyctcdecode_rtf": round(bench.pyctcdecode_rtf, 5),
            "character_accuracy": round(bench.character_accuracy, 4),
        })
        return 0
    print(f"decoder benchmark: {bench.audio_s:.1f} s of realistic posteriors, beam {bench.beam}, one thread")
    print(f"  xiangyin (lexicon + KenLM): RTF {bench.xiangyin_rtf:.4f} = "
          f"{1 / bench.xiangyin_rtf:.0f}x real time, "
          f"{bench.character_accuracy:.1%} of reference characters recovered")
    print(f"  pyctcdecode (no lexicon, no LM): RTF {bench.pyctcdecode_rtf:.4f} = "
          f"{1 / bench.pyctcdecode_rtf:.0f}x real time")
    print(f"  xiangyin is {bench.pyctcdecode_rtf / bench.xiangyin_rtf:.1f}x pyctcdecode's speed")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from asr.synth.corpus import SynthOptions, generate

    if (args.hours is None) == (args.utterances is None):
        print("give exactly one of --hours and --utterances", file=sys.stderr)
        return 2
    from asr.lexicon import built_varieties

    unknown = sorted(set(args.dialects) - set(built_varieties()))
    if unknown:
        print(f"no built lexicon for {unknown}; run `xiangyin lexicon build`", file=sys.stderr)
        return 2
    options = SynthOptions(seed=args.seed, dialects=tuple(args.dialects))
    summary = generate(Path(args.out), options, hours=args.hours, utterances=args.utterances)
    report = summary.as_json()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{report['utterances']} utterances, {report['audio_s']} s of audio in {report['wall_s']} s "
          f"({report['speed_x']}x real time); {report['dropped']} dropped → {args.out}/manifest.jsonl")
    print(f"label agreement with espeak-ng's phonemes: {report['label_agreement']} "
          f"(before relabelling Cantonese readings: {report['label_agreement_before_fix']})")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from asr.train.loop import FFN_PER_D_MODEL, EpochLog, TrainOptions, train

    options = TrainOptions(epochs=args.epochs, batch_seconds=args.batch_seconds, threads=args.threads,
                           seed=args.seed, chunk_ms=args.chunk_ms, d_model=args.d_model,
                           num_layers=args.layers, ffn_dim=args.ffn_dim or FFN_PER_D_MODEL * args.d_model,
                           learning_rate=args.learning_rate, init=args.init or "",
                           schedule=args.schedule, time_mask_frames=args.time_mask_frames, pitch=args.pitch,
                           relative_pitch=args.relative_pitch, local_frames=args.local_frames,
                           ctc_slots=args.ctc_slots, ema_decay=args.ema_decay)

    def report(log: EpochLog) -> None:
        print(f"epoch {log.epoch:3d}  step {log.steps:6d}  loss {log.train_loss:7.3f}  "
              f"test UER {log.test_unit_error_rate:6.1%}  dialect acc {log.test_dialect_accuracy:6.1%}  "
              f"{log.seconds:6.0f} s", flush=True)

    train([Path(d) for d in args.data], Path(args.out), options, on_epoch=report)
    print(f"model → {args.out} (training.png, train_log.jsonl; rerun the same command to resume)")
    return 0


def cmd_bench_model(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from eval.bench.model import run

    bench = run(Path(args.model), seconds=args.seconds, int8=not args.fp32)
    if args.json:
        _print_json({k: round(v, 5) if isinstance(v, float) else v for k, v in asdict(bench).items()})
        return 0
    print(f"acoustic model {args.model} ({'fp32' if args.fp32 else 'int8 Linear layers'}): "
          f"{bench.parameters / 1e6:.1f} M parameters, {bench.chunk_ms} ms chunks, {bench.audio_s:.0f} s of "
          "audio, one thread")
    print(f"  features RTF {bench.features_rtf:.4f}   encoder RTF {bench.encoder_rtf:.4f}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from server.app import serve
    from server.config import ServerConfig, load_config
    from server.logs import configure

    settings = vars(ServerConfig())
    flags = {name: getattr(args, name) for name in settings if getattr(args, name, None) is not None}
    try:
        config = load_config(Path(args.config) if args.config else None, os.environ, flags)
    except (OSError, ValueError) as err:
        print(f"xiangyin serve: {err}", file=sys.stderr)
        return 2
    configure(config.log_level)
    if config.processes > 1:
        from server.processes import supervise

        return supervise(config)
    asyncio.run(serve(config))
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    import os

    from server.client import Connection, StreamOptions
    from server.transcribe import TranscribeOptions, transcribe

    hotwords = []
    for item in args.hotword:
        phrase, _, boost = item.rpartition(":") if ":" in item else (item, "", "0")
        try:
            hotwords.append((phrase, float(boost)))
        except ValueError:
            print(f"--hotword {item!r}: write PHRASE or PHRASE:BOOST (a number)", file=sys.stderr)
            return 2
    connection = Connection(args.server, args.api_key or os.environ.get("XIANGYIN_API_KEY", ""),
                            args.tls_ca or "", args.tls_cert or "", args.tls_key or "")
    stream = StreamOptions(dialects=tuple(args.dialect), hotwords=tuple(hotwords), realtime=args.realtime)
    options = TranscribeOptions(json=args.json, stream=stream)
    return transcribe([Path(f) for f in args.files], connection, options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xiangyin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("dialects", help="list the registry of dialect targets")
    p.add_argument("--province", help="only rows whose province contains this (e.g. 四川)")
    p.add_argument("--group", help="only rows whose dialect group contains this (e.g. 吴语)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dialects)

    lexicon = sub.add_parser("lexicon", help="build or check the per-dialect lexicons")
    lsub = lexicon.add_subparsers(dest="lexicon_command", required=True)
    p = lsub.add_parser("build", help="build lexicons/build/*.tsv from offline package data")
    p.add_argument("variety", nargs="*", help="only these varieties (default: all)")
    p.add_argument("--verbose", action="store_true", help="show examples of skipped entries")
    p.set_defaults(func=cmd_lexicon_build)
    p = lsub.add_parser("check", help="entries, top-3500 coverage, units outside the inventory")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lexicon_check)

    lm = sub.add_parser("lm", help="build the n-gram language models (lmplz → build_binary)")
    lmsub = lm.add_subparsers(dest="lm_command", required=True)
    p = lmsub.add_parser("build", help="default: the mixed cmn+yue+en LM and the cmn and yue LMs")
    p.add_argument("variety", nargs="*", help="build one LM per listed variety instead")
    p.add_argument("--order", type=int, default=3)
    p.add_argument("--characters", action="store_true", help="character LMs for lexicon-free decoding")
    p.add_argument("--out", help="output directory (default lexicons/build/lm)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lm_build)

    bench = sub.add_parser("bench", help="performance benchmarks that print figures")
    bsub = bench.add_subparsers(dest="bench_command", required=True)
    p = bsub.add_parser("decoder", help="decoder real-time factor at beam 16, beside pyctcdecode")
    p.add_argument("--seconds", type=float, default=60.0, help="audio seconds of posteriors")
    p.add_argument("--beam", type=int, default=16)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_decoder)

    p = sub.add_parser("synth", help="synthesise a labelled multi-dialect corpus with espeak-ng")
    p.add_argument("--hours", type=float, help="stop after this much audio")
    p.add_argument("--utterances", type=int, help="stop after this many utterances")
    p.add_argument("--out", required=True, help="output folder: manifest.jsonl and audio/")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dialects", nargs="+", default=["cmn", "yue", "en"],
                   help="cmn, yue, en read by their own voices; any other built lexicon variety "
                        "(wuu-x-shanghai, cmn-x-sichuan, nan …) is spoken approximately")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("train", help="train the streaming acoustic model on synthetic/real manifests")
    p.add_argument("--data", nargs="+", required=True, help="folders with manifest.jsonl")
    p.add_argument("--out", required=True, help="model directory, e.g. models/NAME")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-seconds", type=float, default=60.0)
    p.add_argument("--chunk-ms", type=int, default=320)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=10)
    p.add_argument("--ffn-dim", type=int, help="feed-forward width (default 4 × d-model; an --init model "
                   "with narrower feed-forward layers is widened)")
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--init", help="start from this model directory's weights (fine-tune)")
    p.add_argument("--schedule", choices=("inverse-sqrt", "cosine"), default="inverse-sqrt",
                   help="learning rate after warm-up: 1/sqrt(step), or a cosine to 5 %% at the last epoch")
    p.add_argument("--time-mask-frames", type=int, default=20,
                   help="SpecAugment's longest time mask in 10 ms frames")
    p.add_argument("--pitch", action="store_true",
                   help="add voicing and log F0 to the features (an --init model without them is widened)")
    p.add_argument("--relative-pitch", action="store_true",
                   help="with --pitch: add log F0 against the voice's mean so far, for tones told apart by "
                        "height (an --init model without it is widened)")
    p.add_argument("--local-frames", type=int, default=0,
                   help="causal convolution over this many 40 ms frames, which gives the Emformer frame "
                        "order (an --init model without it is widened)")
    p.add_argument("--ctc-slots", type=int, default=1, choices=(1, 2, 4),
                   help="CTC outputs per 40 ms frame: 2 lets fast speech (more units than frames) through "
                        "(an --init model of one slot starts with copies of it)")
    p.add_argument("--ema-decay", type=float, default=0.0,
                   help="evaluate and export an exponential moving average of the weights, e.g. 0.999 "
                        "(about the last 1,000 steps); 0 exports them as trained")
    p.set_defaults(func=cmd_train)

    p = bsub.add_parser("model", help="one-thread streaming RTF of features and encoder")
    p.add_argument("--model", default="models/default")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--fp32", action="store_true", help="the model in fp32 (default: int8 Linear layers)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_model)

    from eval.bench.commands import add_parsers as add_bench_parsers  # rtf, load, soak, startup

    add_bench_parsers(bsub)

    p = sub.add_parser("coverage", help="coverage level of every registry row (DESIGN §4)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help="the README's supported-dialects table")
    p.add_argument("--model", default="models/default",
                   help="its config.json's dialects have acoustic training data (level 2); 'none' to ignore")
    p.add_argument("--training", nargs="+", default=[], metavar="MANIFEST",
                   help="training manifests: their varieties have acoustic training data (level 2)")
    p.add_argument("--results", nargs="+", default=[], metavar="DIR",
                   help="`xiangyin eval` output folders: measured CER (levels 3 and 4)")
    p.add_argument("--out", help="write coverage.json, coverage_map.png and coverage.html here")
    p.add_argument("--history", help="append today's totals to this JSONL file (and plot it with --out)")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("serve", help="run the gRPC service (defaults: models/default on 127.0.0.1:50051)")
    p.add_argument("--config", help="TOML file of settings (see server/config.py); flags override it")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--model", help="model directory (xiangyin or a local Hugging Face CTC model)")
    p.add_argument("--lm", help="KenLM binary; empty string: no LM")
    p.add_argument("--dialects", help="comma-separated lexicons to load (default: every built one)")
    p.add_argument("--workers", type=int, help="compute threads")
    p.add_argument("--processes", type=int,
                   help="servers sharing the port, each with its own GIL and memory (default 1)")
    p.add_argument("--fp32", dest="int8", action="store_const", const=False,
                   help="run the acoustic model in fp32 (default: int8 Linear layers)")
    p.add_argument("--max-streams", dest="max_streams", type=int)
    p.add_argument("--metrics-port", dest="metrics_port", type=int, help="Prometheus port; 0 = off")
    p.add_argument("--tls-cert", dest="tls_cert")
    p.add_argument("--tls-key", dest="tls_key")
    p.add_argument("--tls-client-ca", dest="tls_client_ca", help="require client certificates from this CA")
    p.add_argument("--api-keys", dest="api_keys", help="TOML key file (see server/auth.py)")
    p.add_argument("--log-level", dest="log_level")
    p.add_argument("--log-content", dest="log_content", action="store_const", const=True,
                   help="put transcripts in the logs (off by default)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("transcribe", help="stream audio files (WAV/FLAC/MP3) to a running server")
    p.add_argument("files", nargs="+")
    p.add_argument("--server", default="localhost:50051", help="HOST:PORT")
    p.add_argument("--realtime", action="store_true", help="send audio at the pace of a live caller")
    p.add_argument("--dialect", action="append", default=[], help="dialect hint (repeatable), e.g. yue")
    p.add_argument("--hotword", action="append", default=[], help="PHRASE or PHRASE:BOOST (repeatable)")
    p.add_argument("--api-key", help="sent as `authorization: Bearer …` (default: $XIANGYIN_API_KEY)")
    p.add_argument("--tls-ca", help="CA certificate (PEM): connect over TLS")
    p.add_argument("--tls-cert", help="client certificate (PEM) for mutual TLS")
    p.add_argument("--tls-key", help="client key (PEM) for mutual TLS")
    p.add_argument("--json", action="store_true", help="one JSON line per final result")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("eval", help="per-dialect CER/WER/MER, dialect ID and speed of a model on manifests")
    p.add_argument("manifest", nargs="*",
                   help="eval or synth manifests (.jsonl or folder), Kaldi folders (wav.scp + text, as "
                        "KeSpeech), Common Voice TSVs or locale folders")
    p.add_argument("--benchmark", help="a fixed set in eval/benchmarks (e.g. synthetic-v1); audio is "
                                       "regenerated into --cache on first use")
    p.add_argument("--cache", help="benchmark audio cache (default ~/.cache/xiangyin/benchmarks)")
    engine = p.add_mutually_exclusive_group(required=True)
    engine.add_argument("--model", help="evaluate this model directory in-process (offline mode)")
    engine.add_argument("--server", metavar="HOST:PORT", help="evaluate a running server (online mode)")
    p.add_argument("--out", required=True, help="folder for results.json, utterances.jsonl, report.md/html")
    p.add_argument("--split", help="keep rows of this split (e.g. test); rows without a split are kept")
    p.add_argument("--limit", type=int, help="only the first N rows")
    p.add_argument("--no-normalize", action="store_true", help="score raw text (see eval/normalize.py)")
    p.add_argument("--dialect-hints", action="store_true", help="tell the engine each row's dialects")
    p.add_argument("--beam", type=int, default=16)
    p.add_argument("--lm-weight", type=float, default=0.3, help="offline mode: decoder LM weight")
    p.add_argument("--word-score", type=float, default=2.0, help="offline mode: decoder score per word")
    p.add_argument("--fp32", action="store_true", help="offline mode: the model in fp32 (default: int8 "
                                                        "Linear layers, as the server runs it)")
    p.add_argument("--concurrency", type=int, default=8,
                   help="online mode: callers streaming at once, each at real time")
    p.add_argument("--tls-ca", help="online mode: CA of a TLS server (API key from $XIANGYIN_API_KEY)")
    p.add_argument("--json", action="store_true", help="print results.json's overall block as JSON")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
