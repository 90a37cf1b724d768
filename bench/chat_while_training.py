"""Chat while a run trains: tokens/s of a chat answer while a LoRA run of the default model trains on the same
cores, against the same answer on an idle machine. The worker runs at a lower scheduling priority (nice 10)."""

from __future__ import annotations

import os
import tempfile
import time

from common import report  # before any lab import: it sets the offline environment
from lab.generation import GenerationSettings, stream_chat
from lab.models import DEFAULT_MODEL, load_model

PROMPT = "Explain in a few sentences what a language model is."


def tokens_per_s(model, tokenizer, repeats: int = 3) -> float:
    settings = GenerationSettings(max_new_tokens=48, temperature=0)
    rates = []
    for _ in range(repeats):
        start, text = time.perf_counter(), ""
        for piece in stream_chat(model, tokenizer, PROMPT, settings=settings):
            text += piece
        rates.append(len(tokenizer(text, add_special_tokens=False)["input_ids"]) / (time.perf_counter() - start))
    return sorted(rates)[len(rates) // 2]


def main() -> None:
    import lab

    with tempfile.TemporaryDirectory() as workspace:
        os.environ["LAB_WORKSPACE"] = workspace
        model, tokenizer, _ = load_model(DEFAULT_MODEL, "fp32")
        tokens_per_s(model, tokenizer, 1)  # warm-up
        idle = tokens_per_s(model, tokenizer)
        run = lab.start_run(lab.plan_run(DEFAULT_MODEL, "fp32", "lora", "", "sample_data", 1000, 2e-4, 4, 256))
        while not lab.progress(run["id"])["points"]:  # training, past model loading and the first step
            time.sleep(1)
        busy = tokens_per_s(model, tokenizer)
        lab.stop_run(run["id"])
        lab.wait(run["id"], 600)
    report("chat_while_training", "chat tokens/s while a LoRA run trains vs idle", idle, busy, "tokens/s",
           ">= 0.5x", cores=os.cpu_count())


if __name__ == "__main__":
    main()
