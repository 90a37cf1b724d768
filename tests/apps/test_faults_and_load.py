"""The app under faults and load: kill -9 of the app mid-run, and 8 chat sessions beside a training run.
Loopback only, a bounded number of requests."""

import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

gradio_client = pytest.importorskip("gradio_client")

from lab.runs import get_run  # noqa: E402
from lab.present.runs import COLUMNS as RUN_COLUMNS  # noqa: E402
from tests.helpers import wait_for  # noqa: E402


def serve_app(port: int, model: str) -> subprocess.Popen:
    app = subprocess.Popen([sys.executable, "-m", "lab", "app", "--model", model, "--precision", "fp32",
                            "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: _serves(port), timeout=90)
    return app


def _serves(port: int) -> bool:
    import urllib.request

    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).status == 200
    except OSError:
        return False


def test_kill_9_of_the_app_loses_no_run_and_a_restart_relists_it(lab_home, tiny_model_dir):
    port = 7931
    app = serve_app(port, str(tiny_model_dir))
    client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
    run_id = client.predict(str(tiny_model_dir), "fp32", "lora", "", "sample_data", None, 60, 1e-3, 2, 64,
                            api_name="/train_start")
    wait_for(lambda: get_run(run_id).events("train"))
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    assert get_run(run_id).wait(timeout=180) == "completed"  # the worker never depended on the app

    app = serve_app(port, str(tiny_model_dir))
    try:
        rows = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False).predict(api_name="/runs")["data"]
        step = RUN_COLUMNS.index("step")
        assert [(r[0], r[1], r[step]) for r in rows] == [(run_id, "completed", 60)]
    finally:
        app.terminate()
        app.wait()


def test_eight_chat_sessions_beside_a_training_run(lab_home, tiny_model_dir):
    from apps.app import build

    demo = build(str(tiny_model_dir), "fp32")
    demo.queue(default_concurrency_limit=4).launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        trainer = gradio_client.Client(demo.local_url, verbose=False)
        run_id = trainer.predict(str(tiny_model_dir), "fp32", "lora", "", "sample_data", None, 300, 1e-3, 2, 64,
                                 api_name="/train_start")
        wait_for(lambda: get_run(run_id).events("train"))

        def session(index: int) -> list[float]:
            client = gradio_client.Client(demo.local_url, verbose=False)
            latencies = []
            for turn in range(2):
                start = time.perf_counter()
                history, _ = client.predict(f"Hello {index}.{turn}", [], "base", str(tiny_model_dir), "fp32", "",
                                            8, 0, 1, 50, 1, 0, api_name="/chat")
                assert history[-1]["role"] == "assistant"
                latencies.append(time.perf_counter() - start)
            return latencies

        with ThreadPoolExecutor(8) as pool:
            latencies = [t for result in pool.map(session, range(8)) for t in result]
        assert len(latencies) == 16  # every request answered, none raised
        print(f"chat latency under load: p50 {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s")
        assert get_run(run_id).state == "running"  # training carried on meanwhile
        trainer.predict(run_id, api_name="/train_stop")
        assert get_run(run_id).wait(timeout=120) == "stopped"
    finally:
        demo.close()
