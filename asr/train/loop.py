"""`xiangyin train`: CTC + dialect-ID training of the streaming model, resumable.

The output units are every unit of every built lexicon (so any dialect's lexicon can
decode the model), CMVN is estimated on the training audio, the learning rate warms up
linearly then decays as 1/sqrt(step) or by a cosine. After every epoch: a checkpoint (a killed run
resumes from the last one), a log line with loss and greedy unit error rate on the test
split, and a PNG of both curves. CPU by default; CUDA when present. The exported model
directory stores fp16 weights (the checkpoint keeps fp32 for resuming): the trained ones, or
with `ema_decay` an exponential moving average of them over the steps.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import torch
import torchaudio.functional as AF
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from asr.ctc_path import collapsed
from asr.decoder import default_tokens
from asr.features import Cmvn, fbank
from asr.lexicon import built_varieties, read_lexicon
from asr.model import AcousticModel, ModelConfig, load_model, pad_to_segments, save_model, widened
from asr.train.augment import TIME_MASK_FRAMES, mix_noise, spec_augment, speed_perturb
from asr.train.data import Example, load_examples, manifest_dialects

DIALECT_LOSS_WEIGHT = 0.2
SCHEDULES = ("inverse-sqrt", "cosine")
COSINE_FLOOR = 0.05  # the cosine schedule's last rate, as a fraction of the peak
FFN_PER_D_MODEL = 4  # feed-forward width per model dimension unless `train --ffn-dim` says


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 20
    batch_seconds: float = 60.0  # audio per batch
    learning_rate: float = 1e-3
    warmup_steps: int = 300
    seed: int = 1
    threads: int = 2
    d_model: int = 256
    num_layers: int = 10
    ffn_dim: int = 1024
    chunk_ms: int = 320
    lookahead_ms: int = 160
    init: str = ""  # a model directory to start from (same units and dialects) instead of random weights
    schedule: str = "inverse-sqrt"  # after warm-up: 1/sqrt(step), or "cosine" to 5 % over all epochs
    time_mask_frames: int = TIME_MASK_FRAMES  # SpecAugment's longest time mask (10 ms frames)
    pitch: bool = False  # add voicing and log F0 to the features (asr.pitch); --init may lack them
    local_frames: int = 0  # causal local-context convolution (asr.model); --init may lack it
    relative_pitch: bool = False  # log F0 against the voice's mean (asr.relative_pitch); --init may lack it
    ctc_slots: int = 1  # CTC outputs per 40 ms frame (asr.model); an --init model of one slot is copied
    ema_decay: float = 0.0  # evaluate and export a moving average of the weights (0: the weights as trained)

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {self.schedule!r}")
        if not 0 <= self.ema_decay < 1:
            raise ValueError(f"ema_decay must be in [0, 1), got {self.ema_decay}")


@dataclass(frozen=True)
class EpochLog:
    epoch: int
    steps: int
    train_loss: float
    test_unit_error_rate: float
    test_dialect_accuracy: float
    seconds: float


def model_units() -> tuple[str, ...]:
    return tuple(default_tokens(e for v in built_varieties() for e in read_lexicon(v)))


def features_of(
    example: Example, model: AcousticModel, generator: torch.Generator | None, others: list[Example],
    time_mask_frames: int = TIME_MASK_FRAMES,
) -> torch.Tensor:
    audio = example.audio
    if generator is not None:
        audio = speed_perturb(audio, generator)
        other = others[int(torch.randint(len(others), (1,), generator=generator))].audio
        audio = mix_noise(audio, other, generator)
    features = model.cmvn.apply(fbank(audio, model.config.features))
    return spec_augment(features, time_mask_frames) if generator is not None else features


def batches(examples: list[Example], seconds: float, rng: random.Random) -> list[list[Example]]:
    """Length-sorted buckets of about `seconds` of audio, in random order."""
    ordered = sorted(examples, key=lambda e: len(e.audio))
    out: list[list[Example]] = [[]]
    for e in ordered:
        if out[-1] and sum(len(x.audio) for x in out[-1] + [e]) / 16000 > seconds:
            out.append([])
        out[-1].append(e)
    rng.shuffle(out)
    return [b for b in out if b]


def collate(features: list[torch.Tensor], config: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    padded = [pad_to_segments(f, config) for f in features]
    longest = max(len(p) for p in padded)
    batch = torch.stack([torch.nn.functional.pad(p, (0, 0, 0, longest - len(p))) for p in padded])
    return batch, torch.tensor([len(f) for f in features])


def evaluate(model: AcousticModel, examples: list[Example], device: torch.device) -> tuple[float, float]:
    """Greedy unit error rate and utterance dialect accuracy."""
    model.eval()
    errors = total = correct = 0
    with torch.no_grad():
        for e in examples:
            features = features_of(e, model, None, [])
            batch, lengths = collate([features], model.config)
            units, dialects, frames = model(batch.to(device), lengths.to(device))
            best = units[0, : int(frames[0])].argmax(-1).tolist()
            errors += AF.edit_distance(e.targets.tolist(), collapsed(best))
            total += len(e.targets)
            correct += int(dialects[0, : int(frames[0])].mean(0).argmax()) == e.dialect
    model.train()
    return errors / max(1, total), correct / max(1, len(examples))


def train(
    data: list[Path], out: Path, options: TrainOptions, on_epoch: Callable[[EpochLog], None] | None = None
) -> list[EpochLog]:
    torch.set_num_threads(options.threads)
    torch.manual_seed(options.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    start = load_model(Path(options.init)) if options.init else None
    # a fine-tuned model keeps the dialects it knew, even those this data lacks
    dialects = tuple(sorted({*manifest_dialects(data), *(start.config.dialects if start else ())}))
    examples = load_examples(data, model_units(), dialects)
    train_set = [e for e in examples if e.split == "train"]
    test_set = [e for e in examples if e.split == "test"]
    if not train_set or not test_set:
        raise ValueError("training needs manifests with both train and test utterances")
    out.mkdir(parents=True, exist_ok=True)
    checkpoint_path = out / "checkpoint.pt"
    config = ModelConfig(
        model_units(), dialects, d_model=options.d_model, num_layers=options.num_layers,
        ffn_dim=options.ffn_dim, chunk_ms=options.chunk_ms, lookahead_ms=options.lookahead_ms,
        pitch=options.pitch, relative_pitch=options.relative_pitch, local_frames=options.local_frames,
        ctc_slots=options.ctc_slots,
        extra={"data": " ".join(str(d) for d in data), "options": json.dumps(asdict(options)),
               "history": training_history(data, out, options, start)},
    )
    cmvn = Cmvn.estimate([fbank(e.audio, config.features) for e in train_set[:500]])
    model = AcousticModel(config, cmvn)
    if start is not None:  # fine-tune: an earlier model's weights and CMVN, grown to these units and dialects
        try:
            start = widened(start, config, cmvn)
        except ValueError as err:
            raise ValueError(f"{options.init}: {err}; train from scratch or keep its settings") from err
        model.load_state_dict(start.state_dict())
        model.cmvn = start.cmvn
    model = model.to(device)
    optimiser = torch.optim.AdamW(model.parameters(), lr=options.learning_rate, weight_decay=1e-2)

    total_steps = options.epochs * len(batches(train_set, options.batch_seconds, random.Random(0)))

    def rate(step: int) -> float:
        step = max(step, 1)
        if step < options.warmup_steps:
            return step / options.warmup_steps
        if options.schedule == "inverse-sqrt":
            return math.sqrt(options.warmup_steps / step)
        progress = min(1.0, (step - options.warmup_steps) / max(1, total_steps - options.warmup_steps))
        return COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    # SGD's last steps wander around a minimum; their average sits nearer its middle
    averaged = None
    if options.ema_decay:
        decay = get_ema_multi_avg_fn(options.ema_decay)  # type: ignore[no-untyped-call]
        averaged = AveragedModel(model, multi_avg_fn=decay, use_buffers=True)
    logs: list[EpochLog] = []
    start_epoch, step = 1, 0
    if checkpoint_path.exists():  # resume a killed run
        state = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        scheduler.load_state_dict(state["scheduler"])
        model.cmvn = state["cmvn"]
        if averaged is not None:
            averaged.load_state_dict(state["ema"])
            averaged.module.cmvn = state["cmvn"]
        start_epoch, step = state["epoch"] + 1, state["step"]
        logs = [EpochLog(**log) for log in state["logs"]]
        torch.set_rng_state(state["torch_rng"])
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    generator = torch.Generator().manual_seed(options.seed)
    model.train()
    for epoch in range(start_epoch, options.epochs + 1):
        started = time.perf_counter()
        losses = []
        order = random.Random(options.seed * 1000 + epoch)
        for batch_examples in batches(train_set, options.batch_seconds, order):
            features = [features_of(e, model, generator, train_set, options.time_mask_frames)
                        for e in batch_examples]
            batch, lengths = collate(features, config)
            units, dialect_frames, frames = model(batch.to(device), lengths.to(device))
            targets = torch.cat([e.targets for e in batch_examples]).to(device)
            target_lengths = torch.tensor([len(e.targets) for e in batch_examples])
            loss = ctc(units.transpose(0, 1), targets, frames.cpu(), target_lengths)
            mask = (torch.arange(units.shape[1], device=device)[None, :] < frames[:, None]).float()
            pooled = (dialect_frames * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            dialect_targets = torch.tensor([e.dialect for e in batch_examples], device=device)
            loss = loss + DIALECT_LOSS_WEIGHT * torch.nn.functional.nll_loss(pooled, dialect_targets)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            scheduler.step()
            if averaged is not None:
                averaged.update_parameters(model)
            step += 1
            losses.append(float(loss.detach()))
        exported = cast(AcousticModel, averaged.module) if averaged is not None else model
        uer, dialect_accuracy = evaluate(exported, test_set, device)
        logs.append(EpochLog(epoch, step, sum(losses) / len(losses), uer, dialect_accuracy,
                             time.perf_counter() - started))
        torch.save({
            "model": model.state_dict(), "optimiser": optimiser.state_dict(),
            "scheduler": scheduler.state_dict(), "cmvn": model.cmvn, "epoch": epoch, "step": step,
            "logs": [asdict(log) for log in logs], "torch_rng": torch.get_rng_state(),
            **({"ema": averaged.state_dict()} if averaged is not None else {}),
        }, checkpoint_path)
        write_log(out, logs)
        save_model(exported.cpu().eval(), out, half=True)
        write_card(out, exported, data, options, logs)
        if on_epoch is not None:
            on_epoch(logs[-1])
        exported.to(device)
        model.to(device).train()
    return logs


def train_command(data: list[Path], out: Path, options: TrainOptions) -> str:
    return (
        f"xiangyin train --data {' '.join(str(d) for d in data)} --out {out} --epochs {options.epochs} "
        f"--batch-seconds {options.batch_seconds:g} --d-model {options.d_model} "
        f"--layers {options.num_layers} "
        f"--learning-rate {options.learning_rate:g} --chunk-ms {options.chunk_ms} --seed {options.seed}"
        + (f" --init {options.init}" if options.init else "")
        + (f" --schedule {options.schedule}" if options.schedule != TrainOptions.schedule else "")
        + (f" --time-mask-frames {options.time_mask_frames}"
           if options.time_mask_frames != TrainOptions.time_mask_frames else "")
        + (" --pitch" if options.pitch else "")
        + (" --relative-pitch" if options.relative_pitch else "")
        + (f" --local-frames {options.local_frames}" if options.local_frames else "")
        + (f" --ctc-slots {options.ctc_slots}" if options.ctc_slots != 1 else "")
        + (f" --ffn-dim {options.ffn_dim}" if options.ffn_dim != FFN_PER_D_MODEL * options.d_model else "")
        + (f" --ema-decay {options.ema_decay:g}" if options.ema_decay else "")
    )


def training_history(data: list[Path], out: Path, options: TrainOptions, start: AcousticModel | None) -> str:
    """The commands that made this model, oldest first: a fine-tuned model's card shows the
    run it started from (`start`, loaded from --init) too."""
    history = ""
    if start is not None:
        prior = start.config.extra
        history = prior.get("history") or train_command(
            [Path(d) for d in prior["data"].split()], Path(options.init),
            TrainOptions(**json.loads(prior["options"])),
        ) + "\n"
    return history + train_command(data, out, options) + "\n"


def write_log(out: Path, logs: list[EpochLog]) -> None:
    """train_log.jsonl and training.png (loss and test unit error rate per epoch)."""
    lines = "".join(json.dumps(asdict(log)) + "\n" for log in logs)
    (out / "train_log.jsonl").write_text(lines, encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, left = plt.subplots(figsize=(6, 3.5))
    epochs = [log.epoch for log in logs]
    left.plot(epochs, [log.train_loss for log in logs], "o-", label="train loss")
    left.set_xlabel("epoch")
    left.set_ylabel("train loss (CTC + dialect)")
    right = left.twinx()
    right.plot(epochs, [log.test_unit_error_rate for log in logs], "s--", color="tab:red", label="test UER")
    right.set_ylabel("greedy unit error rate (test split)")
    figure.tight_layout()
    figure.savefig(out / "training.png", dpi=100)
    plt.close(figure)


def write_card(
    out: Path, model: AcousticModel, data: list[Path], options: TrainOptions, logs: list[EpochLog]
) -> None:
    """The model card: what it was trained on, how big it is, what it measured, how to redo it."""
    last = logs[-1]
    size_mb = (out / "model.safetensors").stat().st_size / 1e6
    rows = "\n".join(
        f"| {log.epoch} | {log.steps} | {log.train_loss:.3f} | {log.test_unit_error_rate:.1%} | "
        f"{log.test_dialect_accuracy:.1%} |"
        for log in logs
    )
    commands = model.config.extra.get("history", "")
    config = model.config
    pitch = " + pitch (voicing, log F0)" if config.pitch else ""
    relative = " + log F0 against the voice's mean so far" if config.relative_pitch else ""
    local = f" → causal local context over {config.local_frames} frames" if config.local_frames else ""
    slots = f", {config.ctc_slots} CTC outputs per 40 ms frame" if config.ctc_slots > 1 else ""
    averaged = (f" (a moving average of the trained ones, decay {options.ema_decay:g} a step)"
                if options.ema_decay else "")
    architecture = (
        f"{config.num_mel_bins}-dim fbank{pitch} + CMVN{relative} → ×4 conv subsampling{local} → Emformer "
        f"({config.num_layers} layers, d={config.d_model}, feed-forward {config.ffn_dim}), "
        f"{config.chunk_ms} ms chunks, {config.lookahead_ms} ms look-ahead{slots}."
    )
    card = f"""# Acoustic model card

Streaming Emformer CTC model over xiangyin's shared units ({len(model.config.units)} outputs) with a
dialect head over {", ".join(model.config.dialects)}.

- Size: {model.parameters_count / 1e6:.2f} M parameters, fp16 weights{averaged}, {size_mb:.1f} MB.
- Architecture: {architecture}
- Training data: the manifests in {", ".join(f"`{d}`" for d in data)} (synthetic speech from
  `xiangyin synth`; see the folders' commands in the README).
- Figures: greedy unit error rate and utterance dialect-ID accuracy on the training data's
  *test* split (voices and sentences never used in training), measured by the training
  recipe after each epoch; word-level figures come from `xiangyin eval --model` on the same split.

| epoch | steps | train loss | test unit error rate | test dialect accuracy |
|---|---|---|---|---|
{rows}

Latest: {last.test_unit_error_rate:.1%} unit error rate, {last.test_dialect_accuracy:.1%} dialect accuracy.

Reproduce (each command resumes from its `checkpoint.pt` when present):

```sh
{commands}```
"""
    (out / "README.md").write_text(card, encoding="utf-8")
