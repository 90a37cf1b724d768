"""Are the methods' default recipes good? A small sweep per method and data set, in one budget: each method's own
recipe steps, batch size 4 (the forms' default), validation loss at step 0 and at the end.

    python bench/recipe_sweep.py [--data sample_data sample_data/python_docs sample_data/topics] [--methods lora ...]
                                 [--one-size] [--reuse FOLDER ...]

Per method: 3 learning rates (the recipe's, a third of it, three times it) x 2 sizes (rank, virtual tokens, target
layers or top layers; one size for full fine-tuning). The improvement of a run is the relative drop in validation
loss. Prints a JSON line and a markdown row per method and data set: baseline = the best improvement the sweep
found, lab = the recipe's improvement (aim: at least 90 % of the best). For LoRA on chat data, also the share of
validation answers the recipe's run changes and its ROUGE-L before and after.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import report  # before any lab import: it sets the offline environment

DATA = ("sample_data", "sample_data/python_docs", "sample_data/topics")
CHAT_METHODS = ("lora", "prompt_tuning", "prefix_tuning", "ia3", "full", "head_only")  # qlora: lora's recipe
CLASSIFY_METHODS = ("head_only", "lora", "prompt_tuning", "ia3", "full")
SIZES = {"lora": [{"r": 8, "alpha": 16}, {"r": 16, "alpha": 32}], "prompt_tuning": [{"num_virtual_tokens": 8},
         {"num_virtual_tokens": 16}], "prefix_tuning": [{"num_virtual_tokens": 8}, {"num_virtual_tokens": 16}],
         "ia3": [{}, {"target_modules": "all-linear"}], "full": [{}], "head_only": [{"top_layers": 0},
         {"top_layers": 1}]}
FACTORS = (1 / 3, 1, 3)
VALIDATION = 20  # examples scored at step 0 and at the end


def sweep_config(task: str, data: str, method: str, learning_rate: float, settings: dict):
    from lab.methods import METHODS
    from lab.runs.config import TrainConfig
    from lab.runs.launcher import resolve_data

    recipe = METHODS[method].recipe(task)
    model = "minilm-l6" if task == "classify" else "smollm2-135m-instruct"
    return TrainConfig(task=task, model=model, data=resolve_data(data), method=method, method_params=settings,
                       learning_rate=learning_rate, max_steps=recipe.steps, batch_size=4, max_length=256,
                       eval_steps=recipe.steps, save_steps=10**6, max_validation_examples=VALIDATION, samples=0,
                       report_examples=0)


def same_point(config: dict) -> tuple:
    """What decides a sweep run's losses (training is seeded): data, method, rate, effective settings, budget."""
    return (config["data"], config["method"], f"{config['learning_rate']:.4g}",
            json.dumps(effective(config["method"], config["method_params"]), sort_keys=True), config["max_steps"],
            config["batch_size"], config["max_length"], config["max_validation_examples"])


def finished_runs(folders: list[str]) -> dict:
    """Completed runs of earlier sweeps, by their point: a point measured once is not trained again."""
    from lab.runs.store import Run

    runs = [Run(path) for folder in folders for path in sorted(Path(folder).iterdir())]
    return {same_point(run.config): run for run in runs  # trained to its last step (sweep runs keep no status)
            if any(e.get("step") == run.config["max_steps"] for e in run.events("eval"))}


def one_run(folder: Path, task: str, data: str, method: str, learning_rate: float, settings: dict,
            reused: dict) -> dict:
    from lab.runs.store import create_run
    from lab.runs.training import train

    config = sweep_config(task, data, method, learning_rate, settings)
    run = reused.get(same_point(config.to_dict()))
    if run is not None:
        state = "reused"
    else:
        run = create_run(config, folder)
        try:
            state, _ = train(run)
        except Exception as exc:  # a diverging rate is a result of the sweep, not a reason to stop it
            state = f"failed: {exc}"
    evals = run.events("eval")
    before, after = (evals[0]["eval_loss"], evals[-1]["eval_loss"]) if len(evals) > 1 else (None, None)
    improvement = (before - after) / before if before and after == after else float("-inf")
    row = {"data": data, "method": method, "learning_rate": learning_rate, "settings": settings, "state": state,
           "before": before, "after": after, "improvement": improvement, "run": str(run.path),
           "accuracy": evals[-1].get("accuracy") if evals else None}
    print(json.dumps({"sweep_run": row}), flush=True)
    return row


def answers_changed(run_path: str) -> dict:
    """The LoRA recipe's run against the base on the validation prompts: share of changed answers, ROUGE-L."""
    from lab.results.evaluation import evaluate_runs
    from lab.runs.store import Run

    result = evaluate_runs([Run(run_path)], 20, 48)
    base, tuned = result["rows"]
    return {"changed_share": tuned["changed"], "rougeL_before": base["rougeL"], "rougeL_after": tuned["rougeL"],
            "answers": result["examples"]}


def effective(method: str, settings: dict) -> dict:
    from lab.methods import build_method

    return build_method(method, settings).to_dict()


def main() -> None:
    from lab.methods import METHODS

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", nargs="+", default=DATA)
    parser.add_argument("--methods", nargs="+")
    parser.add_argument("--one-size", action="store_true", help="only the recipe's size: 3 runs per method")
    parser.add_argument("--reuse", nargs="*", default=[], metavar="FOLDER",
                        help="run folders of earlier sweeps: their completed points are read, not trained again")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    reused = finished_runs(args.reuse)
    for data in args.data:
        task = "classify" if data.endswith("topics") else "chat"
        for method in args.methods or (CLASSIFY_METHODS if task == "classify" else CHAT_METHODS):
            recipe = METHODS[method].recipe(task)
            rows = [one_run(folder, task, data, method, recipe.learning_rate * factor, {**recipe.settings, **size},
                            reused)
                    for size in ([{}] if args.one_size else SIZES[method]) for factor in FACTORS]
            best = max(rows, key=lambda r: r["improvement"])
            same = [r for r in rows if r["learning_rate"] == recipe.learning_rate
                    and effective(method, r["settings"]) == effective(method, recipe.settings)]
            ours = same[0] if same else one_run(folder, task, data, method, recipe.learning_rate, recipe.settings,
                                                reused)
            details = dict(data=data, steps=recipe.steps, recipe_lr=recipe.learning_rate, best_lr=best["learning_rate"],
                           best_settings=best["settings"], runs=len(rows))
            if method == "lora" and task == "chat":
                details.update(answers_changed(ours["run"]))
            report("recipe_sweep", f"{method} on {data}: recipe's share of the sweep's best loss improvement",
                   best["improvement"], ours["improvement"], "relative drop", ">= 0.9x", **details)


if __name__ == "__main__":
    main()
