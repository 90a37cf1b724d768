"""Chat: one streamed reply from the base model or a run's tuned model, given the conversation so far."""

from __future__ import annotations

from collections.abc import Iterator

from lab.actions import defaults
from lab.actions.models import BASE, loaded_model
from lab.actions.answers import generation
from lab.errors import LabError


def text_of(content) -> str:
    """A message's content as plain text (Gradio may hand it back as a list of parts)."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)


def stream_reply(message: str, history: list[dict] | None = None, run: str | None = BASE, model: str | None = None,
                 precision: str = defaults.PRECISION, system_prompt: str | None = None, confined: bool = False,
                 max_new_tokens=defaults.CHAT_NEW_TOKENS, load_options: dict | None = None,
                 **settings) -> Iterator[str]:
    """The conversation as the reply grows: each item is [*history, the message, the answer so far] as
    {"role", "content"} messages (the last one always the assistant's, empty before the first token). `run`
    picks a tuned model (on its own base and precision); `history` is the conversation before this message."""
    from lab.generation import stream_chat
    from lab.runs.worker import training_on

    if not isinstance(message, str):  # a request to the app may send any JSON value
        raise LabError("No message.", f"A message is text, not {repr(message)[:60]}.", "Type a message.")
    chosen_settings = generation(max_new_tokens, **settings)
    loaded = loaded_model(model, precision, run, confined, **(load_options or {}))
    # Beside a training run on the same CPU, one thread answers several times faster than all of them: they
    # would wait on each other at every step while the worker holds the other cores (bench/RESULTS.md).
    threads = 1 if loaded.info.device == "cpu" and training_on("cpu") else None
    history = [{"role": m["role"], "content": text_of(m["content"])} for m in history or []]
    asked = [*history, {"role": "user", "content": message}]
    answer = ""
    yield [*asked, {"role": "assistant", "content": answer}]
    for piece in stream_chat(loaded.model, loaded.tokenizer, message, history=history,
                             system_prompt=system_prompt or None, settings=chosen_settings, threads=threads):
        answer += piece
        yield [*asked, {"role": "assistant", "content": answer}]
