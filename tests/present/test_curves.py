"""The loss chart on plain curve dicts (the shape lab.curves returns): traces, smoothing, axes, the empty chart."""

import math

import pytest

from lab.present import curves

RUN_A = {"id": "20261129-101500-lora-ab12",
         "train": [{"step": 1, "examples": 8, "loss": 2.0}, {"step": 2, "examples": 16, "loss": 1.0},
                   {"step": 3, "examples": 24, "loss": 1.5}],
         "validation": [{"step": 0, "examples": 0, "loss": 2.5}, {"step": 3, "examples": 24, "loss": 1.25}]}
RUN_B = {"id": "20261130-090000-prompt_tuning-00ff", "train": [{"step": 1, "examples": 2, "loss": 3.0}],
         "validation": []}


def test_each_run_gets_raw_smoothed_and_validation_traces_in_one_colour_and_legend_group():
    fig = curves.figure([RUN_A, RUN_B])
    assert [t.name for t in fig.data] == ["train (raw)", "train", "validation"] * 2
    for run, traces in ((RUN_A, fig.data[:3]), (RUN_B, fig.data[3:])):
        assert {t.legendgroup for t in traces} == {run["id"]} and len({t.line.color for t in traces}) == 1
    assert fig.data[0].line.color != fig.data[3].line.color
    raw, smooth, validation = fig.data[:3]
    assert list(raw.y) == [2.0, 1.0, 1.5] and raw.showlegend is False and raw.opacity < 1
    assert validation.line.dash == "dash" and validation.mode == "lines+markers" and list(validation.x) == [0, 3]
    assert smooth.legendgrouptitle.text == "lora ab12 (11-29 10:15)" and "lora ab12" in raw.hovertemplate
    assert fig.layout.hovermode == "x unified" and fig.layout.height == curves.HEIGHT
    assert fig.layout.xaxis.title.text == "step" and fig.layout.yaxis.title.text == "loss"


def test_smoothing_is_tensorboards_debiased_moving_average():
    assert curves.smoothed([2.0, 1.0, 1.5], 0.6) == pytest.approx([2.0, (0.24 * 2 + 0.4) / 0.64,
                                                                   (0.6 * (0.24 * 2 + 0.4) + 0.6) / (1 - 0.6 ** 3)])
    assert curves.smoothed([2.0, 1.0], 0) == [2.0, 1.0]
    with_nan = curves.smoothed([2.0, math.nan, 2.0], 0.9)
    assert with_nan[0] == with_nan[2] == pytest.approx(2.0) and math.isnan(with_nan[1])
    assert list(curves.figure([RUN_A]).data[1].y) == pytest.approx(curves.smoothed([2.0, 1.0, 1.5]))
    with pytest.raises(ValueError):
        curves.smoothed([1.0], 1.0)


def test_examples_seen_on_the_x_axis():
    fig = curves.figure([RUN_A], x="examples")
    assert list(fig.data[0].x) == [8, 16, 24] and list(fig.data[2].x) == [0, 24]
    assert fig.layout.xaxis.title.text == "examples seen"
    with pytest.raises(ValueError, match="x must be"):
        curves.figure([RUN_A], x="epoch")


def test_no_points_draws_a_note_instead_of_empty_axes():
    for empty in ([], [{"id": "r", "train": [], "validation": []}]):
        fig = curves.figure(empty)
        assert fig.data == () and fig.layout.annotations[0].text == "No loss yet"


def test_a_run_without_points_keeps_the_next_runs_colour():
    alone, after_empty = curves.figure([RUN_B]), curves.figure([{**RUN_A, "train": [], "validation": []}, RUN_B])
    assert alone.data[0].line.color != after_empty.data[1].line.color == curves.COLOURS[1]


def test_a_chosen_run_without_points_stays_in_the_legend():
    fig = curves.figure([{**RUN_A, "train": [], "validation": []}, RUN_B])
    placeholder = fig.data[0]
    assert placeholder.name == "no loss logged" and placeholder.legendgrouptitle.text == curves.label(RUN_A["id"])
    assert [t.name for t in fig.data[1:]] == ["train (raw)", "train", "validation"]


def test_labels_shorten_run_ids_and_keep_other_names():
    assert curves.label("20261130-090000-prompt_tuning-00ff") == "prompt_tuning 00ff (11-30 09:00)"
    assert curves.label("my-run") == "my-run"


def test_the_notebook_output_is_plotlys_mime_bundle():
    output = curves.notebook(curves.figure([RUN_A]))
    bundle = output["data"]["application/vnd.plotly.v1+json"]
    assert output["output_type"] == "display_data" and len(bundle["data"]) == 3 and "layout" in bundle
