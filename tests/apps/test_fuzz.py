"""Endpoint fuzzing: every api_name of the app and of the demo page (enumerated from gradio_client's view_api, so a
new endpoint is covered at once) gets generated bad values through gradio_client: wrong types, empty, huge,
negative, NaN (as text: JSON, and so gradio_client, has no NaN; a bare NaN in a request's body is sent by plain
HTTP below), unicode, paths with `..`, ids of missing, deleted
or too long runs, the id of a run that is training.

Every failure must reach the page as a message: a LabError's, or a field's refusal (Gradio's choices and bounds,
apps/fields.py); the only bare "Error" allowed is Gradio's own data model refusing a value before any of the lab's
code runs (a file or a chat history that is no such thing: the page never sends one). No message names a path of
the server, the console shows no traceback for a user's error, the app stays up, and the run store is the same
afterwards. Nothing can start: the app runs with LAB_MEMORY_LIMIT=1KiB (every estimate refuses), `force` only gets
false values, and a value that could name a real run stays out of the calls that would act on it (stop, resume,
delete, ...). The values come from a seeded random.Random (hypothesis is not a dependency): the same calls every
time."""

import os
import random
import tempfile
import time
from pathlib import Path

import pytest

gradio_client = pytest.importorskip("gradio_client")

from gradio_client.exceptions import AppError  # noqa: E402

SEED = 20  # the number: change it to explore other combinations
CALLS_PER_ENDPOINT = 10  # plus one call with every parameter bad at once (the demo page's two: 30 each)
CALL_TIMEOUT = 60  # seconds: a call that hangs fails the test instead of the test hanging
UNHANDLED = "has not enabled verbose error reporting"  # gradio_client's text for an exception that is no gr.Error
GRADIO_REFUSALS = ("is not in the list of choices", "is greater than maximum value", "is less than minimum value",
                   "must be a number, not")
# endpoints that would start, stop or remove something given a real run id (or a truthy `force`)
ACTS_ON_RUNS = {"/train_stop", "/train_resume", "/run_delete", "/run_merge", "/run_demo", "/run_download",
                "/run_import"}
MISSING_RUN = "20990101-000000-lora-dead"


def bad_values(deleted_run: str) -> list:
    """Values no form of the page would send, or that no field should accept."""
    return [
        None, "", " ", "\n\n", 0, -1, -(10 ** 18), 10 ** 30, 2.5, 1e308, -1e-308, "NaN", "Infinity", "-inf",
        True, False, [], {}, [None], [1, "a"], {"a": 1}, [{"role": "x"}], "x" * 20_000, "r" * 300,
        "é中文🙂\u202e\u0000", "<script>alert(1)</script>", "%s%n{0}{}", "-1", "nan", "1e309",
        "../../../etc/passwd", "/etc/passwd", "~/.ssh/id_rsa", "sample_data/../../..", "runs/../..", "/",
        MISSING_RUN, deleted_run, [MISSING_RUN], [deleted_run, "../x"],
    ]


def acts_on(value, run_ids) -> bool:
    """Whether a value could name a real run (an id, or a unique prefix or suffix of one)."""
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, list) else []
    return any(t and (r.startswith(t) or r.endswith(t) or t in r) for t in texts for r in run_ids)


def fuzzed_calls(api: dict, pool: list, run_ids: list[str], per_endpoint: int):
    """(endpoint, args): per endpoint, the page's defaults with one to three parameters replaced by bad values,
    and once with all of them bad."""
    rng = random.Random(SEED)
    for name, endpoint in sorted(api["named_endpoints"].items()):
        params = endpoint["parameters"]
        defaults = [p["parameter_default"] if p.get("parameter_has_default") else None for p in params]
        for call in range(per_endpoint + 1 if params else 1):
            args = list(defaults)
            chosen = range(len(params)) if call == per_endpoint else rng.sample(
                range(len(params)), min(len(params), rng.randint(1, 3)))
            for i in chosen:
                args[i] = rng.choice(pool)
                if name in ACTS_ON_RUNS and acts_on(args[i], run_ids) or params[i]["parameter_name"] == "force":
                    args[i] = rng.choice([None, "", 0, False, []])
            yield name, args


REPO = Path(__file__).resolve().parents[2]
OWN_CODE = (f'File "{REPO}/apps/', f'File "{REPO}/lab/')  # a traceback through these: the lab's own failure


def outcome(client, name: str, args: list, capfd) -> tuple[str, str, str]:
    """(kind, text, the app's console meanwhile) of one call; kind: "ok"; "message", the lab's; "refused", a
    field's (Gradio's choices and bounds, apps/fields.py); "payload", a value Gradio's own data model (a file, a
    chat history) cannot read, refused before any of the lab's code runs; "unhandled", an exception in the lab's
    code or no answer."""
    capfd.readouterr()
    try:
        client.submit(*args, api_name=name).result(timeout=CALL_TIMEOUT)
        return "ok", "", capfd.readouterr().err
    except AppError as error:
        text, console = str(error), capfd.readouterr().err
        if UNHANDLED in text or not text.strip():
            return ("unhandled" if any(frame in console for frame in OWN_CODE) else "payload"), text, console
        return ("refused" if any(r in text for r in GRADIO_REFUSALS) else "message"), text, console
    except Exception as error:  # no answer at all (a lost stream, a timeout): the app failed this call
        return "unhandled", f"{type(error).__name__}: {error}", capfd.readouterr().err


def server_paths(*extra) -> list[str]:
    """Folders of this machine a page's visitor must not see named."""
    from lab.runs.store import workspace

    roots = {workspace(), Path(os.environ["LAB_HOME"]), Path(tempfile.gettempdir()), Path.home(),
             Path(__file__).resolve().parents[2], *map(Path, extra)}
    return sorted({str(form) + "/" for root in roots for form in (root, root.resolve()) if str(form) != "/"})


def run_store(root: Path) -> dict:
    """Every run folder with its config and status, as they are on disk."""
    return {p.name: {f: (p / f).read_text() if (p / f).exists() else None for f in ("config.json", "status.json")}
            for p in sorted(root.iterdir())} if root.is_dir() else {}


def fuzz(client, pool, run_ids, not_shown, capfd, per_endpoint=CALLS_PER_ENDPOINT) -> dict:
    """Every fuzzed call; returns the counts by outcome. Fails on an exception in the lab's code, a server path
    shown, or a traceback in the console for a user's error."""
    api = client.view_api(print_info=False, return_format="dict")
    assert api["named_endpoints"] and not api["unnamed_endpoints"]
    counts, problems = dict.fromkeys(["ok", "message", "refused", "payload", "unhandled"], 0), []
    slowest = []
    for name, args in fuzzed_calls(api, pool, run_ids, per_endpoint):
        started = time.monotonic()
        kind, text, console = outcome(client, name, args, capfd)
        slowest = sorted([*slowest, (round(time.monotonic() - started, 1), name, kind)], reverse=True)[:5]
        counts[kind] += 1
        shown = [path for path in not_shown if path in text and path not in str(args)]  # echoing the visitor is fine
        traceback = kind in ("message", "refused") and "Traceback" in console  # a user's error: no traceback
        if kind == "unhandled" or shown or traceback:
            problems.append(f"{name}{tuple(repr(a)[:40] for a in args)}: {kind} {shown} {traceback} {text[:300]!r}")
    calls = sum(counts.values())
    print(f"fuzzed {calls} calls of {len(api['named_endpoints'])} endpoints: {counts}; slowest: {slowest}")
    assert not problems, "\n".join(problems)
    return {**counts, "calls": calls}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, tiny_model_dir):
    """A LAB_HOME whose workspace holds a run that is training (its status says so, its pid is alive: this
    process) and remembers a deleted one; every estimate refuses, so nothing can start."""
    from lab.runs.config import TrainConfig
    from lab.runs.store import create_run, delete_run, runs_root

    mp = pytest.MonkeyPatch()
    mp.setenv("LAB_HOME", str(tmp_path_factory.mktemp("home")))
    mp.setenv("LAB_MEMORY_LIMIT", "1KiB")
    config = dict(model=str(tiny_model_dir), precision="fp32", method="lora", data="tests/assets/data/messages.jsonl",
                  max_steps=3, batch_size=2, max_length=64)
    deleted = create_run(TrainConfig(**config))
    deleted.set_status("completed")
    delete_run(deleted.id)
    training = create_run(TrainConfig(**config))
    training.set_status("running", pid=os.getpid(), started=0)
    yield {"root": runs_root(), "training": training.id, "deleted": deleted.id}
    mp.undo()


@pytest.fixture(scope="module")
def app_client(workspace, tiny_model_dir):
    from apps.app import build

    demo = build("tiny-random-llama", "fp32")
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield gradio_client.Client(demo.local_url, verbose=False)
    demo.close()


def test_no_bad_input_crashes_the_app_shows_a_server_path_or_changes_a_run(app_client, workspace, tiny_model_dir,
                                                                            capfd):
    before = run_store(workspace["root"])
    pool = [*bad_values(workspace["deleted"]), workspace["training"], [workspace["training"], MISSING_RUN]]
    counts = fuzz(app_client, pool, [workspace["training"]], server_paths(tiny_model_dir), capfd)
    assert counts["message"] > counts["ok"]  # most calls were refused with a message: the values were bad
    assert run_store(workspace["root"]) == before
    assert [row[0] for row in app_client.predict(api_name="/runs")["data"]] == [workspace["training"]]  # still up


def test_the_demo_page_too(workspace, tiny_model_dir, tmp_path_factory, capfd):
    from apps.demo import build_demo
    from lab.runs.config import TrainConfig
    from lab.runs.store import create_run
    from lab.runs.training import train

    run = create_run(TrainConfig(model=str(tiny_model_dir), precision="fp32", method="lora",
                                 data="tests/assets/data/messages.jsonl", max_steps=2, batch_size=2, max_length=64,
                                 samples=0, report_examples=0), tmp_path_factory.mktemp("elsewhere"))
    train(run)
    run.set_status("completed")
    demo = build_demo([str(run.path)])
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        client = gradio_client.Client(demo.local_url, verbose=False)
        pool = [*bad_values(workspace["deleted"]), run.id, str(run.path), str(run.path / "adapter")]
        fuzz(client, pool, [], server_paths(tiny_model_dir, run.path), capfd, per_endpoint=3 * CALLS_PER_ENDPOINT)
        assert client.predict(run.id, api_name="/demo_run")[1]  # still up: the model card
    finally:
        demo.close()


def test_a_users_error_is_one_line_in_the_apps_console_and_no_traceback(app_client, capfd, caplog):
    capfd.readouterr()
    with pytest.raises(AppError, match="Unknown model") as raised:
        app_client.predict("no-such-model", "fp32", api_name="/model_load")
    assert "Traceback" not in capfd.readouterr().err  # Gradio prints one for a gr.Error unless told not to
    logged = [m for m in caplog.messages if m.startswith("[lab] ")]
    assert len(logged) == 1 and logged[0].startswith("[lab] Unknown model 'no-such-model'. ")
    assert UNHANDLED not in str(raised.value)


def test_a_bare_nan_or_infinity_in_a_request_body(app_client, workspace, capfd):
    """Python's JSON parser, and so the server's, reads a bare NaN or Infinity: a number field must refuse it as it
    refuses text (before: a seed of NaN reached round() in Gradio's Number)."""
    import json
    import urllib.request

    api = app_client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    before, problems = run_store(workspace["root"]), []
    for name, endpoint in sorted(api.items()):
        for bad in ("NaN", "Infinity", "-Infinity"):
            data = ",".join("false" if p["parameter_name"] == "force" else bad for p in endpoint["parameters"])
            url = f"{app_client.src.rstrip('/')}/gradio_api/call{name}"
            capfd.readouterr()
            request = urllib.request.Request(url, f'{{"data": [{data}]}}'.encode(),
                                             {"Content-Type": "application/json"})
            event = json.loads(urllib.request.urlopen(request, timeout=CALL_TIMEOUT).read())["event_id"]
            stream = urllib.request.urlopen(f"{url}/{event}", timeout=CALL_TIMEOUT).read().decode()
            console = capfd.readouterr().err
            if any(frame in console for frame in OWN_CODE):
                problems.append(f"{name} {bad}: {stream[-300:]!r} {console[-500:]}")
    assert not problems, "\n".join(problems)
    assert run_store(workspace["root"]) == before
