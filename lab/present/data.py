"""A data set's description (lab.describe_data): chat data (format, sizes, tokens, rendered examples) or classify
data (classes with their counts per split, one text of each)."""

from __future__ import annotations

import html as _html


def _chat_sentence(d: dict, bold) -> str:
    stats = d["train_tokens"]
    return (f"Format {bold(d['format'])}: {d['train']} train and {d['validation']} validation examples; "
            f"{stats['tokens']} train tokens ({stats['answer_tokens']} in answers), {stats['truncated']} truncated, "
            f"{stats['dropped_no_answer']} dropped.")


def _classes_sentence(d: dict, bold) -> str:
    return f"{bold(str(len(d['labels'])) + ' classes')}: {d['train']} train and {d['validation']} validation examples."


def markdown(d: dict) -> str:
    sentence = _classes_sentence if d["task"] == "classify" else _chat_sentence
    return sentence(d, lambda s: f"**{s}**")


def table(d: dict) -> tuple[list[str], list[list]]:
    """Headers and rows: a class per row (classify), or a rendered example per row (chat)."""
    if d["task"] == "classify":
        return ["class", "train", "validation", "example"], [
            [label, d["counts"]["train"].get(label, 0), d["counts"]["validation"].get(label, 0),
             d["example_of"].get(label, "")] for label in d["labels"]]
    return ["prompt", "answer", "tokens", "trained"], [
        [r["prompt"], r["answer"], r["tokens"], r["answer_tokens"]] for r in d["preview"]]


def sentence_html(d: dict) -> str:
    sentence = _classes_sentence if d["task"] == "classify" else _chat_sentence
    return sentence(d, lambda s: f"<b>{_html.escape(s)}</b>")


def table_html(d: dict) -> str:
    headers, rows = table(d)
    if d["task"] == "chat":
        rows = [[f"<pre>{_html.escape(p)}</pre>", _html.escape(a), t, n] for p, a, t, n in rows]
    else:
        rows = [[_html.escape(str(c)) for c in row] for row in rows]
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def text(d: dict) -> str:
    if d["task"] == "classify":
        lines = [f"{len(d['labels'])} classes: {d['train']} train, {d['validation']} validation examples"]
        lines += [f"  {label:24} {d['counts']['train'].get(label, 0):5} train "
                  f"{d['counts']['validation'].get(label, 0):5} validation" for label in d["labels"]]
        lines += [f"\n[{row['label']}] {row['text']}" for row in d["preview"]]
        return "\n".join(lines)
    stats = d["train_tokens"]
    lines = [f"format {d['format']}: {d['train']} train, {d['validation']} validation examples",
             f"train tokens: {stats['tokens']} ({stats['answer_tokens']} in answers), {stats['truncated']} truncated, "
             f"{stats['dropped_no_answer']} dropped (no answer left within max_length {d['max_length']})"]
    for row in d["preview"]:
        lines.append(f"\n--- {row['tokens']} tokens, {row['answer_tokens']} trained"
                     f"{' (truncated)' if row['truncated'] else ''}")
        lines.append(f"{row['prompt']}\n>>> {row['answer']}")
    return "\n".join(lines)
