"""`xiangyin bench rtf` and `bench startup` at tiny sizes: each prints its JSON contract."""

from __future__ import annotations

import json

import pytest

from xiangyin.cli import main

SMALL = ("--dialects", "cmn-x-sichuan", "--lm", "")


def test_rtf_prints_the_factor_and_its_stages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "rtf", "--seconds", "2", *SMALL, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["rtf"] < 1
    assert set(data["stages"]) == {"features", "encoder", "decoder", "glue"}
    assert sum(data["stages"].values()) == pytest.approx(data["rtf"], abs=1e-4)
    assert data["audio_s"] == 2.0


def test_startup_prints_seconds_to_serving(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "startup", "--repeat", "1", *SMALL, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["seconds_to_serving"] < 60
    assert len(data["runs"]) == 1 and len(data["cpu_seconds"]) == 1
