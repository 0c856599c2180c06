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
    from eval.coverage import compute_coverage, markdown_table

    report = compute_coverage()
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


def cmd_lm_build(args: argparse.Namespace) -> int:
    from asr.lm import HELD_OUT_EVERY, LM_DIR, LMOptions, build_lm

    plans = [(v, [v]) for v in args.variety] or [
        ("mixed", ["cmn", "yue", "en"]), ("cmn", ["cmn"]), ("yue", ["yue"])
    ]
    options = LMOptions(order=args.order, characters=args.characters)
    if args.characters:
        plans = [(f"{name}-chars", varieties) for name, varieties in plans]
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
    from asr.train.loop import EpochLog, TrainOptions, train

    options = TrainOptions(epochs=args.epochs, batch_seconds=args.batch_seconds, threads=args.threads,
                           seed=args.seed, chunk_ms=args.chunk_ms, d_model=args.d_model,
                           num_layers=args.layers, ffn_dim=4 * args.d_model,
                           learning_rate=args.learning_rate, init=args.init or "")

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

    bench = run(Path(args.model), seconds=args.seconds)
    if args.json:
        _print_json({k: round(v, 5) if isinstance(v, float) else v for k, v in asdict(bench).items()})
        return 0
    print(f"acoustic model {args.model}: {bench.parameters / 1e6:.1f} M parameters, "
          f"{bench.chunk_ms} ms chunks, {bench.audio_s:.0f} s of audio, one thread")
    print(f"  features RTF {bench.features_rtf:.4f}   encoder RTF {bench.encoder_rtf:.4f}")
    return 0


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
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--init", help="start from this model directory's weights (fine-tune)")
    p.set_defaults(func=cmd_train)

    p = bsub.add_parser("model", help="one-thread streaming RTF of features and encoder")
    p.add_argument("--model", default="models/default")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_model)

    p = sub.add_parser("coverage", help="coverage level of every registry row (DESIGN §4)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help="the README's supported-dialects table")
    p.set_defaults(func=cmd_coverage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
