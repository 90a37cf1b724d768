"""A demo: chosen runs shown to other people. The runs are checked once, when the demo starts; every request then
names one of them by id, and nothing else (another run, a path, training) is reachable through it."""

from __future__ import annotations

from collections.abc import Iterator

from lab.actions.chat import stream_reply
from lab.actions.inputs import chosen
from lab.actions.models import BASE
from lab.actions.runs import report
from lab.errors import LabError
from lab.paths import without_local_paths
from lab.runs import store

EXAMPLES = 5  # example prompts a demo offers per run


class DemoRuns:
    """The runs a demo shows: each exists, has a saved result and is a chat run, and all share one base model."""

    def __init__(self, run_ids):
        from lab.results.adapters import check_result

        runs = {}
        for ref in chosen(run_ids, "finished chat run"):
            run = store.get_run(ref)
            check_result(run)
            if run.config.get("task", "chat") != "chat":
                raise LabError(f"Run {run.id} is a classify run.",
                               "A demo chats with a tuned model; a classifier answers with a label.",
                               "Pick chat runs (`lab runs` shows each run's task).")
            runs[run.id] = run
        bases = sorted({run.config["model"] for run in runs.values()})
        if len(bases) > 1:
            raise LabError("The runs of a demo must share one base model.", f"They start from {', '.join(bases)}.",
                           "Start one demo per base model.")
        self._runs = runs
        self.ids = list(runs)

    def run(self, run_id) -> store.Run:
        """The demo's run of that id. Anything else is refused before the disk is looked at, so a request cannot
        reach another run or probe the machine."""
        if isinstance(run_id, str) and run_id in self._runs:
            return self._runs[run_id]
        choose = f"Pick one of: {', '.join(self.ids)}."
        if isinstance(run_id, str) and (run_id.startswith((".", "~")) or "/" in run_id or "\\" in run_id):
            raise LabError("A demo takes a run's id, not a path.", "It shows only the runs it was started with.",
                           choose)
        raise LabError(f"'{run_id}' is not one of this demo's runs.", "It shows only the runs it was started with.",
                       choose)

    def reply(self, run_id, message: str, history: list[dict] | None = None, base: bool = False
              ) -> Iterator[list[dict]]:
        """The conversation as the answer grows (`lab.stream_reply`, the lab's generation defaults): the run's
        tuned model, or with `base` the model it started from."""
        run = self.run(run_id)
        if not (message or "").strip():
            raise LabError("No message.", "", "Type a message, or pick an example, and press Enter.")
        if base:
            return stream_reply(message, history, BASE, run.config["model"], run.config["precision"])
        return stream_reply(message, history, str(run.path))  # its folder: a run given by path may live elsewhere

    def showcase(self, run_id) -> dict:
        """What a demo shows beside the chat: {id, method, examples, card, report}: example prompts from the
        run's validation data, its model card and its before/after report (eval.json), without local paths."""
        run = self.run(run_id)
        card = run.adapter_dir / "README.md"
        found = report(run)
        if found and found.get("error"):
            found = {**found, "error": without_local_paths(str(found["error"]))}
        return {"id": run.id, "method": run.config["method"], "examples": example_prompts(run),
                "card": without_local_paths(card.read_text(encoding="utf-8")) if card.exists() else "",
                "report": found}


def example_prompts(run: store.Run, count: int = EXAMPLES) -> list[str]:
    """The last user turn of the run's first validation conversations; the report's sample prompts (the same
    questions) when its data is no longer readable here."""
    from lab.results.compare import split_examples

    try:
        return [example.messages[-2]["content"] for example in split_examples(run, "validation", count)[1]]
    except LabError:
        return [sample["prompt"] for sample in (report(run) or {}).get("samples") or []][:count]
