"""The README's supported-dialects table is generated, never hand-edited."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_matches_the_generated_one(built: list[str]) -> None:
    xiangyin = Path(sys.executable).parent / "xiangyin"
    generated = subprocess.run(
        [str(xiangyin), "coverage", "--markdown"], check=True, capture_output=True, text=True
    ).stdout.strip()
    match = re.search(
        r"<!-- supported-dialects:start -->\n(.*?)\n<!-- supported-dialects:end -->",
        README.read_text(encoding="utf-8"),
        re.S,
    )
    assert match, "README lost its supported-dialects markers"
    assert match.group(1).strip() == generated, "regenerate with `xiangyin coverage --markdown`"


def test_readme_names_the_test_command_that_ci_runs() -> None:
    assert "make test" in README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
