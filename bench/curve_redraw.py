"""Is the Train tab's 1 s poll cheap with a plotly curve? The app's `/train_status` handler on a finished run of
1,000 and of 10,000 steps: a poll that sends the figure (build it, serialise it as gr.Plot's postprocess does and
as the page's JSON carries it) vs a poll that sends nothing new (the run folder read, the curve skipped)."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time

from common import report  # before any lab import: it sets the offline environment

POLLS = 20


def fake_run(steps: int) -> str:
    """A completed run folder with a noisy falling loss every step and a validation loss every steps/10."""
    import random

    from lab.runs import TrainConfig
    from lab.runs.store import create_run

    run = create_run(TrainConfig(model="tiny-random-llama", data="sample_data", max_steps=steps))
    rng = random.Random(0)
    events = [{"type": "start", "step": 0, "max_steps": steps, "world_size": 1}]
    events += [{"type": "train", "step": s, "loss": 2 * 0.9995 ** s + rng.random() * 0.3, "tokens_per_s": 200.0}
               for s in range(1, steps + 1)]
    events += [{"type": "eval", "step": s, "eval_loss": 2 * 0.9995 ** s} for s in range(0, steps + 1, steps // 10)]
    with open(run.path / "events.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"time": 0, **e}) + "\n" for e in events)
    run.set_status("completed")
    return run.id


def median_ms(poll) -> float:
    times = []
    for _ in range(POLLS):
        start = time.perf_counter()
        poll()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    os.environ["LAB_WORKSPACE"] = tempfile.mkdtemp()
    import gradio as gr

    import lab
    from apps import handlers as h
    from lab.present.curves import figure

    plot = gr.Plot(render=False)

    def sent(outputs) -> int:
        """What the page receives: the figure as gr.Plot's postprocess makes it, inside the event's JSON."""
        return len(json.dumps(plot.postprocess(outputs[2]).model_dump()))

    for steps in (1_000, 10_000):
        run_id = fake_run(steps)
        shown = h.train_status(run_id)[-1]
        payload = sent(h.train_status(run_id))
        redraw = median_ms(lambda: sent(h.train_status(run_id)))
        nothing_new = median_ms(lambda: h.train_status(run_id, shown))
        curve = lab.progress(run_id)["curve"]
        drawing = median_ms(lambda: plot.postprocess(figure([curve])))  # the figure's own share of a redraw
        report("curve_redraw", f"/train_status poll, {steps:,}-step run: sending the figure vs nothing new",
               nothing_new, redraw, "ms", "redraw ≤ 100 ms", figure_ms=round(drawing, 1), payload_bytes=payload)


if __name__ == "__main__":
    main()
