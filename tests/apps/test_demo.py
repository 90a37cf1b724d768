"""The demo of chosen runs (`apps/demo.py`, `lab.DemoRuns`): only its own endpoints, only its own runs, no paths;
chat through it with gradio_client; the app's button and the action's refusals."""

import shutil

import pytest

import lab

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, tiny_runs):
    """A LAB_HOME whose workspace holds two finished LoRA runs of the tiny model."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("home")
    mp.setenv("LAB_HOME", str(home))
    for name in ("lora", "lora_b"):
        shutil.copytree(tiny_runs[name].path, home / "workspace" / "runs" / tiny_runs[name].id)
    yield home / "workspace"
    mp.undo()


@pytest.fixture(scope="module")
def demo_client(workspace, tiny_runs):
    from apps.demo import build_demo

    demo = build_demo([tiny_runs["lora"].id])
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield gradio_client.Client(demo.local_url, verbose=False)
    demo.close()


def test_the_api_lists_only_the_demos_endpoints(demo_client):
    api = demo_client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/demo_chat", "/demo_run"}
    assert api["unnamed_endpoints"] == {}
    for other in ("/train_start", "/run_delete", "/run_download", "/chat", "/model_load", "/data_preview"):
        with pytest.raises(ValueError, match="Cannot find a function"):
            demo_client.predict(api_name=other)


def test_chat_answers_with_the_tuned_model_and_the_base_beside_it(demo_client, tiny_runs):
    run_id = tiny_runs["lora"].id
    tuned, base, cleared = demo_client.predict("Hello", [], [], run_id, False, api_name="/demo_chat")
    assert [m["role"] for m in tuned] == ["user", "assistant"] and base == [] and cleared == ""
    tuned, base, _ = demo_client.predict("And then?", tuned, [], run_id, True, api_name="/demo_chat")
    assert [m["role"] for m in tuned] == ["user", "assistant"] * 2
    assert [m["role"] for m in base] == ["user", "assistant"] and "And then?" in str(base[0]["content"])


def test_the_run_view_shows_examples_card_and_report_without_local_paths(demo_client, tiny_runs, tiny_model_dir):
    examples, card, report = demo_client.predict(tiny_runs["lora"].id, api_name="/demo_run")
    assert examples["samples"] and all(len(sample) == 1 for sample in examples["samples"])
    assert "lora" in card and str(tiny_model_dir) not in card and str(tiny_runs["lora"].path) not in card
    assert "the base: validation loss" in report


@pytest.mark.parametrize("asked", ["other run", "a run's folder", "a path", "a prefix"])
def test_any_other_run_or_a_path_is_refused(demo_client, tiny_runs, asked):
    value = {"other run": tiny_runs["lora_b"].id, "a run's folder": str(tiny_runs["lora"].path),
             "a path": "/etc/passwd", "a prefix": tiny_runs["lora"].id[:8]}[asked]
    for call in (lambda: demo_client.predict("Hello", [], [], value, False, api_name="/demo_chat"),
                 lambda: demo_client.predict(value, api_name="/demo_run")):
        with pytest.raises(Exception, match="not in the list of choices"):  # Gradio's own check of the dropdown
            call()


def test_the_action_refuses_what_the_page_did_not_offer(workspace, tiny_runs):
    runs = lab.DemoRuns([tiny_runs["lora"].id])
    with pytest.raises(lab.LabError, match="is not one of this demo's runs") as refused:
        runs.run(tiny_runs["lora_b"].id)
    assert tiny_runs["lora"].id in refused.value.fix  # it names the runs it shows
    for path in (str(tiny_runs["lora"].path), "../runs/x", "~/.ssh/id_rsa", "C:\\Users"):
        with pytest.raises(lab.LabError, match="takes a run's id, not a path"):
            runs.showcase(path)
    with pytest.raises(lab.LabError, match="No message"):
        runs.reply(tiny_runs["lora"].id, "  ")


def test_a_demo_starts_only_with_finished_chat_runs_of_one_base(workspace, tiny_runs, tiny_model_dir, tmp_path):
    with pytest.raises(lab.LabError, match="No run 'no-such-run'"):
        lab.DemoRuns(["no-such-run"])
    with pytest.raises(lab.LabError, match="No run chosen"):
        lab.DemoRuns([])
    unfinished = shutil.copytree(tiny_runs["lora_b"].path, tmp_path / "unfinished")
    shutil.rmtree(unfinished / "adapter")
    with pytest.raises(lab.LabError, match="has no trained adapter"):
        lab.DemoRuns([str(unfinished)])
    other_base = shutil.copytree(tiny_runs["lora_b"].path, tmp_path / "other-base")
    config = (other_base / "config.json").read_text().replace(str(tiny_model_dir), "smollm2-135m-instruct")
    (other_base / "config.json").write_text(config)
    with pytest.raises(lab.LabError, match="must share one base model"):
        lab.DemoRuns([tiny_runs["lora"].id, str(other_base)])
    assert lab.DemoRuns([tiny_runs["lora"].id, tiny_runs["lora"].id]).ids == [tiny_runs["lora"].id]


def test_local_paths_are_cut_to_their_last_name():
    from lab.actions.demo import without_local_paths

    card = ('base_model: /home/ada/models/tiny\ntrained with [lab](https://github.com/x) on `/data/chat.jsonl`.\n'
            'from_pretrained("/runs/20250101-lora-ab12/adapter") and C:\\Users\\ada\\run; 2 / 3 and/or ~/secret/key')
    assert without_local_paths(card) == (
        "base_model: tiny\ntrained with [lab](https://github.com/x) on `chat.jsonl`.\n"
        'from_pretrained("adapter") and run; 2 / 3 and/or key')


def test_the_apps_runs_tab_serves_one_demo_per_set_of_runs(workspace, tiny_runs):
    import urllib.request

    from apps import demo as demo_page
    from apps.app import build

    app = build()
    app.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    client = gradio_client.Client(app.local_url, verbose=False)
    run_id = tiny_runs["lora"].id
    try:
        link = client.predict([run_id], api_name="/run_demo")
        url = demo_page.serve([run_id])  # a second click: the same server
        assert f"]({url})" in link and url.startswith("http://127.0.0.1:") and url != app.local_url
        assert urllib.request.urlopen(url, timeout=10).status == 200
        with pytest.raises(Exception, match="No run 'no-such-run'"):
            client.predict(["no-such-run"], api_name="/run_demo")
    finally:
        demo_page.SERVING.pop((run_id,)).close()
        app.close()
