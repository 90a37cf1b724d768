"""Soak: the app, in a process of its own, serves 16 scripted gradio_client sessions for LAB_SOAK_MINUTES
(default 1, for CI's time; the 10-minute soak is run by hand: LAB_SOAK_MINUTES=10 pytest -s
tests/e2e/test_soak.py) while runs train one after another. Asserted: zero errors, the app stays up, every run
ends completed or stopped, and the app's memory after the soak is within 10 % of its memory after warm-up.
Status-poll latency is printed (no timed asserts). Loopback only, the tiny model."""

import os
import socket
import statistics
import subprocess
import sys
import threading
import time

import pytest

gradio_client = pytest.importorskip("gradio_client")
psutil = pytest.importorskip("psutil")

from lab.runs import get_run  # noqa: E402
from lab.runs.store import FINAL  # noqa: E402
from tests.helpers import wait_for  # noqa: E402

SESSIONS = 16
RUN_STEPS = 300  # each run trains for a while, so training goes on throughout the soak
WARM_UP_TICKS = 8  # every session goes once through its script before memory is first measured
TICK_SECONDS = 1.0  # a session polls the status once a second, like the page's timer
MEMORY_GROWTH = 0.10
# What a session does after each status poll, in turn (each session starts at its own place in the script).
SCRIPT = ["/runs", "/run_details", "/chat base", "/runs", "/compare", "/run_details", "/chat run", "/evaluate"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(url: str):
    """A scripted session. Plain http on loopback has no certificate to verify; with verification on, httpx loads
    the CA bundle for every request (about 25 ms of CPU each), and the 16 sessions then used more of the machine's
    two cores than the app they measure: a visitor's browser runs on another machine."""
    return gradio_client.Client(url, verbose=False, ssl_verify=False)


def serves(url: str) -> bool:
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=1).status == 200
    except OSError:
        return False


def resident_mib(pid: int) -> float:
    """The app's memory with its model process's (chat, compare and evaluate run there), not its training workers'."""
    app = psutil.Process(pid)
    return sum(process.memory_info().rss for process in [app, *model_work(app)]) / 2**20


def model_work(app) -> list:
    found = []
    for child in app.children():
        try:
            if "apps.model_work" in child.cmdline():
                found.append(child)
        except psutil.Error:  # a training worker that ended (a zombie until the app reaps it)
            pass
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Soak:
    """The shared record of the sessions and the training driver: runs started and finished, latencies, errors."""

    def __init__(self, url: str, model: str):
        self.url, self.model = url, model
        self.started, self.finished = [], []
        self.polls, self.others, self.errors = [], {}, []
        self.in_flight = {}  # session -> (action, when it was asked): what a stuck soak is waiting for
        self.stop = threading.Event()
        self.warmed = threading.Barrier(SESSIONS + 1)
        self.lock = threading.Lock()

    def start_run(self, client, steps: int) -> str:
        run_id = client.predict(self.model, "fp32", "lora", "", "sample_data", None, steps, 1e-3, 2, 64,
                                api_name="/train_start")
        self.started.append(run_id)
        return run_id

    def train_one_after_another(self) -> None:
        """Start a run, wait for its end, start the next; at the end of the soak, stop the one still training."""
        client = connect(self.url)
        while not self.stop.is_set():
            try:
                run = get_run(self.start_run(client, RUN_STEPS))
                while run.state not in FINAL and not self.stop.wait(1):
                    pass
                if run.state not in FINAL:
                    self.stop_run(client, run)
                elif run.state == "completed":
                    self.finished.append(run.id)
            except Exception as error:  # counted, and the soak goes on
                self.failed("training one run after another", error)

    @staticmethod
    def stop_run(client, run) -> None:
        try:
            client.predict(run.id, api_name="/train_stop")
        except Exception:
            if run.state not in FINAL:  # else it ended on its own meanwhile: nothing to stop
                raise

    def session(self, index: int) -> None:
        client = connect(self.url)
        tick = 0
        while not self.stop.is_set():
            began = time.perf_counter()
            self.request(client, "/train_status", index)
            self.request(client, SCRIPT[(index + tick) % len(SCRIPT)], index)
            tick += 1
            if tick == WARM_UP_TICKS:
                try:
                    self.warmed.wait()
                except threading.BrokenBarrierError:  # the warm-up failed: the test says why
                    return
            time.sleep(max(0.0, TICK_SECONDS - (time.perf_counter() - began)))

    def request(self, client, action: str, index: int) -> None:
        run = self.finished[-1]
        endpoint, _, adapter = action.partition(" ")
        arguments = {
            "/train_status": ("",),
            "/runs": (),
            "/run_details": (run,),
            "/chat": (f"Hello {index}", [], run if adapter == "run" else "base", self.model, "fp32", "", 8, 0, 1, 50,
                      1, 0),
            "/compare": ([run], "Hello", 8, 0, 1, 50, 1, 0),
            "/evaluate": ([run], 2, 4),
        }[endpoint]
        began = self.in_flight[index] = (action, time.perf_counter())
        try:
            client.predict(*arguments, api_name=endpoint)
        except Exception as error:
            self.failed(action, error)
            return
        finally:
            del self.in_flight[index]
        took = time.perf_counter() - began[1]
        with self.lock:
            (self.polls if endpoint == "/train_status" else self.others.setdefault(action, [])).append(took)

    def failed(self, action: str, error: Exception) -> None:
        with self.lock:
            self.errors.append(f"{action}: {type(error).__name__}: {error}")


@pytest.mark.slow
def test_sixteen_sessions_for_minutes_while_runs_train(lab_home, tiny_model_dir, tmp_path, monkeypatch):
    minutes = float(os.environ.get("LAB_SOAK_MINUTES", "1"))
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path / "workspace"))
    port, model, log = free_port(), str(tiny_model_dir), tmp_path / "app.log"
    with open(log, "w") as output:
        app = subprocess.Popen([sys.executable, "-m", "lab", "app", "--model", model, "--precision", "fp32",
                                "--port", str(port)], stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    soak = Soak(url, model)
    try:
        wait_for(lambda: serves(url), timeout=120)
        first = soak.start_run(connect(url), 10)  # compare, chat and evaluate need one
        assert get_run(first).wait(timeout=300) == "completed"
        soak.finished.append(first)

        threads = [threading.Thread(target=soak.train_one_after_another)]
        threads += [threading.Thread(target=soak.session, args=(i,)) for i in range(SESSIONS)]
        for thread in threads:
            thread.start()
        try:
            soak.warmed.wait(timeout=300)
        except threading.BrokenBarrierError:
            waiting = [(action, round(time.perf_counter() - asked)) for action, asked in soak.in_flight.values()]
            done = {action: len(times) for action, times in soak.others.items()}
            raise AssertionError(f"the warm-up did not end: waiting on {waiting}, done {done}") from None
        time.sleep(2)  # the last warm-up requests settle
        warm = resident_mib(app.pid)
        deadline, memory = time.time() + 60 * minutes, [warm]  # every 30 s: a trend the lead can read
        while time.time() < deadline and app.poll() is None:
            time.sleep(min(30.0, max(0.0, deadline - time.time())))
            memory.append(resident_mib(app.pid))
        soak.stop.set()
        for thread in threads:
            thread.join(timeout=300)
        time.sleep(2)
        assert app.poll() is None, log.read_text()[-3000:]  # the app stayed up
        after = resident_mib(app.pid)

        endings = {run_id: get_run(run_id).wait(timeout=180) for run_id in soak.started}
        others = ", ".join(f"{action} p95 {percentile(times, 0.95) * 1000:.0f} ms"
                           for action, times in sorted(soak.others.items()))
        print(f"\nsoak: {minutes:g} min, {SESSIONS} sessions, {len(soak.polls)} status polls: "
              f"p50 {statistics.median(soak.polls) * 1000:.0f} ms, p95 {percentile(soak.polls, 0.95) * 1000:.0f} ms, "
              f"max {max(soak.polls) * 1000:.0f} ms\n"
              f"other requests: {sum(map(len, soak.others.values()))} ({others})\n"
              f"runs: {len(endings)} ({', '.join(sorted(set(endings.values())))}); errors: {len(soak.errors)}\n"
              f"app memory: {warm:.0f} MiB after warm-up, {after:.0f} MiB after the soak "
              f"({(after / warm - 1) * 100:+.1f} %); every 30 s: {' '.join(f'{m:.0f}' for m in memory)} MiB")
        assert soak.errors == [], "\n".join([*soak.errors[:5], log.read_text()[-3000:]])
        unclean = {run_id: get_run(run_id).status() for run_id, state in endings.items()
                   if state not in ("completed", "stopped")}
        assert unclean == {}  # every run finished or stopped cleanly
        assert after <= warm * (1 + MEMORY_GROWTH)
    finally:
        soak.stop.set()
        app.terminate()
        app.wait()
