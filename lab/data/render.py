"""Examples into token ids and loss labels, rendered through the chat template that chat uses, so both agree."""

from __future__ import annotations

from dataclasses import dataclass

from lab.data.formats import Example
from lab.errors import LabError
from lab.models.chatml import FALLBACK_CHAT_TEMPLATE

IGNORE = -100  # the label value the loss skips


@dataclass
class _Encoded:
    text: str
    ids: list[int]
    labels: list[int]
    spans: list[tuple[int, int]]  # character spans of the trained parts of `text`


def _template(tokenizer, messages: list[dict], generation_prompt: bool = False) -> str:
    try:
        return tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=generation_prompt,
            chat_template=None if tokenizer.chat_template else FALLBACK_CHAT_TEMPLATE,  # what load_model would set
        )
    except Exception as exc:  # templates raise on conversations they refuse, e.g. a system turn or two user turns
        raise LabError("The model's chat template cannot render this conversation.", f"{type(exc).__name__}: {exc}",
                       "Change the conversation's roles to what the template accepts, or use another model.") from None


def _assistant_spans(tokenizer, messages: list[dict], text: str) -> list[tuple[int, int]]:
    """Where each assistant turn (its content and end-of-turn marker) sits in the rendered `text`."""
    spans, cursor = [], 0
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = _template(tokenizer, messages[:i], generation_prompt=True)
        after = _template(tokenizer, messages[: i + 1]).rstrip()  # the newline after the marker is not the answer
        if after.startswith(before) and text.startswith(after):
            start, end = len(before), len(after)
        else:  # the template renders earlier turns differently (e.g. drops reasoning): find the answer itself
            start = text.find(message["content"], cursor)
            if start < 0:
                raise LabError("Cannot find an assistant turn in the rendered chat template.",
                               f"The template changed the answer {message['content'][:60]!r}.",
                               "Use a model whose chat template keeps answers verbatim.")
            end = start + len(message["content"])
            marker = after[after.rfind(message["content"]) + len(message["content"]):]  # e.g. <|im_end|>
            end += len(marker) if text.startswith(marker, end) else 0
        spans.append((start, end))
        cursor = end
    return spans


def _encode(tokenizer, example: Example, answer_only: bool) -> _Encoded:
    if example.text is not None:
        ids = tokenizer(example.text)["input_ids"]
        if tokenizer.eos_token_id is not None and ids[-1:] != [tokenizer.eos_token_id]:
            ids.append(tokenizer.eos_token_id)  # so the model learns where text ends
        return _Encoded(example.text, ids, list(ids), [(0, len(example.text))])
    text = _template(tokenizer, example.messages)
    spans = _assistant_spans(tokenizer, example.messages, text)
    try:  # the template already holds its special tokens (BOS etc.): add none
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    except NotImplementedError:
        raise LabError("The tokenizer cannot map tokens to characters.", "Only fast (Rust) tokenizers give offsets.",
                       "Load the model's fast tokenizer (tokenizer.json).") from None
    ids = encoded["input_ids"]
    trained = [not answer_only or any(a <= s < b for a, b in spans) for s, _ in encoded["offset_mapping"]]
    return _Encoded(text, ids, [t if keep else IGNORE for t, keep in zip(ids, trained)], spans)


def _cut(encoded: _Encoded, max_length: int) -> dict:
    ids, labels = encoded.ids[:max_length], encoded.labels[:max_length]
    return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels,
            "truncated": len(encoded.ids) > max_length}


def _check_length(max_length: int) -> None:
    if max_length < 1:
        raise LabError(f"max_length must be at least 1, got {max_length}.", "It is the most tokens an example keeps.",
                       "Use e.g. 512.")


def render_example(tokenizer, example: Example, max_length: int, answer_only: bool = True) -> dict:
    """input_ids, attention_mask, labels (-100 outside the trained tokens) and truncated, cut right at max_length.

    answer_only trains on the assistant turns of a conversation; plain text always trains on every token.
    """
    _check_length(max_length)
    return _cut(_encode(tokenizer, example, answer_only), max_length)


def tokenize_examples(tokenizer, examples: list[Example], max_length: int,
                      answer_only: bool = True) -> tuple[list[dict], dict]:
    """Rendered rows, less those with no trained token left after truncation, and counts of what happened.

    stats: examples, kept, truncated (among kept), dropped_no_answer, tokens and answer_tokens (over kept rows).
    """
    _check_length(max_length)
    if not examples:
        raise LabError("No examples to tokenize.", "The list of examples is empty.", "Read a dataset first.")
    rows, needed, full = [], [], []
    stats = dict(examples=len(examples), kept=0, truncated=0, dropped_no_answer=0, tokens=0, answer_tokens=0)
    for example in examples:
        encoded = _encode(tokenizer, example, answer_only)
        row = _cut(encoded, max_length)
        answer_tokens = sum(label != IGNORE for label in row["labels"])
        if not answer_tokens:
            stats["dropped_no_answer"] += 1
            needed.append(next((i + 1 for i, label in enumerate(encoded.labels) if label != IGNORE), len(encoded.ids)))
            full.append(len(encoded.ids))
            continue
        rows.append(row)
        stats["kept"] += 1
        stats["truncated"] += row["truncated"]
        stats["tokens"] += len(row["input_ids"])
        stats["answer_tokens"] += answer_tokens
    if not rows:
        raise LabError(
            f"max_length={max_length} is too small for this chat template: every example was dropped.",
            f"Truncation cut off every answer. The shortest prompt needs max_length >= {min(needed)} to keep one "
            f"answer token; {min(full)} keeps the shortest example whole.",
            f"Raise max_length to at least {min(full)}.",
        )
    return rows, stats


def preview(tokenizer, examples: list[Example], n: int = 5, max_length: int = 1024) -> list[dict]:
    """The first n examples as plain rows for tables: prompt, answer, tokens, answer_tokens, truncated."""
    _check_length(max_length)
    table = []
    for example in examples[:n]:
        encoded = _encode(tokenizer, example, answer_only=True)
        row = _cut(encoded, max_length)
        answer = example.text if example.text is not None else \
            [m["content"] for m in example.messages if m["role"] == "assistant"][-1]
        table.append({
            "prompt": encoded.text[: encoded.spans[-1][0]],
            "answer": answer,
            "tokens": len(row["input_ids"]),
            "answer_tokens": sum(label != IGNORE for label in row["labels"]),
            "truncated": row["truncated"],
        })
    return table
