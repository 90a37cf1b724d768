"""App responsiveness: p95 latency of a cheap request (/runs) while a real run trains, vs idle (loopback only,
a bounded number of requests)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time


from common import report  # before any lab import: it sets the offline environment

REQUESTS = 40


def p95(client) -> float:
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.predict(api_name="/runs")
        times.append(time.perf_counter() - start)
    return statistics.quantiles(times, n=20)[-1] * 1000


def main() -> None:
    os.environ["LAB_WORKSPACE"] = tempfile.mkdtemp()
    from gradio_client import Client

    from apps.app import build
    from lab.models import DEFAULT_MODEL
    from lab.runs import TrainConfig, start_run, stop_run

    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    client = Client(demo.local_url, verbose=False)
    idle = p95(client)
    run = start_run(TrainConfig(model=DEFAULT_MODEL, precision="4bit", max_steps=500, data="sample_data"))
    while not run.events("train"):
        time.sleep(1)
    busy = p95(client)
    stop_run(run.id)
    run.wait(timeout=120)
    demo.close()
    report("app_latency", "p95 of /runs, training vs idle", idle, busy, "ms", "<= 300 ms while training")


if __name__ == "__main__":
    main()
