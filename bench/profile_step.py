"""Where a LoRA training step's time goes, and whether torch.compile pays here.

    python bench/profile_step.py [--model smollm2-135m-instruct] [--steps 6] [--batch-size 8]

1. The lab's own training (precision auto, sample data, batch 8) under torch.profiler for a few steps after a
   warm-up: the top operators by self CPU time, and the share of time in matmuls.
2. The same run with `torch_compile=True` in the Trainer's arguments: seconds to the first step (compiling) and
   real tokens/s after it, against the plain run. Prints a JSON line and a markdown row (baseline = uncompiled).
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time

from common import report  # before any lab import: it sets the offline environment


def lab_run(model: str, steps: int, batch_size: int, compile_step: bool = False, profile: bool = False):
    import torch
    from transformers import TrainerCallback

    from lab.runs import sampling, training
    from lab.runs.config import TrainConfig
    from lab.runs.launcher import resolve_data
    from lab.runs.precision import resolve
    from lab.runs.store import create_run

    config = resolve(TrainConfig(model=model, data=resolve_data("sample_data"), max_steps=steps,
                                 batch_size=batch_size, validation_fraction=0, eval_steps=10**6, save_steps=10**6))
    plain_arguments = training.training_arguments

    def arguments(*args, **kwargs):
        built = plain_arguments(*args, **kwargs)
        if compile_step:  # what torch_compile=True sets up when given to TrainingArguments itself
            built.torch_compile, built.torch_compile_backend = True, "inductor"
        return built

    training.training_arguments = arguments
    profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                      schedule=torch.profiler.schedule(wait=0, warmup=2, active=steps - 3, repeat=1))

    class Step(TrainerCallback):
        def on_step_end(self, *args, **kwargs):
            profiler.step()

    plain_trainer = sampling.LengthBatchTrainer.__init__

    def with_profiler(self, *args, callbacks=(), **kwargs):
        plain_trainer(self, *args, callbacks=[*callbacks, Step()] if profile else callbacks, **kwargs)

    sampling.LengthBatchTrainer.__init__ = with_profiler
    run = create_run(config, tempfile.mkdtemp())
    started = time.time()
    try:
        with profiler if profile else contextlib.nullcontext():
            training.train(run)
    finally:
        training.training_arguments, sampling.LengthBatchTrainer.__init__ = plain_arguments, plain_trainer
    events = run.events("train")
    first, last = events[1], events[-1]
    speed = (last["tokens"] - first["tokens"]) / (last["time"] - first["time"])
    return speed, events[0]["time"] - started, config.precision, profiler if profile else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    speed, _, precision, profiler = lab_run(args.model, args.steps, args.batch_size, profile=True)
    table = profiler.key_averages()
    total = sum(e.self_cpu_time_total for e in table)
    matmul = sum(e.self_cpu_time_total for e in table if e.key in ("aten::mm", "aten::addmm", "aten::bmm"))
    print(table.table(sort_by="self_cpu_time_total", row_limit=12))
    print(f"matmul share of self CPU time: {matmul / total:.1%} ({precision}, {speed:.0f} tokens/s under the profiler)")
    plain, plain_start, _, _ = lab_run(args.model, args.steps, args.batch_size)
    compiled, compiled_start, _, _ = lab_run(args.model, args.steps, args.batch_size, compile_step=True)
    report("profile_step", "LoRA real tokens/s, torch.compile vs not", plain, compiled, "tokens/s",
           "keep compile only if > 1.1x and it compiles in seconds", precision=precision,
           seconds_to_first_step_plain=round(plain_start, 1), seconds_to_first_step_compiled=round(compiled_start, 1),
           matmul_share=round(matmul / total, 3))


if __name__ == "__main__":
    main()
