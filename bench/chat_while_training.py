"""Chat while a run trains: tokens/s of a chat answer (lab.stream_reply, as the app and the panels answer) while a
LoRA run of the default model trains on the same cores, against the same answer on an idle machine. The worker
runs at a lower scheduling priority (nice 10); beside it, an answer uses one CPU thread."""

from __future__ import annotations

import os
import tempfile
import time

from common import report  # before any lab import: it sets the offline environment

PROMPT = "Explain in a few sentences what a language model is."


def tokens_per_s(repeats: int = 3) -> float:
    import lab

    tokenizer = lab.loaded_model(lab.DEFAULT_MODEL, "fp32").tokenizer
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for conversation in lab.stream_reply(PROMPT, [], lab.BASE, lab.DEFAULT_MODEL, "fp32", max_new_tokens=48):
            answer = conversation[-1]["content"]
        rates.append(len(tokenizer(answer, add_special_tokens=False)["input_ids"]) / (time.perf_counter() - start))
    return sorted(rates)[len(rates) // 2]


def main() -> None:
    import lab

    with tempfile.TemporaryDirectory() as workspace:
        os.environ["LAB_WORKSPACE"] = workspace
        tokens_per_s(1)  # load and warm up
        idle = tokens_per_s()
        run = lab.start_run(lab.plan_run(lab.DEFAULT_MODEL, "fp32", "lora", "", "sample_data", 1000, 2e-4, 4, 256))
        while not lab.progress(run["id"])["points"]:  # training, past model loading and the first step
            time.sleep(1)
        busy = tokens_per_s()
        lab.stop_run(run["id"])
        lab.wait(run["id"], 600)
    report("chat_while_training", "chat tokens/s while a LoRA run trains vs idle", idle, busy, "tokens/s",
           ">= 0.5x", cores=os.cpu_count())


if __name__ == "__main__":
    main()
