"""Answers side by side (lab.compare rows: {prompt, answers: {base | run id: text}}), with what a tuned answer
changed from the base marked."""

from __future__ import annotations

import difflib
import html as _html


def diff_html(base: str, other: str) -> str:
    """`other` with the words that differ from `base` highlighted."""
    a, b = base.split(), other.split()
    out = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        words = _html.escape(" ".join(b[j1:j2]))
        out.append(words if op == "equal" else f"<mark>{words}</mark>")
    return " ".join(w for w in out if w)


def html(rows: list[dict]) -> str:
    """Columns per model (after the reference answer, when the rows come from a split), a row per prompt."""
    if not rows:
        return ""
    labels = list(rows[0]["answers"])
    references = "reference" in rows[0]
    head = "<th>reference</th>" * references + "".join(f"<th>{_html.escape(label)}</th>" for label in labels)
    body = ""
    for row in rows:
        base = row["answers"].get("base", "")
        cells = f"<td><i>{_html.escape(row['reference'])}</i></td>" if references else ""
        cells += "".join(f"<td>{_html.escape(row['answers'][label]) if label == 'base' else diff_html(base, row['answers'][label])}</td>"
                         for label in labels)
        body += f"<tr><td><b>{_html.escape(row['prompt'])}</b></td>{cells}</tr>"
    return (f"<table class='lab-compare'><thead><tr><th>prompt</th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def text(rows: list[dict]) -> str:
    blocks = []
    for row in rows:
        answers = f"\n[reference]\n{row['reference']}\n" if "reference" in row else ""
        answers += "".join(f"\n[{label}]\n{answer}\n" for label, answer in row["answers"].items())
        blocks.append(f"## {row['prompt']}\n{answers}")
    return "\n".join(blocks)
