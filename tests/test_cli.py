"""The machine-readable contract of the `xiangyin` command, run as a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

XIANGYIN = Path(sys.executable).parent / "xiangyin"


def run(*args: str) -> str:
    done = subprocess.run([str(XIANGYIN), *args], check=True, capture_output=True, text=True)
    return done.stdout


def test_dialects_json_contract() -> None:
    rows = json.loads(run("dialects", "--json"))
    assert len(rows) == 337
    keys = {"adcode", "name", "province", "in_333", "group", "subgroup", "cluster",
            "iso639_3", "variety", "glottocode", "lat", "lon"}
    assert all(keys <= row.keys() for row in rows)


def test_dialects_filters() -> None:
    rows = json.loads(run("dialects", "--province", "广东", "--group", "粤语", "--json"))
    assert rows and all(r["province"] == "广东省" and r["group"] == "粤语" for r in rows)
    assert "440100" in run("dialects", "--province", "广东")


def test_lexicon_check_json_contract(built: list[str]) -> None:
    stats = json.loads(run("lexicon", "check", "--json"))
    assert set(stats) == set(built)
    for s in stats.values():
        assert {"entries", "top3500_coverage", "units_outside_inventory"} <= s.keys()
        assert 0 <= s["top3500_coverage"] <= 1
        assert s["units_outside_inventory"] == 0


def test_coverage_json_contract_and_level_one_rows(built: list[str]) -> None:
    report = json.loads(run("coverage", "--json"))
    assert sum(report["levels"].values()) == 337
    assert len(report["rows"]) == 337
    assert all({"adcode", "level", "variety"} <= r.keys() for r in report["rows"])
    covered = [r for r in report["rows"] if r["level"] >= 1]
    assert len(covered) >= 15
    assert {r["variety"] for r in covered} >= {"cmn", "yue", "cmn-x-sichuan", "wuu-x-shanghai"}
    assert sum(1 for r in report["rows"] if r["level"] >= 1) == sum(
        n for level, n in report["levels"].items() if int(level) >= 1
    )


def test_unknown_variety_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(XIANGYIN), "lexicon", "build", "xx-x-nowhere"], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "no lexicon source for variety 'xx-x-nowhere'" in done.stderr
