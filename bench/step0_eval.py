"""The step-0 evaluation (the base model's validation loss, the curve's starting point) as a share of a 30-step
LoRA run started with the app's form defaults, read from the run's own event times."""

from __future__ import annotations

import os
import tempfile

from common import report  # before any lab import: it sets the offline environment


def main() -> None:
    import lab

    for precision in ("fp32", "4bit"):
        with tempfile.TemporaryDirectory() as workspace:
            os.environ["LAB_WORKSPACE"] = workspace
            run = lab.start_run(lab.plan_run(lab.DEFAULT_MODEL, precision, steps=30))
            assert lab.wait(run["id"], 3600) == "completed"
            events = [__import__("json").loads(line) for line in
                      open(os.path.join(run["path"], "events.jsonl"), encoding="utf-8")]
            start = next(e["time"] for e in events if e["type"] == "start")
            step0 = next(e["time"] for e in events if e["type"] == "eval" and e["step"] == 0)
            end = next(e["time"] for e in events if e["type"] == "end")
            validation = next(e["data"]["validation_examples"] for e in events if e["type"] == "start")
            report("step0_eval", f"step-0 evaluation, {validation} validation examples, {precision}", end - start,
                   step0 - start, "s", "small share", share=round((step0 - start) / (end - start), 3))


if __name__ == "__main__":
    main()
