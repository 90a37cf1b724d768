"""The Runs tab's one-run buttons act on the run the user picked last, not on the newest run the page starts with;
a followed run fills the Train tab with its own method's settings and help. Through gradio_client and the handlers,
on the tiny model's finished runs (no training here)."""

import json
import shutil
from pathlib import Path

import pytest

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def picked_client(tmp_path_factory, tiny_runs):
    """The app over a workspace holding copies of three finished runs (the newest first in lab.run_ids)."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("home")
    mp.setenv("LAB_HOME", str(home))
    for name in ("lora", "lora_b", "prompt_tuning"):
        shutil.copytree(tiny_runs[name].path, home / "workspace" / "runs" / tiny_runs[name].id)
    from apps.app import build

    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield gradio_client.Client(demo.local_url, verbose=False)
    demo.close()
    mp.undo()


def test_the_buttons_act_on_the_run_picked_last(picked_client, tiny_runs):
    import lab
    from apps import handlers

    lora, prompt = tiny_runs["lora"].id, tiny_runs["prompt_tuning"].id
    newest = handlers.newest_run_chosen()["value"]  # what the page starts with
    assert newest == [lab.run_ids()[0]]
    older = next(i for i in lab.run_ids()[1:] if i in (lora, prompt))
    picks = [*newest, older]  # the user adds an older run: a multiselect keeps the order of the picks
    assert picked_client.predict(picks, api_name="/run_details")["folder"] == older
    assert Path(picked_client.predict(picks, api_name="/run_download")).name == f"{older}-adapter.zip"
    assert handlers.follow(picks)[0] == older
    assert handlers.run_report(picks) == handlers.run_report([older]) != handlers.run_report(newest)

    for first, last in ((lora, prompt), (prompt, lora)):  # picked in either order: the last one counts
        details = picked_client.predict([first, last], api_name="/run_details")
        assert details["folder"] == last and details["config"]["method"] == tiny_runs[
            "lora" if last == lora else "prompt_tuning"].config["method"]
        assert Path(picked_client.predict([first, last], api_name="/run_download")).name == f"{last}-adapter.zip"
        assert handlers.follow([first, last])[0] == last
    with pytest.raises(Exception, match="cannot be merged"):  # prompt tuning, picked last: not the lora before it
        picked_client.predict([lora, prompt], api_name="/run_merge")

    lora_b = tiny_runs["lora_b"].id
    assert "Deleted" in picked_client.predict([lora, lora_b], True, api_name="/run_delete")
    assert lab.run_ids().count(lora) == 1 and lora_b not in lab.run_ids()  # the one picked last, only
    plot = picked_client.predict([prompt, lora], "step", api_name="/run_curves")  # the chart: every chosen run
    assert [t["name"] for t in json.loads(plot["plot"])["data"]] == ["train (raw)", "train", "validation"] * 2


def test_following_a_prompt_tuning_run_shows_prompt_tunings_help_and_settings(picked_client, tiny_runs):
    import lab
    from apps import handlers
    from lab.present import methods as methods_view

    run = tiny_runs["prompt_tuning"]
    form = dict(zip(handlers.FORM, handlers.run_form(run.id)))
    described = lab.describe_method("prompt_tuning", "chat")
    assert form["method"] == "prompt_tuning" and form["help"] == methods_view.help_markdown(described)
    assert "**prompt_tuning**" in form["help"] and "num_virtual_tokens" in form["help"]
    assert "num_virtual_tokens: " in form["settings"] and "target_modules" not in form["settings"]
    lora = dict(zip(handlers.FORM, handlers.run_form(tiny_runs["lora"].id)))  # and back: the help follows again
    assert lora["help"].startswith("**lora**") and lora["help"] != form["help"]
