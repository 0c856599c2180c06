"""The training recipe on the committed fixtures: a tiny model learns, logs, plots,
exports a loadable model directory, and a stopped run resumes where it left off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from asr.front import EmformerFront
from asr.model import load_model
from asr.train.augment import mix_noise, spec_augment, speed_perturb
from asr.train.loop import COSINE_FLOOR, TrainOptions, train

FIXTURES = Path(__file__).parent / "fixtures" / "synth"
TINY = TrainOptions(epochs=3, batch_seconds=30, d_model=64, num_layers=2, ffn_dim=128, warmup_steps=5,
                    learning_rate=3e-3)


def test_tiny_model_learns_and_exports(built: list[str], tmp_path: Path) -> None:
    logs = train([FIXTURES], tmp_path / "m", TINY)
    assert [log.epoch for log in logs] == [1, 2, 3]
    assert logs[-1].train_loss < logs[0].train_loss
    for name in ("config.json", "model.safetensors", "units.txt", "cmvn.json", "training.png", "README.md"):
        assert (tmp_path / "m" / name).exists(), name
    assert len((tmp_path / "m" / "train_log.jsonl").read_text().splitlines()) == 3
    model = load_model(tmp_path / "m")
    assert model.config.dialects == ("cmn", "cmn-x-sichuan", "wuu-x-shanghai", "yue")


def test_a_stopped_run_resumes(built: list[str], tmp_path: Path) -> None:
    first = train([FIXTURES], tmp_path / "m", TrainOptions(**{**TINY.__dict__, "epochs": 1}))
    resumed = train([FIXTURES], tmp_path / "m", TINY)
    assert [log.epoch for log in resumed] == [1, 2, 3]
    assert resumed[0] == first[0]  # epoch 1 was not trained again
    state = json.loads((tmp_path / "m" / "config.json").read_text())
    assert state["num_layers"] == 2


def test_augmentations_keep_shapes_and_change_the_signal() -> None:
    generator = torch.Generator().manual_seed(0)
    audio = torch.randn(16000) * 0.1
    speeds = {len(speed_perturb(audio, generator)) for _ in range(12)}
    assert len(speeds) > 1
    noisy = [mix_noise(audio, audio.flip(0), generator) for _ in range(8)]
    assert all(len(n) == len(audio) for n in noisy) and any(not torch.equal(n, audio) for n in noisy)
    features = torch.randn(200, 80)
    torch.manual_seed(0)
    masked = spec_augment(features)
    assert masked.shape == features.shape and (masked == 0).any()


def test_fine_tuning_starts_from_an_earlier_model(built: list[str], tmp_path: Path) -> None:
    train([FIXTURES], tmp_path / "a", TrainOptions(**{**TINY.__dict__, "epochs": 1}))
    start = load_model(tmp_path / "a")
    tuned = TrainOptions(**{**TINY.__dict__, "epochs": 1, "init": str(tmp_path / "a"), "learning_rate": 1e-9})
    train([FIXTURES], tmp_path / "b", tuned)
    after = load_model(tmp_path / "b")
    for name, weight in start.state_dict().items():  # a near-zero learning rate keeps the start
        assert torch.allclose(weight, after.state_dict()[name], atol=1e-2), name
    card = (tmp_path / "b" / "README.md").read_text()
    assert f"--out {tmp_path / 'a'}" in card and f"--init {tmp_path / 'a'}" in card


def test_the_cosine_schedule_ends_at_its_floor(built: list[str], tmp_path: Path) -> None:
    options = TrainOptions(**{**TINY.__dict__, "epochs": 2, "schedule": "cosine", "time_mask_frames": 5})
    train([FIXTURES], tmp_path / "m", options)
    state = torch.load(tmp_path / "m" / "checkpoint.pt", weights_only=False)
    assert state["scheduler"]["_last_lr"][0] == pytest.approx(COSINE_FLOOR * options.learning_rate)
    card = (tmp_path / "m" / "README.md").read_text()
    assert "--schedule cosine --time-mask-frames 5" in card  # the card's command redoes this run


def test_an_unknown_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="schedule must be one of"):
        TrainOptions(schedule="linear")


def test_fine_tuning_with_pitch_and_local_context_widens_a_model_without_them(
    built: list[str], tmp_path: Path
) -> None:
    train([FIXTURES], tmp_path / "a", TrainOptions(**{**TINY.__dict__, "epochs": 1}))
    start_options = {**TINY.__dict__, "epochs": 1, "init": str(tmp_path / "a"), "learning_rate": 1e-9}
    with_pitch = TrainOptions(**{**start_options, "pitch": True, "relative_pitch": True, "local_frames": 3})
    train([FIXTURES], tmp_path / "b", with_pitch)
    start, after = load_model(tmp_path / "a"), load_model(tmp_path / "b")
    assert after.config.pitch and after.config.relative_pitch and len(after.cmvn.mean) == 82
    assert after.relative is not None  # its voicing weights read the CMVN the model keeps
    expected = [after.cmvn.mean[80], after.cmvn.std[80]]
    assert after.relative.voicing_cmvn.tolist() == pytest.approx(expected, rel=1e-3)  # fp16 weights
    assert after.cmvn.mean[:80] == start.cmvn.mean
    first = after.state_dict()["subsample.0.weight"]
    assert torch.allclose(first[:, :80], start.state_dict()["subsample.0.weight"], atol=1e-2)
    assert first.shape[1] == 83 and first[:, 80:].abs().max() < 1e-2  # the pitch inputs start at zero
    assert after.state_dict()["local.conv.weight"].abs().max() < 1e-2  # and so does the local context
    assert "--pitch --relative-pitch --local-frames 3" in (tmp_path / "b" / "README.md").read_text()
    without = TrainOptions(**{**TINY.__dict__, "epochs": 1, "init": str(tmp_path / "b")})
    with pytest.raises(ValueError, match="keeps its pitch inputs"):
        train([FIXTURES], tmp_path / "c", without)


def test_fine_tuning_with_two_ctc_slots_starts_each_as_the_one(built: list[str], tmp_path: Path) -> None:
    train([FIXTURES], tmp_path / "a", TrainOptions(**{**TINY.__dict__, "epochs": 1}))
    slots = TrainOptions(**{**TINY.__dict__, "epochs": 1, "init": str(tmp_path / "a"), "learning_rate": 1e-9,
                            "ctc_slots": 2})
    train([FIXTURES], tmp_path / "b", slots)
    start, after = load_model(tmp_path / "a"), load_model(tmp_path / "b")
    units, weight = len(start.config.units), after.state_dict()["ctc.weight"]
    assert after.config.ctc_slots == 2 and weight.shape[0] == 2 * units
    assert torch.allclose(weight[:units], start.state_dict()["ctc.weight"], atol=1e-2)
    assert torch.allclose(weight[units:], start.state_dict()["ctc.weight"], atol=1e-2)
    assert EmformerFront(after).info.frame_shift_ms == 20  # word times follow the outputs
    assert "--ctc-slots 2" in (tmp_path / "b" / "README.md").read_text()
    assert "2 CTC outputs per 40 ms frame" in (tmp_path / "b" / "README.md").read_text()


def test_a_moving_average_of_the_weights_is_exported_and_survives_a_resume(
    built: list[str], tmp_path: Path
) -> None:
    plain = TrainOptions(**{**TINY.__dict__, "epochs": 2})
    averaged = TrainOptions(**{**TINY.__dict__, "epochs": 2, "ema_decay": 0.5})
    for options, out in ((plain, tmp_path / "plain"), (averaged, tmp_path / "ema")):
        train([FIXTURES], out, TrainOptions(**{**options.__dict__, "epochs": 1}))
        train([FIXTURES], out, options)  # resumes for epoch 2
    state = torch.load(tmp_path / "ema" / "checkpoint.pt", weights_only=False)
    assert int(state["ema"]["n_averaged"]) == state["step"]  # the average went on across the resume
    plain_state = torch.load(tmp_path / "plain" / "checkpoint.pt", weights_only=False)
    exported = load_model(tmp_path / "ema").state_dict()
    moved = 0
    for name, weight in exported.items():
        average = state["ema"][f"module.{name}"]
        assert torch.allclose(weight, average, atol=1e-3), name  # fp16 export of the average
        assert torch.allclose(plain_state["model"][name], state["model"][name], atol=1e-5), name  # training
        moved += int(not torch.allclose(average, state["model"][name], atol=1e-4))
    assert moved > len(exported) // 2  # the average is not the last step's weights
    assert "--ema-decay 0.5" in (tmp_path / "ema" / "README.md").read_text()


def test_a_moving_average_decay_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="ema_decay must be in"):
        TrainOptions(ema_decay=1.0)
