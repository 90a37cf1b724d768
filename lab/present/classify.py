"""Classify results (lab.predict rows, lab.evaluate results of classify runs): label probabilities base vs
tuned, before/after scores, the per-class report and a confusion-matrix picture."""

from __future__ import annotations

import html

from lab.present.evaluate import html as scores_html


def probabilities_html(rows: list[dict], top: int = 3) -> str:
    """Per text, each model's most likely labels as bars; the tuned models' top label is what it predicts."""
    blocks = []
    for row in rows:
        cells = ""
        for model, probs in row["probabilities"].items():
            best = sorted(probs.items(), key=lambda kv: -kv[1])[:top]
            bars = "".join(
                f"<div style='display:flex;gap:6px;align-items:center'><span style='width:110px'>{html.escape(label)}"
                f"</span><span style='background:#60a5fa;height:10px;width:{p * 160:.0f}px'></span>{p:.2f}</div>"
                for label, p in best)
            cells += f"<td style='vertical-align:top;padding:6px'><b>{html.escape(model)}</b>{bars}</td>"
        blocks.append(f"<tr><td style='padding:6px'>{html.escape(row['text'])}</td>{cells}</tr>")
    return f"<table class='lab-predict'>{''.join(blocks)}</table>"


def report_html(report: dict) -> str:
    """Precision, recall, F1 and support per class."""
    body = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{p:.2f}</td><td>{r:.2f}</td><td>{f:.2f}</td><td>{n}</td></tr>"
        for label, p, r, f, n in zip(report["labels"], report["precision"], report["recall"], report["f1"],
                                     report["support"]))
    return ("<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>"
            f"{body}</table>")


def confusion_svg(report: dict, title: str = "", cell: int = 18) -> str:
    """The confusion matrix as a heat map: rows are true classes, columns predicted; the diagonal is right."""
    labels, matrix = report["labels"], report["confusion_matrix"]
    left, topmargin = 120, 110
    size = cell * len(labels)
    peak = max((max(row) for row in matrix), default=0) or 1
    parts = [f"<svg width='{left + size + 10}' height='{topmargin + size + 10}' style='font: 10px sans-serif'>",
             f"<text x='0' y='12' style='font-weight:bold'>{html.escape(title)}</text>",
             f"<text x='{left}' y='28'>predicted →</text><text x='0' y='{topmargin - 4}'>true ↓</text>"]
    for i, label in enumerate(labels):
        name = html.escape(label[:18])
        parts.append(f"<text x='{left - 4}' y='{topmargin + i * cell + cell * 0.7}' text-anchor='end'>{name}</text>")
        x = left + i * cell + cell * 0.7
        parts.append(f"<text x='{x}' y='{topmargin - 4}' transform='rotate(-60 {x} {topmargin - 4})'>{name}</text>")
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            shade = count / peak
            colour = f"rgba(22,163,74,{shade:.2f})" if i == j else f"rgba(220,38,38,{shade:.2f})"
            parts.append(f"<rect x='{left + j * cell}' y='{topmargin + i * cell}' width='{cell}' height='{cell}' "
                         f"fill='{colour}' stroke='#eee'><title>{html.escape(labels[i])} → "
                         f"{html.escape(labels[j])}: {count}</title></rect>")
            if count:
                parts.append(f"<text x='{left + j * cell + cell / 2}' y='{topmargin + i * cell + cell * 0.7}' "
                             f"text-anchor='middle'>{count}</text>")
    return "".join(parts) + "</svg>"


def evaluation_html(result: dict) -> str:
    """Everything a classifier evaluation shows: scores before vs after, confusion matrices, the tuned report."""
    pictures = "".join(confusion_svg(r["report"], f"{r['model']}: accuracy {r['accuracy']:.2f}")
                       for r in result["rows"])
    return (scores_html(result) + f"<div style='display:flex;flex-wrap:wrap;gap:16px'>{pictures}</div>"
            + f"<p><b>Per class ({html.escape(result['rows'][-1]['model'])})</b></p>"
            + report_html(result["rows"][-1]["report"]))


def probabilities_text(rows: list[dict], top: int = 3) -> str:
    lines = []
    for row in rows:
        lines.append(f"## {row['text']}")
        for model, probs in row["probabilities"].items():
            best = sorted(probs.items(), key=lambda kv: -kv[1])[:top]
            lines.append(f"  {model:36} " + "  ".join(f"{label} {p:.2f}" for label, p in best))
    return "\n".join(lines)


def report_text(report: dict) -> str:
    lines = [f"\n{'class':24}{'precision':>11}{'recall':>9}{'F1':>7}{'support':>9}"]
    lines += [f"{label:24}{p:11.2f}{r:9.2f}{f:7.2f}{n:9}" for label, p, r, f, n in
              zip(report["labels"], report["precision"], report["recall"], report["f1"], report["support"])]
    return "\n".join(lines)
