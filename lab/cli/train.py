"""`lab train [CONFIG.yaml] [--key value ...] [--wait]`: start a run (every TrainConfig field is a flag). What
neither the flags nor the file set comes from the method's recipe (learning rate, steps), as in the app's form."""

from __future__ import annotations

import argparse
import time
from dataclasses import fields

import lab
from lab.cli.common import print_json
from lab.present import estimate as estimate_view
from lab.present import progress as progress_view
from lab.present import samples as samples_view

LabError, METHODS, TrainConfig = lab.LabError, lab.METHODS, lab.TrainConfig


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _parse_bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _type_of(default, annotation: str = ""):
    if isinstance(default, bool):
        return _parse_bool
    if default is None and "float" in str(annotation):  # empty by default, such as the recipe's learning rate
        return float
    return type(default) if isinstance(default, (int, float)) else str


def method_fields() -> dict:
    """Every method's own settings, merged: --r, --alpha, --num-virtual-tokens, ..."""
    merged = {}
    for cls in METHODS.values():
        for f in fields(cls):
            merged.setdefault(f.name, f)
    return merged


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("train", help="start a tuning run (in its own process)")
    parser.add_argument("config", nargs="?", help="a TrainConfig as YAML or JSON; flags override it")
    for f in fields(TrainConfig):
        if f.name not in ("method_params", *TrainConfig.FILLED_IN):
            parser.add_argument(_flag(f.name), dest=f.name, type=_type_of(f.default, f.type),
                                default=None, help=f"{f.metadata['help']} ({f.default})")
    group = parser.add_argument_group("method settings (see `lab train --help`; only the chosen method's apply)")
    for name, f in method_fields().items():
        group.add_argument(_flag(name), dest=f"method__{name}", type=_type_of(f.default), default=None,
                           help=f.metadata.get("help"))
    parser.add_argument("--out", metavar="DIR",
                        help="create the run folder in DIR instead of the workspace; the workspace's runs folder "
                             "records it (a link named by the run's id), so `lab runs`, `lab stop`, `lab resume`, "
                             "`--wait`, the app and the panels find it, and `lab delete` removes both")
    parser.add_argument("--wait", action="store_true", help="follow the run: progress bar and loss until it ends")
    parser.add_argument("--estimate", action="store_true",
                        help="print the memory and time estimate (and fixes if it will not fit) and exit")
    parser.add_argument("--force", action="store_true", help="start even if the estimate says it will not fit")
    parser.add_argument("--json", action="store_true", help="print the run record as JSON")
    parser.add_argument("--columns", metavar="ROLE=COLUMN,...",
                        help="which columns hold what: prompt=question,response=answer[,system=persona] (chat), "
                             "text=sentence,label=topic (classify); the same as --prompt-column and the others")
    parser.set_defaults(run=run)


def config_from_args(args) -> TrainConfig:
    base = TrainConfig.from_file(args.config).to_dict() if args.config else {}
    overrides = {f.name: getattr(args, f.name) for f in fields(TrainConfig)
                 if f.name not in ("method_params", *TrainConfig.FILLED_IN) and getattr(args, f.name) is not None}
    overrides.update(lab.column_settings(getattr(args, "columns", None)))
    method_params = dict(base.get("method_params") or {})
    method = overrides.get("method", base.get("method", lab.defaults.METHOD))
    own = {f.name for f in fields(METHODS[method])} if method in METHODS else set()
    for key, value in vars(args).items():
        if key.startswith("method__") and value is not None:
            name = key.removeprefix("method__")
            if name not in own:
                raise LabError(f"--{name.replace('_', '-')} is not a setting of {method}.", "",
                               f"{method} takes: {', '.join(sorted(own)) or 'no settings'}.")
            method_params[name] = value
    settings = {**base, **overrides, "method_params": method_params}
    if not {"max_steps", "epochs"} & settings.keys() and method in METHODS:  # the method's recipe, as in a form
        steps = METHODS[method].recipe(settings.get("task", lab.defaults.TASK)).steps
        settings = {"max_steps": steps, "eval_steps": lab.defaults.every(steps),
                    "save_steps": lab.defaults.every(steps),
                    "max_validation_examples": lab.defaults.VALIDATION_EXAMPLES, **settings}
    return TrainConfig.from_dict(settings)


def run(args) -> int:
    config = config_from_args(args)
    if args.estimate:
        result = lab.estimate_run(config)
        print_json(result) if args.json else print(estimate_view.text(result))
        return 0
    started = lab.start_run(config, force=args.force, out=args.out)
    if args.json and not args.wait:
        print_json(started)
        return 0
    on = f", {config.processes} processes ({config.strategy})" if config.processes > 1 else ""
    if not args.json:
        print(estimate_view.text(started["estimate"]) + "\n")
    print(f"Started run {started['id']} ({config.method} on {config.model}, {started['precision']}{on}).")
    print(f"Folder: {started['path']}")
    if not args.wait:
        print(f"Follow it with `lab runs` or `lab train --wait`; stop it with `lab stop {started['id']}`.")
        return 0
    state = follow(started["id"], samples=not args.json)
    if args.json:
        print_json(lab.run_details(started["id"])["summary"])
    return 0 if state in ("completed", "stopped") else 1


def follow(run_id: str, samples: bool = True) -> str:
    """Progress with the loss until the run ends (a bar on a terminal, a line per step in a log), and with
    `samples` each sample event as it arrives; Ctrl-C leaves the run training."""
    import sys

    from tqdm.auto import tqdm

    bar = tqdm(total=None, unit="step", desc="queued", disable=not sys.stderr.isatty())
    printed_step, printed_samples, printed_wait, told_pending = -1, 0, None, False
    try:
        while True:
            p = lab.progress(run_id)
            if (waits := progress_view.waiting(p)) and waits != printed_wait:  # queued: the run it waits for
                bar.write(f"{p['state']}: {waits}")
            printed_wait = waits
            if p["max_steps"] and bar.total != p["max_steps"]:
                bar.total = p["max_steps"]
                bar.set_description(p["state"])
            if p["step"] != printed_step and p["loss"] is not None:
                postfix = {"loss": f"{p['loss']:.4f}"}
                if p["eval_loss"] is not None:
                    postfix["val_loss"] = f"{p['eval_loss']:.4f}"
                bar.update(p["step"] - bar.n)
                bar.set_postfix(postfix)
                if bar.disable:
                    print(progress_view.text(p), flush=True)
                printed_step = p["step"]
            if samples:
                for sample in p["samples"][printed_samples:]:
                    bar.write(samples_view.text(sample))  # above the bar, which stays at the bottom
                printed_samples = len(p["samples"])
            if p["final"] and p.get("report_pending"):  # stopped at once; its report follows in seconds
                if not told_pending:
                    bar.write(f"{p['state']}: report pending")
                told_pending = True
            elif p["final"]:
                bar.close()
                print(f"Run {run_id}: {p['state']}.")
                if p["error"]:
                    print(f"error: {p['error']}\nFix: {p['hint'] or ''}")
                return p["state"]
            time.sleep(0.5)
    except KeyboardInterrupt:
        bar.close()
        print(f"\nStill training in the background; `lab stop {run_id}` stops it.")
        return "running"
