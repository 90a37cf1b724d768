"""Training throughput: the lab's LoRA run vs a plain peft + Trainer script, same model, data, dtype and steps.

    python bench/train_throughput.py [--model smollm2-135m-instruct] [--steps 12] [--batch-size 8]

The plain script is what a typical tutorial does: tokenize with padding to max_length, DataCollatorForLanguageModeling,
loss on every token. Both count real (non-padding) tokens per second of training. Prints a JSON line and a
markdown row.
"""

from __future__ import annotations

import argparse
import tempfile
import time


from common import report  # before any lab import: it sets the offline environment


def plain_peft_trainer(model_dir: str, data: str, steps: int, batch_size: int, max_length: int) -> float:
    import torch
    from datasets import load_dataset
    from peft import LoraConfig, get_peft_model
    from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForLanguageModeling, Trainer,
                              TrainerCallback, TrainingArguments)

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    model = get_peft_model(model, LoraConfig(task_type="CAUSAL_LM", r=8, lora_alpha=16, lora_dropout=0.05))
    dataset = load_dataset("json", data_files=f"{data}/train.jsonl", split="train")

    def tokenize(row):
        text = tokenizer.apply_chat_template(row["messages"], tokenize=False)
        return tokenizer(text, truncation=True, max_length=max_length, padding="max_length")

    dataset = dataset.map(tokenize, remove_columns=dataset.column_names)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=batch_size, max_steps=steps,
                             learning_rate=2e-4, logging_steps=1, report_to="none", use_cpu=True, save_strategy="no",
                             disable_tqdm=True, include_num_input_tokens_seen="non_padding")
    marks = []
    logger = type("Marks", (TrainerCallback,), {
        "on_log": lambda self, args, state, control, **kw: marks.append((time.perf_counter(),
                                                                          state.num_input_tokens_seen))})
    trainer = Trainer(model=model, args=args, train_dataset=dataset, callbacks=[logger()],
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))
    trainer.train()
    steps = [(t1 - t0, n1 - n0) for (t0, n0), (t1, n1) in zip(marks[1:-2], marks[2:-1])]  # as the lab: skip step 1
    return sum(n for _, n in steps) / sum(t for t, _ in steps)


def lab_lora(model: str, data: str, steps: int, batch_size: int, max_length: int) -> float:
    from lab.runs.config import TrainConfig
    from lab.runs.store import create_run
    from lab.runs.training import train

    config = TrainConfig(model=model, precision="fp32", method="lora", data=data, max_steps=steps,
                         batch_size=batch_size, max_length=max_length, validation_fraction=0,
                         eval_steps=10**6, save_steps=10**6)
    run = create_run(config, tempfile.mkdtemp())
    train(run)
    first, last = run.events("train")[1], run.events("train")[-1]  # the first step includes start-up
    return (last["tokens"] - first["tokens"]) / (last["time"] - first["time"])


def matmul_peak_flops(size: int = 1024, repeats: int = 20) -> float:
    """This machine's fp32 matmul throughput (FLOP/s), measured now: the ceiling a training step can reach."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start)


def lora_step_flops(model_dir: str) -> float:
    """FLOPs per token of a LoRA step: forward (2N) + backward through the frozen weights to the activations
    (2N); the adapters' own gradients are negligible."""
    from transformers import AutoConfig, AutoModelForCausalLM

    with __import__("torch").device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(model_dir))
    return 4 * sum(p.numel() for p in model.parameters())


def main() -> None:
    from lab.models import resolve_model
    from lab.runs.launcher import resolve_data

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()
    model_dir, data = resolve_model(args.model), resolve_data("sample_data")
    baseline = plain_peft_trainer(model_dir, data, args.steps, args.batch_size, args.max_length)
    lab = lab_lora(args.model, data, args.steps, args.batch_size, args.max_length)
    peak = matmul_peak_flops()
    report("train_throughput", "LoRA training, real tokens/s", baseline, lab, "tokens/s", ">= 1.5x",
           model=args.model, dtype="fp32", steps=args.steps, batch_size=args.batch_size, max_length=args.max_length,
           lab_fraction_of_matmul_peak=round(lora_step_flops(model_dir) * lab / peak, 3),
           matmul_peak_gflops=round(peak / 1e9, 1))


if __name__ == "__main__":
    main()
