"""A data set's description (lab.describe_data): chat data (format, sizes, tokens, rendered examples) or classify
data (classes with their counts per split, one text of each)."""

from __future__ import annotations

import html as _html

FORMAT_NAMES = {"messages": "chat messages", "sharegpt": "ShareGPT", "alpaca": "Alpaca", "text": "plain text",
                "columns": "columns"}


def line(d: dict | None) -> str:
    """The data in one line, as the Train tab, the estimate and a run's status name it (lab.data_summary, an
    estimate's or a progress's `data`): "chitchat.json: 270 train / 30 validation, ShareGPT"; "qa.csv: 90 train /
    10 validation, columns prompt=question, response=answer"; "topics.csv: 108 train / 12 validation, 4 classes
    (text=sentence, label=topic)"; just the name where the counts are unknown (a run from before summaries)."""
    if not d:
        return ""
    if "train" not in d:
        return d["name"]
    sizes, mapping = f"{d['name']}: {d['train']} train / {d['validation']} validation", _mapping(d)
    if d.get("task") == "classify":
        return f"{sizes}, {d['classes']} classes" + (f" ({mapping})" if mapping else "")
    if d.get("format") == "columns":
        return f"{sizes}, columns {mapping}"
    return f"{sizes}, {FORMAT_NAMES.get(d.get('format'), d.get('format'))}"


def _mapping(d: dict) -> str:
    """The columns read, as `--columns` writes them: "prompt=question, response=answer"."""
    return ", ".join(f"{role}={column}" for role, column in (d.get("columns") or {}).items()
                     if role in ("prompt", "response", "system", "text", "label"))


def line_markdown(d: dict | None) -> str:
    return f"**Data:** {_html.escape(line(d), quote=False)}" if d else ""


def line_html(d: dict | None) -> str:
    return f"<b>Data:</b> {_html.escape(line(d))}" if d else ""


def _chat_sentence(d: dict, bold) -> str:
    stats = d["train_tokens"]
    return (f"Format {bold(d['format'])}: {d['train']} train and {d['validation']} validation examples; "
            f"{stats['tokens']} train tokens ({stats['answer_tokens']} in answers), {stats['truncated']} truncated, "
            f"{stats['dropped_no_answer']} dropped.")


def _classes_sentence(d: dict, bold) -> str:
    return f"{bold(str(len(d['labels'])) + ' classes')}: {d['train']} train and {d['validation']} validation examples."


def _named(d: dict, bold, sentence: str, escape=str) -> str:
    """The sentence after the data's own name (an upload's file name, never its copy in the workspace), and the
    columns read where a mapping chose them (columns, classify)."""
    if d.get("format") in ("columns", "classify") and _mapping(d):
        sentence += f" Columns: {escape(_mapping(d))}."
    return f"{bold(d['name'])} — {sentence}" if d.get("name") else sentence


def markdown(d: dict) -> str:
    sentence = _classes_sentence if d["task"] == "classify" else _chat_sentence
    bold = lambda s: f"**{_html.escape(s, quote=False)}**"  # noqa: E731
    return _named(d, bold, sentence(d, bold), lambda s: _html.escape(s, quote=False))


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
    bold = lambda s: f"<b>{_html.escape(s)}</b>"  # noqa: E731
    return _named(d, bold, sentence(d, bold), _html.escape)


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
        classes = f"{len(d['labels'])} classes: {d['train']} train, {d['validation']} validation examples"
        lines = [_named(d, str, classes)]
        lines += [f"  {label:24} {d['counts']['train'].get(label, 0):5} train "
                  f"{d['counts']['validation'].get(label, 0):5} validation" for label in d["labels"]]
        lines += [f"\n[{row['label']}] {row['text']}" for row in d["preview"]]
        return "\n".join(lines)
    stats = d["train_tokens"]
    lines = [_named(d, str, f"format {d['format']}: {d['train']} train, {d['validation']} validation examples"),
             f"train tokens: {stats['tokens']} ({stats['answer_tokens']} in answers), {stats['truncated']} truncated, "
             f"{stats['dropped_no_answer']} dropped (no answer left within max_length {d['max_length']})"]
    for row in d["preview"]:
        lines.append(f"\n--- {row['tokens']} tokens, {row['answer_tokens']} trained"
                     f"{' (truncated)' if row['truncated'] else ''}")
        lines.append(f"{row['prompt']}\n>>> {row['answer']}")
    return "\n".join(lines)
