"""jieba's import-time deprecation warning must not reach users of `lexicon build`, `lm build` and `synth`."""
import subprocess
import sys


def run_with_warnings_as_errors(script: str) -> str:
    done = subprocess.run([sys.executable, "-W", "error", "-c", script],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
    return done.stdout.strip()


def test_jieba_segments_without_a_warning_even_where_warnings_are_errors() -> None:
    script = "from asr.jieba_quiet import quiet_jieba; print('/'.join(quiet_jieba().lcut('我们今天去北京')))"
    assert run_with_warnings_as_errors(script) == "我们/今天/去/北京"


def test_jiebas_bundled_dictionary_is_read_without_a_warning() -> None:
    script = ("from asr.lexicon_build.mandarin import jieba_frequencies; "
              "print(jieba_frequencies()['我们'] > 0)")
    assert run_with_warnings_as_errors(script) == "True"
