"""Chat streaming: time to first token and tokens/s of the lab's stream_chat vs a plain model.generate call."""

from __future__ import annotations

import time

import torch

from common import report  # before any lab import: it sets the offline environment
from lab.generation import GenerationSettings, encode_chat, stream_chat
from lab.models import DEFAULT_MODEL, load_model

PROMPT = "Explain in a few sentences what a language model is."
NEW_TOKENS = 64


def plain_generate(model, tokenizer) -> tuple[float, float]:
    inputs = encode_chat(tokenizer, [{"role": "user", "content": PROMPT}], model.device)
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(**inputs, max_new_tokens=NEW_TOKENS, do_sample=False)
    seconds = time.perf_counter() - start
    new = out.shape[1] - inputs["input_ids"].shape[1]
    return seconds, new / seconds  # plain generate shows nothing until the end: first token = whole answer


def lab_stream(model, tokenizer) -> tuple[float, float]:
    settings = GenerationSettings(max_new_tokens=NEW_TOKENS, temperature=0)
    start = time.perf_counter()
    first = None
    text = ""
    for piece in stream_chat(model, tokenizer, PROMPT, settings=settings):
        first = first or time.perf_counter() - start
        text += piece
    seconds = time.perf_counter() - start
    return first, len(tokenizer(text, add_special_tokens=False)["input_ids"]) / seconds


def main() -> None:
    for precision in ("fp32", "4bit"):
        model, tokenizer, _ = load_model(DEFAULT_MODEL, precision)
        plain_generate(model, tokenizer)  # warm-up
        base_first, base_rate = plain_generate(model, tokenizer)
        lab_first, lab_rate = lab_stream(model, tokenizer)
        report("chat_streaming", f"tokens/s, {precision}", base_rate, lab_rate, "tokens/s", ">= 1.5x")
        report("chat_streaming", f"time to first visible token, {precision}", base_first, lab_first, "s", "lower")


if __name__ == "__main__":
    main()
