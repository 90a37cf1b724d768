"""Chat generation: the tokenizer's chat template, sampling settings, and streaming as a generator."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Iterator, Sequence

import torch

from lab.errors import LabError

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}


@dataclass
class GenerationSettings:
    max_new_tokens: int = 256
    temperature: float = 0.0  # 0 means greedy
    top_p: float = 1.0
    top_k: int = 50
    # Greedy with 1.0 and no n-gram limit looped in 21 of 99 sample answers; these two together in none, with the
    # same ROUGE-L (bench/generation_loops.py, bench/RESULTS.md "Generation defaults that don't loop").
    repetition_penalty: float = 1.1  # 1.0 = off
    no_repeat_ngram_size: int = 4  # 0 = off; n = no token n-gram occurs twice in prompt + answer
    seed: int | None = 0

    def __post_init__(self):
        checks = [
            (self.max_new_tokens >= 1, "max_new_tokens must be at least 1"),
            (self.temperature >= 0, "temperature must be 0 (greedy) or positive"),
            (0 < self.top_p <= 1, "top_p must be in (0, 1]"),
            (self.top_k >= 0, "top_k must be 0 (off) or positive"),
            (self.repetition_penalty > 0, "repetition_penalty must be positive (1.0 = off)"),
            (self.no_repeat_ngram_size >= 0, "no_repeat_ngram_size must be 0 (off) or positive"),
        ]
        for ok, message in checks:
            if not ok:
                raise LabError(f"Invalid generation setting: {message}.", f"Got {asdict(self)}.", "Fix that value.")

    def generate_kwargs(self) -> dict:
        kwargs = {"max_new_tokens": self.max_new_tokens, "repetition_penalty": self.repetition_penalty,
                  "no_repeat_ngram_size": self.no_repeat_ngram_size}
        if self.temperature == 0:
            return {**kwargs, "do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        return {**kwargs, "do_sample": True, "temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k}


def build_messages(message: str, history: Sequence[Message] = (), system_prompt: str | None = None) -> list[Message]:
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    messages += [{"role": m["role"], "content": m["content"]} for m in history]
    return messages + [{"role": "user", "content": message}]


def encode_chat(tokenizer, messages: Sequence[Message], device) -> dict:
    encoded = tokenizer.apply_chat_template(
        list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    return {k: v.to(device) for k, v in encoded.items()}


def stream_chat(
    model,
    tokenizer,
    message: str,
    history: Sequence[Message] = (),
    system_prompt: str | None = None,
    settings: GenerationSettings | None = None,
    threads: int | None = None,
) -> Iterator[str]:
    """Yield the answer in pieces as the model writes it. `threads` caps the CPU threads this answer uses (it is
    per thread: other work in the process keeps its own)."""
    from transformers import TextIteratorStreamer

    settings = settings or GenerationSettings()
    if not message.strip():
        raise LabError("The message is empty.", "There is nothing to answer.", "Type a question or instruction.")
    inputs = encode_chat(tokenizer, build_messages(message, history, system_prompt), model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            if threads:
                torch.set_num_threads(threads)  # OpenMP's thread count is per calling thread
            if settings.seed is not None:
                torch.manual_seed(settings.seed)
            with torch.inference_mode():
                model.generate(**inputs, **settings.generate_kwargs(), streamer=streamer,
                               pad_token_id=tokenizer.pad_token_id)
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)
            streamer.end()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    for piece in streamer:
        if piece:
            yield piece
    worker.join()
    if failure:
        raise failure[0]


def chat(model, tokenizer, message: str, **kwargs) -> str:
    return "".join(stream_chat(model, tokenizer, message, **kwargs))


def left_padded(rows: Sequence[Sequence[int]], pad_id: int, device) -> dict:
    """Token id lists as one batch, padded on the left so every row's next token is generated at the end."""
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, width - len(row):], mask[i, width - len(row):] = torch.tensor(row), 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}


@torch.inference_mode()
def generate_batch(model, tokenizer, conversations: Sequence[Sequence[Message]],
                   settings: GenerationSettings | None = None, adapter_names: Sequence[str] | None = None,
                   batch_size: int = 16, progress=None) -> list[str]:
    """The answer to each conversation (each ends with the user's turn), generated in left-padded batches of
    similar length instead of one by one. `adapter_names` runs each row through its own peft LoRA adapter of
    the same base ("__base__" for none), so base and tuned answers share one pass. `progress(done, total)` is
    called after each batch. Greedy answers equal the one-at-a-time ones up to the order of float sums."""
    settings = settings or GenerationSettings()
    encoded = [tokenizer.apply_chat_template(list(c), add_generation_prompt=True, tokenize=True, return_dict=True)
               ["input_ids"] for c in conversations]
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    answers: list[str] = [""] * len(encoded)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        batch = left_padded([encoded[i] for i in chosen], pad_id, model.device)
        extra = {"adapter_names": [adapter_names[i] for i in chosen]} if adapter_names else {}
        if settings.seed is not None:
            torch.manual_seed(settings.seed)
        out = model.generate(**batch, **settings.generate_kwargs(), pad_token_id=pad_id, **extra)
        new = out[:, batch["input_ids"].shape[1]:]
        for i, tokens in zip(chosen, new):
            answers[i] = tokenizer.decode(tokens, skip_special_tokens=True)
        if progress:
            progress(min(start + batch_size, len(order)), len(order))
    return answers
