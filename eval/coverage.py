"""Coverage toward the 333: each registry row's level (DESIGN §4), measured from what
exists, never typed in. A row's level is its own variety's: nothing is inherited from
a sibling, and a group-level figure (KeSpeech's "Southwestern") credits no row.

Level 1 — the decoder can emit the row's variety: a built lexicon for it with no unit
outside the inventory, and LM text assigned to it that the lexicon reads (at least
MIN_TEXT_COVERAGE of the Han characters in a sample of that text are lexicon words).
Level 2 — level 1, and acoustic training data exists for the variety: a word of it in
a training manifest given (`--training`), or a dialect-head class of the model (its
config.json lists the dialects it was trained on).
Level 3 — level 2, and a held-out synthetic set (label_kind synthetic or
synthetic-approx in an eval's results.json, `--results`) measured its CER ≤ 15 %.
Level 4 — level 2, and real human speech (label_kind human) measured CER ≤ 25 %; real
speech is the stronger evidence, so it does not need level 3 first.
A measurement needs at least MIN_MEASURED_UTTERANCES utterances of the variety; where
several results measure it, the lowest CER counts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from asr.dialects import Target, load_registry
from asr.lexicon import built_varieties, read_lexicon
from asr.lexicon_build.ngungu_points import points
from asr.lm_text import text_source
from asr.units import outside_inventory

MIN_TEXT_COVERAGE = 0.90
TEXT_SAMPLE_SENTENCES = 2000
MAX_SYNTHETIC_CER = 0.15
MAX_HUMAN_CER = 0.25
MIN_MEASURED_UTTERANCES = 10
SYNTHETIC_KINDS = ("synthetic", "synthetic-approx")


@dataclass(frozen=True)
class VarietyEvidence:
    variety: str
    lexicon_entries: int
    units_outside_inventory: int
    text_source: str | None
    text_coverage: float | None
    level: int
    reason: str


@dataclass(frozen=True)
class Measurement:
    cer: float
    n: int
    results: str  # the results folder that measured it


@dataclass(frozen=True)
class AcousticEvidence:
    """What levels 2–4 rest on: training data per variety, measured CER per variety."""

    training: dict[str, str] = field(default_factory=dict)  # variety → where its data is
    synthetic: dict[str, Measurement] = field(default_factory=dict)
    human: dict[str, Measurement] = field(default_factory=dict)


def training_from_model(model_dir: Path) -> dict[str, str]:
    """The dialects a model's dialect head was trained on (none for a model without one)."""
    config = model_dir / "config.json"
    if not config.exists():
        return {}
    dialects = json.loads(config.read_text(encoding="utf-8")).get("dialects") or []
    return {d: f"model {model_dir}" for d in dialects}


def training_from_manifests(paths: list[Path]) -> dict[str, str]:
    """Every word dialect (or row variety) of the training rows of these manifests."""
    from eval.readers import read_corpus

    found: dict[str, str] = {}
    for path in paths:
        for row in read_corpus(path):
            if row.split in ("train", ""):
                for variety in {row.variety, *(w.dialect for w in row.words)} - {""}:
                    found.setdefault(variety, f"training manifest {path}")
    return found


def _pooled(blocks: list[dict[str, Any]]) -> tuple[float, int] | None:
    chars = sum(int(b.get("chars") or 0) for b in blocks)
    errors = sum(int(b.get("char_errors") or 0) for b in blocks)
    return (errors / chars, sum(int(b["n"]) for b in blocks)) if chars else None


def measurements_from_results(folders: list[Path]) -> tuple[dict[str, Measurement], dict[str, Measurement]]:
    """(synthetic, human) CER per variety from `xiangyin eval` results.json files."""
    synthetic: dict[str, Measurement] = {}
    human: dict[str, Measurement] = {}
    for folder in folders:
        path = folder / "results.json" if folder.is_dir() else folder
        by_kind = json.loads(path.read_text(encoding="utf-8")).get("per_label_kind", {})
        varieties = {v for kind in by_kind.values() for v in kind.get("per_variety", {})}
        for variety in varieties:
            for kinds, target in ((SYNTHETIC_KINDS, synthetic), (("human",), human)):
                blocks = [by_kind[k]["per_variety"][variety] for k in kinds
                          if variety in by_kind.get(k, {}).get("per_variety", {})]
                pooled = _pooled(blocks)
                if pooled and pooled[1] >= MIN_MEASURED_UTTERANCES and (
                    variety not in target or pooled[0] < target[variety].cer
                ):
                    target[variety] = Measurement(round(pooled[0], 4), pooled[1], str(folder))
    return synthetic, human


def with_acoustic(evidence: VarietyEvidence, acoustic: AcousticEvidence) -> VarietyEvidence:
    """Levels 2–4 on top of a variety's level 0–1 evidence."""
    variety = evidence.variety
    if evidence.level < 1 or variety not in acoustic.training:
        return evidence
    reasons = [evidence.reason, f"training data ({acoustic.training[variety]})"]
    level = 2
    synthetic, human = acoustic.synthetic.get(variety), acoustic.human.get(variety)
    if synthetic:
        passed = synthetic.cer <= MAX_SYNTHETIC_CER
        level = 3 if passed else level
        reasons.append(f"synthetic CER {synthetic.cer:.1%} {'≤' if passed else '>'} "
                       f"{MAX_SYNTHETIC_CER:.0%} (n={synthetic.n})")
    if human:
        passed = human.cer <= MAX_HUMAN_CER
        level = 4 if passed else level
        reasons.append(f"human speech CER {human.cer:.1%} {'≤' if passed else '>'} "
                       f"{MAX_HUMAN_CER:.0%} (n={human.n})")
    return replace(evidence, level=level, reason="; ".join(reasons))


@dataclass(frozen=True)
class RowCoverage:
    target: Target
    level: int
    reason: str


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[RowCoverage, ...]
    varieties: tuple[VarietyEvidence, ...]
    levels: dict[int, int] = field(default_factory=dict)
    acoustic: AcousticEvidence = field(default_factory=AcousticEvidence)

    def totals_by(self, key: str) -> dict[str, dict[int, int]]:
        """Rows per level, grouped by a Target attribute (group, province)."""
        totals: dict[str, Counter[int]] = {}
        for row in self.rows:
            totals.setdefault(str(getattr(row.target, key)), Counter())[row.level] += 1
        return {k: dict(sorted(v.items())) for k, v in sorted(totals.items())}

    def as_json(self) -> dict[str, object]:
        return {
            "levels": {str(level): n for level, n in sorted(self.levels.items())},
            "by_group": self.totals_by("group"),
            "by_province": self.totals_by("province"),
            "varieties": [vars(v) for v in self.varieties],
            "training": self.acoustic.training,
            "measured": {
                "synthetic": {v: vars(m) for v, m in sorted(self.acoustic.synthetic.items())},
                "human": {v: vars(m) for v, m in sorted(self.acoustic.human.items())},
            },
            "rows": [
                {
                    "adcode": r.target.adcode,
                    "name": r.target.name,
                    "in_333": r.target.in_333,
                    "variety": r.target.variety,
                    "level": r.level,
                    "reason": r.reason,
                }
                for r in self.rows
            ],
        }


@cache
def _text_sample(source_name: str) -> tuple[str, ...]:
    from asr.lm_text import SOURCES

    sentences = islice(SOURCES[source_name].sentences(), TEXT_SAMPLE_SENTENCES)
    return tuple(ch for words in sentences for w in words for ch in w if "\u4e00" <= ch <= "\u9fff")


def variety_evidence(variety: str) -> VarietyEvidence:
    if variety not in built_varieties():
        return VarietyEvidence(variety, 0, 0, None, None, 0, "no lexicon")
    entries = 0
    outside = 0
    chars: set[str] = set()
    for e in read_lexicon(variety):
        entries += 1
        outside += len(outside_inventory(e.units))
        chars.update(e.word)
    source = text_source(variety)
    if outside or not entries:
        reason = "empty lexicon" if not entries else "lexicon has units outside the inventory"
        return VarietyEvidence(variety, entries, outside, None, None, 0, reason)
    if source is None:
        return VarietyEvidence(variety, entries, outside, None, None, 0, "lexicon but no LM text")
    sample = _text_sample(source.name)
    share = sum(1 for ch in sample if ch in chars) / len(sample) if sample else 0.0
    if share < MIN_TEXT_COVERAGE:
        reason = f"lexicon reads only {share:.1%} of {source.name} text"
        return VarietyEvidence(variety, entries, outside, source.name, share, 0, reason)
    reason = f"lexicon ({entries} entries) + {source.name} text ({share:.1%} read)"
    return VarietyEvidence(variety, entries, outside, source.name, share, 1, reason)


def compute_coverage(
    targets: tuple[Target, ...] | None = None, acoustic: AcousticEvidence | None = None
) -> CoverageReport:
    targets = targets if targets is not None else load_registry()
    acoustic = acoustic or AcousticEvidence()
    evidence = {v: with_acoustic(variety_evidence(v), acoustic) for v in sorted({t.variety for t in targets})}
    rows = tuple(RowCoverage(t, evidence[t.variety].level, evidence[t.variety].reason) for t in targets)
    levels = Counter(r.level for r in rows)
    for level in range(5):
        levels.setdefault(level, 0)
    return CoverageReport(rows, tuple(evidence.values()), dict(levels), acoustic)


def markdown_table(report: CoverageReport) -> str:
    """The README's supported-dialects table: every variety with a lexicon, and the
    registry rows whose seat speaks it."""
    rows_by_variety: dict[str, list[Target]] = {}
    for row in report.rows:
        rows_by_variety.setdefault(row.target.variety, []).append(row.target)
    lines = [
        "| variety | level | lexicon entries | registry rows (seats) | group / subgroup |",
        "|---|---|---|---|---|",
    ]
    places = {p.variety: p.place for p in points()}
    measured = {v.variety: v for v in report.varieties}
    for variety in built_varieties():
        evidence = measured.get(variety) or with_acoustic(variety_evidence(variety), report.acoustic)
        seats = rows_by_variety.get(variety, [])
        point = f"— (point {places[variety]}, not a seat)" if variety in places else "— (no registry row)"
        names = "、".join(t.name for t in seats) or point
        groups = "; ".join(sorted({f"{t.group} {t.subgroup}".strip() for t in seats})) or "—"
        entries = f"{evidence.lexicon_entries:,}"
        lines.append(f"| `{variety}` | {evidence.level} | {entries} | {names} | {groups} |")
    totals = ", ".join(f"level {k}: {v}" for k, v in sorted(report.levels.items()))
    lines.append("")
    lines.append(f"Registry rows by coverage level ({len(report.rows)} rows): {totals}.")
    return "\n".join(lines)
