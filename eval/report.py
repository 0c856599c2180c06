"""report.md and report.html from results.json: the same tables in both; the HTML is
self-contained (its plots are PNGs embedded as base64), so it can be mailed or attached."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from eval.metrics import Timing

COLUMNS = ("group", "n", "audio s", "CER [95 % CI]", "WER [95 % CI]", "MER [95 % CI]",
           "greedy UER [95 % CI]",
           "dialect ID utt.", "dialect ID word", "RTF", "first partial p50 ms", "final p95 ms")
GROUPS = (("per_dialect", "Per dialect"), ("per_variety", "Per variety"),
          ("per_channel", "Per channel"), ("per_mix", "Code-switched utterances, by dialect mix"))


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _rate(summary: Mapping[str, Any], name: str) -> str:
    if summary.get(name) is None:
        return "—"
    low, high = summary[f"{name}_ci"]
    return f"{_pct(summary[name])} [{100 * low:.1f}–{100 * high:.1f}]"


def _number(value: Any, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def _row(name: str, s: Mapping[str, Any]) -> list[str]:
    return [
        name, str(s["n"]), _number(s.get("audio_s"), ".0f"), _rate(s, "cer"), _rate(s, "wer"),
        _rate(s, "mer"), _rate(s, "uer"), _pct(s["dialect_id_acc"]), _pct(s.get("word_dialect_acc")),
        _number(s["rtf"], ".4f"), _number(s["first_partial_ms_p50"], ".0f"),
        _number(s["final_ms_p95"], ".0f"),
    ]


def tables(report: Mapping[str, Any]) -> list[tuple[str, list[list[str]]]]:
    out = [("Overall", [_row("all", report["overall"])])]
    for key, title in GROUPS:
        if key == "per_variety" and report.get(key) == report["per_dialect"]:
            continue  # every row's variety is its dialect (synthetic sets): one table says it
        if report.get(key):
            out.append((title, [_row(k, v) for k, v in report[key].items()]))
    return out


def _header(report: Mapping[str, Any]) -> list[str]:
    run = report["run"]
    overall = report["overall"]
    return [
        f"{run.get('mode')} run of `{run.get('model') or run.get('server')}` on "
        f"{', '.join(map(str, run.get('manifests', [])))}",
        f"{overall['n']} utterances, {overall.get('audio_s', 0):.0f} s of audio, "
        f"evaluated in {run.get('wall_s')} s (model load {run.get('load_s', '—')} s) on {run.get('date')}; "
        f"normalisation "
        f"{'on' if run.get('normalize') else 'off'}, "
        f"dialect hints {'on' if run.get('dialect_hints') else 'off'}",
        "CER: Chinese characters; WER: English words; MER: both as tokens (code-switching); "
        "greedy UER: the acoustic model's best units against the units a synthetic corpus records. "
        "Intervals: 95 % bootstrap over utterances.",
    ]


def _samples(utterances: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[str(u["id"]), str(u["dialect"]), str(u["reference"]), str(u["hypothesis"]),
             str(u["hypothesis_dialect"])] for u in utterances]


SAMPLE_COLUMNS = ("id", "dialect", "reference", "hypothesis", "heard as")


def _md_table(columns: Sequence[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def write_markdown(path: Path, report: Mapping[str, Any], utterances: Sequence[Mapping[str, Any]]) -> None:
    parts = ["# xiangyin evaluation", "", *(f"{line}  " for line in _header(report)), ""]
    for title, rows in tables(report):
        parts += [f"## {title}", "", _md_table(COLUMNS, rows), ""]
    parts += ["## First utterances", "", _md_table(SAMPLE_COLUMNS, _samples(utterances)), ""]
    path.write_text("\n".join(parts), encoding="utf-8")


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def cer_plot(report: Mapping[str, Any]) -> str | None:
    """CER per dialect with its 95 % interval as error bars (base64 PNG)."""
    groups = [(k, v) for k, v in report["per_dialect"].items() if v["cer"] is not None]
    if not groups:
        return None
    names = [k for k, _ in groups]
    values = np.array([100 * v["cer"] for _, v in groups])
    low = np.array([100 * v["cer_ci"][0] for _, v in groups])
    high = np.array([100 * v["cer_ci"][1] for _, v in groups])
    figure = Figure(figsize=(max(4.0, 0.9 * len(names) + 2), 3.6))
    ax = figure.subplots()
    # plain lists: matplotlib reads a one-bar 2×1 array through a deprecated array-to-scalar cast
    errors = [(values - low).tolist(), (high - values).tolist()]
    ax.bar(names, values, color="#4c72b0", yerr=errors, capsize=4)
    for i, (_, v) in enumerate(groups):
        ax.annotate(f"n={v['n']}", (i, 0), ha="center", va="bottom", fontsize=8, color="white")
    ax.axhline(15, color="#c44e52", linestyle="--", linewidth=1, label="level 3 threshold (15 %)")
    ax.set_ylabel("CER (%)")
    ax.set_title("Character error rate per dialect, 95 % bootstrap interval")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=30)
    return _png(figure)


def latency_cdf(timings: Sequence[Timing]) -> str | None:
    """Cumulative distribution of first-partial and final latencies (online mode only)."""
    first = [t.first_partial_ms for t in timings if t.first_partial_ms is not None]
    final = [t.final_ms for t in timings if t.final_ms is not None]
    series = {"first partial after audio began": first, "final after audio ended": final}
    if not any(series.values()):
        return None
    figure = Figure(figsize=(6, 3.6))
    ax = figure.subplots()
    for label, values in series.items():
        if values:
            x = np.sort(np.asarray(values))
            ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", label=label)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("share of utterances")
    ax.set_title("Latency CDF")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(figure)


def _html_table(columns: Sequence[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}img{max-width:100%}"""


def write_html(
    path: Path, report: Mapping[str, Any], utterances: Sequence[Mapping[str, Any]], timings: Sequence[Timing]
) -> None:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>xiangyin evaluation</title>"
             f"<style>{STYLE}</style></head><body><h1>xiangyin evaluation</h1>"]
    parts += [f"<p>{html.escape(line.replace('`', ''))}</p>" for line in _header(report)]
    for title, image in (("CER per dialect", cer_plot(report)), ("Latency", latency_cdf(timings))):
        if image:
            parts.append(f"<h2>{title}</h2><img alt='{title}' src='data:image/png;base64,{image}'>")
    for title, rows in tables(report):
        parts.append(f"<h2>{html.escape(title)}</h2>{_html_table(COLUMNS, rows)}")
    parts.append(f"<h2>First utterances</h2>{_html_table(SAMPLE_COLUMNS, _samples(utterances))}")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
