"""The README's performance table is generated from the committed benchmark results
(`xiangyin bench table`), so every figure there names the command that produced it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from eval.bench.report import performance_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_performance_table_matches_the_results() -> None:
    match = re.search(r"<!-- performance:start -->\n(.*?)\n<!-- performance:end -->",
                      README.read_text(encoding="utf-8"), re.S)
    assert match, "README lost its performance markers"
    assert match.group(1).strip() == performance_table(), "regenerate with `xiangyin bench table`"


def test_each_row_names_its_command_and_verdict(tmp_path: Path) -> None:
    conditions = {"cores": 2, "load_average_1m": 0.4, "background": []}
    (tmp_path / "startup.json").write_text(json.dumps({
        "seconds_to_serving": 2.5, "runs": [2.5], "cpu_seconds": [2.4],
        "command": "xiangyin bench startup --out X", "conditions": conditions}))
    (tmp_path / "rtf.json").write_text(json.dumps({
        "rtf": 0.07, "stages": {"features": 0.01, "encoder": 0.05, "decoder": 0.01, "glue": 0.0},
        "command": "xiangyin bench rtf", "conditions": conditions}))
    table = performance_table(tmp_path).splitlines()
    assert len(table) == 4
    assert "2.50 s" in table[3] and "| yes |" in table[3] and "`xiangyin bench startup --out X`" in table[3]
    assert "0.0700" in table[2] and "| **no** |" in table[2]
