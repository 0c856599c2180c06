"""jieba's import-time deprecation warning must not reach users of `lm build` and `synth`."""
import subprocess
import sys


def test_jieba_segments_without_a_warning_even_where_warnings_are_errors() -> None:
    script = "from asr.jieba_quiet import quiet_jieba; print('/'.join(quiet_jieba().lcut('我们今天去北京')))"
    done = subprocess.run([sys.executable, "-W", "error", "-c", script],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "我们/今天/去/北京"
    assert "Warning" not in done.stderr
