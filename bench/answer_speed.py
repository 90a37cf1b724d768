"""What tuning changed, how fast: evaluate (20 validation examples x 48 new tokens, base + 1 LoRA run) and compare
(base + 3 LoRA runs, 8 prompts x 64 new tokens) through the lab, against two baselines in the same run:

- naive: one example and one model at a time in fp32 (PeftModel attached, then the base alone), streamed
  as the lab did before;
- batched per model: a skilled user's plain transformers + peft script, one left-padded `generate` over all
  prompts per model (the base, then each adapter attached in turn).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch

from common import report  # before any lab import: it sets the offline environment
from lab.generation import GenerationSettings, build_messages, chat, generate_batch
from lab.models import DEFAULT_MODEL, load_model
from lab.results.compare import asked, split_examples
from lab.results.evaluation import mean_losses


def lora_runs(root: Path, n: int) -> list:
    from lab.runs.config import TrainConfig
    from lab.runs.launcher import resolve_data
    from lab.runs.store import create_run
    from lab.runs.training import train

    runs = []
    for seed in range(n):
        config = TrainConfig(model=DEFAULT_MODEL, precision="fp32", method="lora", data=resolve_data("sample_data"),
                             max_steps=2, batch_size=2, max_length=128, learning_rate=1e-3, seed=seed,
                             validation_fraction=0, eval_steps=100, save_steps=100)
        runs.append(create_run(config, root))
        train(runs[-1])
    return runs


def naive(runs, conversations, settings, examples=None) -> float:
    """One model and one conversation at a time, fp32 (with `examples`, also each one's loss, one at a time)."""
    from peft import PeftModel

    start = time.perf_counter()
    model, tokenizer, _ = load_model(DEFAULT_MODEL, "fp32")
    for run in [None, *runs]:
        model = PeftModel.from_pretrained(model, str(run.adapter_dir)).eval() if run else model
        for c in conversations:
            chat(model, tokenizer, c[-1]["content"], history=c[:-1], settings=settings)
        if examples:
            mean_losses(model, tokenizer, examples, 512, batch_size=1)
        model = model.unload() if run else model
    return time.perf_counter() - start


def batched_per_model(runs, conversations, settings, examples=None) -> float:
    """One left-padded generate over all conversations per model, the adapters attached in turn (fp32)."""
    from peft import PeftModel

    start = time.perf_counter()
    model, tokenizer, _ = load_model(DEFAULT_MODEL, "fp32")
    for run in [None, *runs]:
        model = PeftModel.from_pretrained(model, str(run.adapter_dir)).eval() if run else model
        generate_batch(model, tokenizer, conversations, settings, batch_size=len(conversations))
        if examples:
            mean_losses(model, tokenizer, examples, 512)
        model = model.unload() if run else model
    return time.perf_counter() - start


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    import lab
    from lab.results.compare import compare

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as root:
        runs = lora_runs(Path(root), 3)
        _, examples = split_examples(runs[0], "validation", 20)
        conversations = [asked(e) for e in examples]
        settings = GenerationSettings(max_new_tokens=48)
        evaluate = timed(lab.evaluate, str(runs[0].path), 20, 48)
        details = {"precision": lab.models.loading.answering_precision("fp32"), "cpu_bf16": lab.system_info()["bf16"]}
        answers = 2 * len(conversations)
        for name, baseline in (("one at a time fp32", naive), ("batched per model", batched_per_model)):
            seconds = baseline(runs[:1], conversations, settings, examples)
            report("answer_speed", f"evaluate 20 x 48 tokens, base + 1 LoRA, vs {name}", answers / seconds,
                   answers / evaluate, "answers/s", ">= 8x (bf16 CPU), >= 4x (other)" if "one" in name else "higher",
                   **details)

        prompts = [c[-1]["content"] for c in conversations[:8]]
        settings = GenerationSettings(max_new_tokens=64)
        lab_compare = timed(compare, runs, prompts, settings)
        plain, answers = [build_messages(p) for p in prompts], 4 * len(prompts)
        for name, baseline in (("one at a time fp32", naive), ("batched per model", batched_per_model)):
            seconds = baseline(runs, plain, settings)
            report("answer_speed", f"compare base + 3 LoRA, 8 prompts x 64 tokens, vs {name}", answers / seconds,
                   answers / lab_compare, "answers/s", ">= 8x (bf16 CPU), >= 4x (other)" if "one" in name else
                   "higher", **details)


if __name__ == "__main__":
    main()
