"""`make install` builds lmplz and build_binary beside the venv's python; they and the
kenlm module must work together on a real (tiny) corpus."""

import subprocess
import sys
from pathlib import Path

import kenlm

BIN = Path(sys.executable).parent


def test_lmplz_and_build_binary_make_a_queryable_lm(tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    sentences = ["我 去 银行 取 钱", "我 去 医院 看 病", "他 去 银行 存 钱", "你 去 哪里"] * 5
    text.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    arpa = tmp_path / "lm.arpa"
    with text.open("rb") as stdin, arpa.open("wb") as stdout:
        subprocess.run(
            [str(BIN / "lmplz"), "-o", "3", "--discount_fallback", "-S", "10%", "-T", str(tmp_path)],
            stdin=stdin, stdout=stdout, check=True, capture_output=False, stderr=subprocess.DEVNULL,
        )
    binary = tmp_path / "lm.bin"
    subprocess.run([str(BIN / "build_binary"), str(arpa), str(binary)], check=True, capture_output=True)
    model = kenlm.Model(str(binary))
    assert model.order == 3
    assert model.score("我 去 银行 取 钱") > model.score("钱 取 银行 去 我")
