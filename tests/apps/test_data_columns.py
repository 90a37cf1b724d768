"""The Data tab's column pickers and the Train tab's data line (issue 29): an uploaded CSV whose columns no format
knows is named by its own file name in every message, its pickers offer its own columns, and once mapped the
preview and the estimate (through the handlers, and through the app's API) read it."""

import html
import json

import gradio as gr
import pytest

import lab
from apps import handlers as h
from lab.runs.launcher import prepare
from lab.runs.store import create_run

CONTROL = "Choose the prompt and response columns (Data tab, Data panel, or --columns prompt=…,response=…)"
MAPPED = "faq.csv: 18 train / 2 validation, columns prompt=query, response=reply, system=persona"
PICKED = ("query", "reply", "persona", "", "")  # prompt, response, system, text, label


@pytest.fixture
def faq(tmp_path, monkeypatch, lab_home):
    """An upload in Gradio's temporary folder (an allowed folder) of a CSV with columns no format knows."""
    uploads = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(uploads))
    path = uploads / "9f3a" / "faq.csv"
    path.parent.mkdir(parents=True)
    path.write_text("query,reply,persona\n" + "".join(f'"Q{i}?","A{i}.",Be brief.\n' for i in range(20)),
                    encoding="utf-8")
    return str(path)


def test_an_unmapped_upload_is_named_by_its_own_name_and_the_fix_names_the_pickers(faq, tiny_model_dir):
    line = h.data_line("sample_data", faq, "chat")
    assert line.startswith("**Data:** faq.csv, row 2: the record has no known format.") and CONTROL in line
    assert "workspace" not in line and "/data/" not in line  # never the copy data/<sha256[:16]>/faq.csv
    with pytest.raises(gr.Error) as caught:
        h.preview_data(str(tiny_model_dir), "sample_data", faq, 64, "chat")
    shown = html.unescape(caught.value.message)
    assert shown.startswith("faq.csv, row 2: the record has no known format.") and CONTROL in shown
    assert "workspace" not in shown


def test_the_pickers_offer_the_uploads_columns_and_keep_a_choice_it_has(faq):
    updates = h.data_columns("sample_data", faq, "query", "question", "", "", "")
    assert [u["choices"] for u in updates] == [[h.DETECTED, *((c, c) for c in ("query", "reply", "persona"))]] * 5
    assert [u["value"] for u in updates] == ["query", "", "", "", ""]  # 'question' is no column of this file
    assert all(u["choices"] == [h.DETECTED] for u in h.data_columns("/etc", None))  # unreadable: none offered


def test_a_mapped_upload_previews_estimates_and_names_its_columns(faq, tiny_model_dir):
    summary, table = h.preview_data(str(tiny_model_dir), "sample_data", faq, 64, "chat", *PICKED)
    assert summary.startswith("**faq.csv** — Format **columns**: 18 train and 2 validation examples")
    assert "Columns: prompt=query, response=reply, system=persona." in summary
    assert table.shape[0] == 8 and "Q0?" in table.iloc[0]["prompt"] and table.iloc[0]["answer"] == "A0."

    assert h.data_line("sample_data", faq, "chat", *PICKED) == f"**Data:** {MAPPED}"
    estimate = h.train_estimate(str(tiny_model_dir), "fp32", "lora", "r: 4", "sample_data", faq, 2, 1e-3, 2, 64,
                                "chat", 1, "ddp", False, *PICKED)
    assert f"**Data:** {MAPPED}" in estimate and "**Trainable:**" in estimate


def test_a_followed_run_fills_the_pickers_with_its_columns(faq, tiny_model_dir):
    config = lab.plan_run(str(tiny_model_dir), "fp32", steps=2, upload=faq,
                          columns=dict(zip(("prompt", "response", "system"), PICKED)))
    run = create_run(prepare(config, force=True))
    assert json.loads((run.path / "config.json").read_text())["system_column"] == "persona"
    assert h.run_form(run.id)[-5:] == PICKED


def test_through_the_apps_api(faq, tiny_model_dir):
    gradio_client = pytest.importorskip("gradio_client")
    from apps.app import build

    demo = build(str(tiny_model_dir), "fp32")
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        client = gradio_client.Client(demo.local_url, verbose=False)
        upload = gradio_client.handle_file(faq)
        columns = dict(zip(("prompt_column", "response_column", "system_column"), PICKED))
        summary, _ = client.predict(str(tiny_model_dir), "sample_data", upload, 64, "chat", **columns,
                                    api_name="/data_preview")
        assert "**faq.csv**" in summary and "Columns: prompt=query" in summary
        assert client.predict("sample_data", upload, "chat", **columns, api_name="/data_line") == f"**Data:** {MAPPED}"
        estimate = client.predict(str(tiny_model_dir), "fp32", "lora", "r: 4", "sample_data", upload, 2, 1e-3, 2, 64,
                                  "chat", 1, "ddp", False, **columns, api_name="/train_estimate")
        assert f"**Data:** {MAPPED}" in estimate
        with pytest.raises(Exception, match="faq.csv, row 2: the record has no known format"):
            client.predict(str(tiny_model_dir), "sample_data", upload, 64, "chat", api_name="/data_preview")
    finally:
        demo.close()
