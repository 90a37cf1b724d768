"""Loss curves: points ({step, loss, series: train | validation}) drawn as a small inline SVG."""

from __future__ import annotations


def svg(points: list[dict], width: int = 560, height: int = 220) -> str:
    """Train loss as a line, validation loss as dots."""
    if not points:
        return "<i>No loss yet.</i>"
    pad = 36
    steps = [p["step"] for p in points]
    losses = [p["loss"] for p in points]
    x0, x1 = min(steps), max(max(steps), min(steps) + 1)
    y0, y1 = min(losses), max(max(losses), min(losses) + 1e-6)

    def xy(p):
        x = pad + (p["step"] - x0) / (x1 - x0) * (width - 2 * pad)
        y = height - pad - (p["loss"] - y0) / (y1 - y0) * (height - 2 * pad)
        return x, y

    train = " ".join("{:.1f},{:.1f}".format(*xy(p)) for p in points if p["series"] == "train")
    dots = "".join("<circle cx='{:.1f}' cy='{:.1f}' r='4' fill='#2563eb'/>".format(*xy(p))
                   for p in points if p["series"] == "validation")
    return (f"<svg width='{width}' height='{height}' style='font: 11px sans-serif'>"
            f"<rect x='{pad}' y='{pad}' width='{width - 2 * pad}' height='{height - 2 * pad}' fill='none' stroke='#ddd'/>"
            f"<polyline points='{train}' fill='none' stroke='#f97316' stroke-width='2'/>{dots}"
            f"<text x='{pad}' y='{pad - 8}'>{y1:.3f}</text><text x='{pad}' y='{height - 8}'>{y0:.3f}</text>"
            f"<text x='{width - pad - 60}' y='{height - 8}'>step {x1}</text>"
            f"<text x='{width - pad - 150}' y='{pad - 8}' fill='#f97316'>train</text>"
            f"<text x='{width - pad - 90}' y='{pad - 8}' fill='#2563eb'>validation</text></svg>")
