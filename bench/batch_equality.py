"""Batched greedy answers against one-at-a-time ones on the default model (fp32): the share that are identical
(padding changes the order of float sums, so a near-tie may flip a token), over the sample validation prompts."""

from __future__ import annotations

import sys

from common import report  # before any lab import: it sets the offline environment


def main(limit: int = 40) -> None:
    import lab
    from lab.data import read_dataset
    from lab.generation import GenerationSettings, chat, generate_batch

    examples = [e for e in read_dataset(lab.data_path("sample_data")).validation if e.messages][:limit]
    conversations = [[{"role": m["role"], "content": m["content"]} for m in e.messages[:-1]] for e in examples]
    model, tokenizer, _ = lab.load_model(lab.DEFAULT_MODEL, "fp32")
    settings = GenerationSettings(max_new_tokens=48)
    batched = generate_batch(model, tokenizer, conversations, settings)
    alone = [chat(model, tokenizer, c[-1]["content"], history=c[:-1], settings=settings) for c in conversations]
    same = sum(a == b for a, b in zip(batched, alone))
    report("batch_equality", f"identical greedy answers, batched vs one at a time, {len(examples)} prompts, fp32",
           len(examples), same, "answers", ">= 95 %", share=round(same / len(examples), 3))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
