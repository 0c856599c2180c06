"""Coverage on one page: the map of the 337 seats coloured by level (registry
coordinates, no basemap: the seats themselves outline the country), totals per level,
group and province, and the dated history of the totals (JSONL, one line per run)."""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from eval.coverage import CoverageReport

LEVEL_COLOURS = {0: "#c8c8c8", 1: "#4c72b0", 2: "#55a868", 3: "#dd8452", 4: "#c44e52"}
LEVEL_NAMES = {0: "nothing", 1: "lexicon + LM text", 2: "acoustic training data",
               3: "synthetic CER ≤ 15 %", 4: "human speech CER ≤ 25 %"}


def map_figure(report: CoverageReport) -> Figure:
    figure = Figure(figsize=(8, 6.4))
    ax = figure.subplots()
    for level, colour in LEVEL_COLOURS.items():
        rows = [r for r in report.rows if r.level == level]  # empty levels stay in the legend
        ax.scatter([r.target.lon for r in rows], [r.target.lat for r in rows], s=40 if level else 18,
                   c=colour, edgecolors="#333333", linewidths=0.3, zorder=2 + level,
                   label=f"level {level}: {LEVEL_NAMES[level]} ({len(rows)})")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / np.cos(np.radians(35)))  # equirectangular, true at 35°N
    ax.set_title(f"Coverage of the {len(report.rows)} registry seats (333 prefectures + 4 municipalities)")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    return figure


def append_history(path: Path, report: CoverageReport, inputs: dict[str, object]) -> list[dict[str, Any]]:
    """Add today's totals to the history file; return every line."""
    line = {"date": datetime.date.today().isoformat(),
            "levels": {str(k): v for k, v in sorted(report.levels.items())}, **inputs}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
    with path.open(encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


def history_figure(history: list[dict[str, Any]]) -> Figure:
    """Rows at or above each level, per dated line."""
    figure = Figure(figsize=(7, 3.6))
    ax = figure.subplots()
    for level in range(1, 5):
        at_least = [sum(n for k, n in h["levels"].items() if int(k) >= level) for h in history]
        ax.plot(range(len(history)), at_least, marker="o", color=LEVEL_COLOURS[level],
                label=f"level ≥ {level}")
    ax.set_xticks(range(len(history)), [str(h["date"]) for h in history])
    ax.set_ylabel("registry rows")
    ax.set_title("Coverage history")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    figure.autofmt_xdate()
    return figure


def _png(figure: Figure, path: Path) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    path.write_bytes(buffer.getvalue())
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(title: str, totals: dict[str, dict[int, int]]) -> str:
    head = "".join(f"<th>L{k}</th>" for k in range(5))
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>" + "".join(f"<td>{levels.get(k, 0)}</td>" for k in range(5))
        + "</tr>"
        for name, levels in totals.items()
    )
    return f"<h2>{title}</h2><table><tr><th></th>{head}</tr>{body}</table>"


def write_outputs(out: Path, report: CoverageReport, history: list[dict[str, Any]] | None) -> None:
    """coverage.json, coverage_map.png, coverage_history.png (with a history) and a
    self-contained coverage.html with both plots."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "coverage.json").write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    images = [("Map", _png(map_figure(report), out / "coverage_map.png"))]
    if history:
        images.append(("History", _png(history_figure(history), out / "coverage_history.png")))
    totals = ", ".join(f"level {k}: {v}" for k, v in sorted(report.levels.items()))
    varieties = "".join(
        f"<tr><td>{html.escape(v.variety)}</td><td>{v.level}</td><td>{html.escape(v.reason)}</td></tr>"
        for v in report.varieties if v.level
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>xiangyin coverage</title><style>"
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px}img{max-width:100%}</style></head><body>",
        f"<h1>Coverage toward the 333</h1><p>{len(report.rows)} registry rows — {totals}.</p>",
        *(f"<h2>{t}</h2><img alt='{t}' src='data:image/png;base64,{b}'>" for t, b in images),
        f"<h2>Varieties above level 0</h2><table><tr><th>variety</th><th>level</th><th>evidence</th></tr>"
        f"{varieties}</table>",
        _table("By group", report.totals_by("group")),
        _table("By province", report.totals_by("province")),
        "</body></html>",
    ]
    (out / "coverage.html").write_text("\n".join(parts), encoding="utf-8")
