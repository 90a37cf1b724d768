"""Loss curves of one or more runs (`lab.curves`, `lab.progress(...)["curve"]`) as one plotly figure: per run one
colour, the smoothed train loss as a line over the faint raw loss, the validation loss dashed with markers."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

AXES = {"step": "step", "examples": "examples seen"}
COLOURS = qualitative.Plotly
HEIGHT = 320


def smoothed(values: list[float], weight: float = 0.6) -> list[float]:
    """TensorBoard's smoothing: an exponential moving average divided by (1 - weight^n), so the first points are
    not pulled toward the average's zero start. A nan or inf loss stays as it is and leaves the average alone."""
    if not 0 <= weight < 1:
        raise ValueError(f"smoothing must be in [0, 1), not {weight}")
    out, average, seen = [], 0.0, 0
    for value in values:
        if not math.isfinite(value):
            out.append(value)
            continue
        average, seen = weight * average + (1 - weight) * value, seen + 1
        out.append(average / (1 - weight ** seen))
    return out


def label(run_id: str) -> str:
    """A run id as a legend reads it: '20261129-101500-lora-ab12' -> 'lora ab12 (11-29 10:15)'."""
    parts = re.fullmatch(r"\d{4}(\d\d)(\d\d)-(\d\d)(\d\d)\d\d-(.+)-([0-9a-f]{4})", run_id)
    if not parts:
        return run_id
    month, day, hour, minute, method, tag = parts.groups()
    return f"{method} {tag} ({month}-{day} {hour}:{minute})"


def _column(points: list[dict], key: str) -> np.ndarray:
    # Arrays, not lists: plotly checks them ~30x faster and sends them as compact binary (a 10,000-step run).
    return np.array([p[key] for p in points], dtype=float if key == "loss" else int)


def _traces(curve: dict, x: str, smoothing: float, colour: str) -> list[go.Scatter]:
    name, train, validation = label(curve["id"]), curve["train"], curve["validation"]
    common = dict(legendgroup=curve["id"], line_color=colour)
    steps, raw = _column(train, x), _column(train, "loss")
    return [
        go.Scatter(x=steps, y=raw, mode="lines", name="train (raw)", showlegend=False, opacity=0.3, line_width=1,
                   hovertemplate=f"{name} train (raw) %{{y:.4f}}<extra></extra>", **common),
        go.Scatter(x=steps, y=np.array(smoothed(raw, smoothing)), mode="lines", name="train", line_width=2,
                   legendgrouptitle_text=name, hovertemplate=f"{name} train %{{y:.4f}}<extra></extra>", **common),
        go.Scatter(x=_column(validation, x), y=_column(validation, "loss"), mode="lines+markers",
                   name="validation", line_dash="dash", marker_size=7,
                   hovertemplate=f"{name} validation %{{y:.4f}}<extra></extra>", **common),
    ]


def figure(curves: list[dict], x: str = "step", smoothing: float = 0.6) -> go.Figure:
    """The runs' losses against `x` ("step" or "examples" seen); clicking a run in the legend hides all its lines."""
    if x not in AXES:
        raise ValueError(f"x must be one of {', '.join(AXES)}, not {x!r}")
    fig = go.Figure(layout=dict(
        height=HEIGHT, margin=dict(l=56, r=16, t=28, b=44), template="plotly_white", hovermode="x unified",
        xaxis_title=AXES[x], yaxis_title="loss", legend=dict(tracegroupgap=8),
        # Same runs and axis: the app's redraw (Plotly.react) keeps the user's zoom and hidden lines.
        uirevision=f"{x} {' '.join(c['id'] for c in curves)}"))
    drawn = [c for c in curves if c["train"] or c["validation"]]
    for i, curve in enumerate(curves):  # a run keeps its colour whether or not the runs before it have points
        colour = COLOURS[i % len(COLOURS)]
        if curve in drawn:
            fig.add_traces(_traces(curve, x, smoothing, colour))
        elif drawn:  # a chosen run stopped before its first logged loss stays in the legend, not silently gone
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="no loss logged", line_color=colour,
                                     legendgroup=curve["id"], legendgrouptitle_text=label(curve["id"])))
    if not drawn:
        fig.add_annotation(text="No loss yet", showarrow=False, font_size=14, xref="paper", yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig


def notebook(fig: go.Figure) -> dict:
    """The figure as a notebook output of plotly's own mime type, which JupyterLab draws with the extension that
    the plotly package installs (whatever plotly's renderer setting is)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"application/vnd.plotly.v1+json": json.loads(fig.to_json()),
                     "text/plain": "A loss chart: JupyterLab draws it when plotly is installed where JupyterLab runs."}}
