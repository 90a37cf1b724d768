"""Training throughput: `lab train` with its defaults vs the strongest plain configuration a skilled user of the
same libraries would write, measured side by side, for LoRA and for QLoRA, on two data sets.

    python bench/train_throughput.py [--model smollm2-135m-instruct] [--steps 12] [--batch-size 8]

The plain configuration: Trainer + peft (LoRA r 16, alpha 32 on the architecture's default modules, as the lab's), each batch
padded to its own longest example (DataCollatorForLanguageModeling), bf16 weights with bf16 autocast where the
CPU computes bf16 natively (else fp32), gradient checkpointing off; QLoRA loads the same 4-bit base
(BitsAndBytesConfig nf4, double quantisation) the lab uses. Data: the sample chat data, and alpaca-style
examples whose answers run 8-120 words (cutoff 256). Both sides count real (non-padding) tokens per second of
training, the first step (start-up) left out. Prints a JSON line and a markdown row per comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from common import report  # before any lab import: it sets the offline environment

WORDS = ("the model learns a task from examples while its adapter trains and the base stays frozen so memory "
         "stays small and answers change where the data says they should").split()


def alpaca_data(count: int = 256, seed: int = 0) -> str:
    """Alpaca-style examples with answers of 8-120 words, as a data folder."""
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="alpaca-"))
    rows = [{"instruction": " ".join(rng.choices(WORDS, k=rng.randint(4, 16))) + "?",
             "input": "", "output": " ".join(rng.choices(WORDS, k=rng.randint(8, 120))) + "."} for _ in range(count)]
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(folder)


def plain_trainer(model_dir: str, data: str, steps: int, batch_size: int, max_length: int, bits: int | None) -> float:
    """The strongest plain configuration (see the module docstring); real tokens/s."""
    import torch
    from datasets import load_dataset
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import (AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig,
                              DataCollatorForLanguageModeling, Trainer, TrainerCallback, TrainingArguments)

    from lab.models.loading import native_precision

    bf16 = native_precision("cpu")[0] == "bf16"
    dtype = torch.bfloat16 if bf16 else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
    quantised = {"quantization_config": BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                                           bnb_4bit_use_double_quant=True,
                                                           bnb_4bit_compute_dtype=dtype)} if bits else {}
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, **quantised)
    if bits:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    model = get_peft_model(model, LoraConfig(task_type="CAUSAL_LM", r=16, lora_alpha=32, lora_dropout=0.05))
    dataset = load_dataset("json", data_files=f"{data}/train.jsonl", split="train")

    def tokenize(row):
        messages = row.get("messages") or [{"role": "user", "content": row["instruction"]},
                                           {"role": "assistant", "content": row["output"]}]
        return tokenizer(tokenizer.apply_chat_template(messages, tokenize=False), truncation=True,
                         max_length=max_length)

    dataset = dataset.map(tokenize, remove_columns=dataset.column_names)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=batch_size, max_steps=steps,
                             learning_rate=2e-4, logging_steps=1, report_to="none", use_cpu=True, save_strategy="no",
                             disable_tqdm=True, include_num_input_tokens_seen="non_padding", bf16=bf16,
                             gradient_checkpointing=False, dataloader_num_workers=0)
    marks = []
    logger = type("Marks", (TrainerCallback,), {
        "on_log": lambda self, args, state, control, **kw: marks.append((time.perf_counter(),
                                                                          state.num_input_tokens_seen))})
    trainer = Trainer(model=model, args=args, train_dataset=dataset, callbacks=[logger()],
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))
    trainer.train()
    (t0, n0), (t1, n1) = marks[1], marks[-2]  # the last mark is the end-of-training summary
    return (n1 - n0) / (t1 - t0)


def lab_train(model: str, data: str, steps: int, batch_size: int, max_length: int, bits: int | None) -> tuple:
    """`lab train` with its defaults for everything not compared (precision auto); real tokens/s and the
    precision auto chose."""
    from lab.runs.config import TrainConfig
    from lab.runs.launcher import resolve_data
    from lab.runs.precision import resolve
    from lab.runs.store import create_run
    from lab.runs.training import train

    config = resolve(TrainConfig(model=model, method="qlora" if bits else "lora", data=resolve_data(data),
                                 max_steps=steps, batch_size=batch_size, max_length=max_length,
                                 validation_fraction=0, eval_steps=10**6, save_steps=10**6))
    run = create_run(config, tempfile.mkdtemp())
    train(run)
    first, last = run.events("train")[1], run.events("train")[-1]  # the first step includes start-up
    return (last["tokens"] - first["tokens"]) / (last["time"] - first["time"]), config.precision


def matmul_peak_flops(dtype_name: str, size: int = 1024, repeats: int = 20) -> float:
    """This machine's matmul throughput (FLOP/s) in the precision a run uses, measured now."""
    import torch

    dtype = torch.bfloat16 if dtype_name == "bf16" else torch.float32
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    a @ b  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start)


def lora_step_flops(model_dir: str) -> float:
    """FLOPs per token of a LoRA step: forward (2N) + backward through the frozen weights to the activations
    (2N); the adapters' own gradients are negligible. The lab skips the output layer on unlabelled positions, so
    this overstates its work: the fraction of peak below is a lower bound."""
    from transformers import AutoConfig, AutoModelForCausalLM

    with __import__("torch").device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(model_dir))
    return 4 * sum(p.numel() for p in model.parameters())


def main() -> None:
    from lab.models import resolve_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    model_dir = resolve_model(args.model)
    data_sets = (("sample_data", "sample chat data", 512), (alpaca_data(), "alpaca 8-120 words", 256))
    for data, label, max_length in data_sets:
        for bits, method in ((None, "LoRA"), (4, "QLoRA 4-bit")):
            baseline = plain_trainer(model_dir, data, args.steps, args.batch_size, max_length, bits)
            lab, precision = lab_train(args.model, data, args.steps, args.batch_size, max_length, bits)
            details = dict(model=args.model, lab_precision=precision, steps=args.steps, batch_size=args.batch_size,
                           max_length=max_length)
            if not bits:
                peak = matmul_peak_flops(precision)
                details.update(lab_fraction_of_matmul_peak=round(lora_step_flops(model_dir) * lab / peak, 3),
                               matmul_peak_gflops=round(peak / 1e9, 1))
            report("train_throughput", f"{method} on {label}, real tokens/s, lab vs the strongest plain Trainer",
                   baseline, lab, "tokens/s", ">= 1.5x", **details)


if __name__ == "__main__":
    main()
