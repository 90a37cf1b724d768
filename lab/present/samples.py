"""The samples a run answers as it trains (its `sample` events): each prompt with its reference and the answers
step by step, the words that changed marked."""

from __future__ import annotations

import html as _html

from lab.present.compare import diff_html

EMPTY = "Samples appear at step 0 and after every evaluation."
LATER_COLUMNS = 4  # the first later step and the last three: a long run's table stays readable


def columns(samples: list[dict]) -> list[dict]:
    """The events shown as columns: step 0, then the first and the last three later steps."""
    by_step = {s["step"]: s for s in samples}  # a step answered twice (around a resume) shows once
    later = [by_step[step] for step in sorted(by_step) if step > 0]
    if len(later) > LATER_COLUMNS:
        later = [later[0], *later[1 - LATER_COLUMNS:]]
    return ([by_step[0]] if 0 in by_step else []) + later


def label(sample: dict) -> str:
    return "base (step 0)" if sample["step"] == 0 else f"step {sample['step']}"


def confidence(row: dict) -> str:
    """A classify row's probability of its answer, as a suffix; nothing for chat."""
    return f" ({row['confidence']:.0%})" if "confidence" in row else ""


def _cells(samples: list[dict]) -> tuple[list[str], list[list[str]]]:
    """HTML cells: the header, then per prompt its prompt, reference and each column's answer, the words that
    changed from the previous column marked."""
    shown = columns(samples)
    rows = []
    for i, first in enumerate(shown[0]["rows"]):
        cells = [f"<b>{_html.escape(first['prompt'])}</b>", f"<i>{_html.escape(first['reference'])}</i>"]
        previous = None
        for sample in shown:
            row = sample["rows"][i]
            answer = _html.escape(row["answer"]) if previous is None else diff_html(previous, row["answer"])
            cells.append(answer + confidence(row))
            previous = row["answer"]
        rows.append(cells)
    return ["prompt", "reference", *map(label, shown)], rows


def html(samples: list[dict]) -> str:
    if not samples:
        return f"<i>{EMPTY}</i>"
    head, rows = _cells(samples)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (f"<table class='lab-samples'><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def markdown(samples: list[dict]) -> str:
    """A markdown table whose cells keep the inline HTML marks (Gradio's Markdown renders them)."""
    if not samples:
        return EMPTY
    head, rows = _cells(samples)

    def line(cells):  # one table row: no line breaks, pipes escaped
        return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(head), line(["---"] * len(head)), *map(line, rows)])


def text(sample: dict) -> str:
    """One `sample` event, as the CLI prints it when it arrives."""
    blocks = [f"Samples at {label(sample)} ({sample['seconds']:.1f} s to answer):"]
    for row in sample["rows"]:
        blocks.append(f"## {row['prompt']}\n[reference]\n{row['reference']}\n[answer]\n{row['answer']}"
                      f"{confidence(row)}\n")
    return "\n".join(blocks)
