"""Cold start: seconds until `lab app` serves its page (warm install) vs a bare Gradio app, and the one-time
conversion of the bundled model into a fresh LAB_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


from common import report  # before any lab import: it sets the offline environment

BARE = "import gradio as gr\nwith gr.Blocks() as d: gr.Markdown('hi')\nd.launch(server_port=int(__import__('sys').argv[1]))"


def seconds_to_serve(command: list[str], port: int) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 120:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                return time.perf_counter() - start
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"{command} did not serve within 120 s")
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    lab = str(Path(sys.executable).with_name("lab"))
    bare = seconds_to_serve([sys.executable, "-c", BARE, "7871"], 7871)
    ours = seconds_to_serve([lab, "app", "--port", "7872"], 7872)
    report("cold_start", "seconds until the page serves, lab app vs bare Gradio", bare, ours, "s", "-")
    env = {**os.environ, "LAB_HOME": tempfile.mkdtemp()}
    start = time.perf_counter()
    subprocess.run([lab, "models", "--prepare"], env=env, check=True, capture_output=True)
    print(f'{{"bench": "cold_start", "what": "first conversion of the bundled model", "seconds": '
          f'{time.perf_counter() - start:.1f}}}')


if __name__ == "__main__":
    main()
