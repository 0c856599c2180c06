"""`xiangyin <command>`: subcommands import their module only when run, so each starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


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
