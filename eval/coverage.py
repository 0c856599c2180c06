"""Coverage toward the 333: each registry row's level (DESIGN §4), measured from what
exists, never typed in.

Level 1 — the decoder can emit the row's variety: a built lexicon for it with no unit
outside the inventory, and LM text assigned to it that the lexicon reads (at least
MIN_TEXT_COVERAGE of the Han characters in a sample of that text are lexicon words).
Levels 2–4 need training data and measured accuracy; until those exist no row can
reach them, and this module says so instead of guessing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from itertools import islice

from asr.dialects import Target, load_registry
from asr.lexicon import built_varieties, read_lexicon
from asr.lexicon_build.ngungu_points import points
from asr.lm_text import text_source
from asr.units import outside_inventory

MIN_TEXT_COVERAGE = 0.90
TEXT_SAMPLE_SENTENCES = 2000


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
class RowCoverage:
    target: Target
    level: int
    reason: str


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[RowCoverage, ...]
    varieties: tuple[VarietyEvidence, ...]
    levels: dict[int, int] = field(default_factory=dict)

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


def compute_coverage(targets: tuple[Target, ...] | None = None) -> CoverageReport:
    targets = targets if targets is not None else load_registry()
    evidence = {v: variety_evidence(v) for v in sorted({t.variety for t in targets})}
    rows = tuple(RowCoverage(t, evidence[t.variety].level, evidence[t.variety].reason) for t in targets)
    levels = Counter(r.level for r in rows)
    for level in range(5):
        levels.setdefault(level, 0)
    return CoverageReport(rows, tuple(evidence.values()), dict(levels))


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
        evidence = measured.get(variety) or variety_evidence(variety)
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
