"""`lab experiment start|list|show|stop`: compare methods and settings on one data set as one experiment."""

from __future__ import annotations

import time
from pathlib import Path

import lab
from lab import defaults
from lab.cli.common import print_json
from lab.present import curves as curves_view
from lab.present import experiments as experiments_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("experiment", help="queue several runs as one experiment and read its leaderboard")
    commands = parser.add_subparsers(dest="experiment_command", required=True, metavar="ACTION")
    start = commands.add_parser("start", help="queue one run per method (and learning-rate factor); returns at once")
    start.add_argument("--methods", default="all",
                       help=f"comma-separated methods, or all (every method the task offers): {', '.join(lab.METHODS)}")
    start.add_argument("--rates", default="1", help="learning rates as multiples of each method's recipe rate, "
                       "comma-separated (1 = the recipes; 0.3,1,3 = a small sweep)")
    start.add_argument("--data", default=defaults.DATA, help=f"a data file or folder ({defaults.DATA})")
    start.add_argument("--model", default=None, help=f"registry name, local folder or hub id ({lab.DEFAULT_MODEL})")
    start.add_argument("--precision", default=defaults.PRECISION)
    start.add_argument("--task", default=defaults.TASK, choices=lab.TASKS)
    start.add_argument("--steps", type=int, default=None, help="steps per run (each method's recipe steps)")
    start.add_argument("--batch-size", type=int, default=defaults.BATCH_SIZE)
    start.add_argument("--max-length", type=int, default=defaults.MAX_LENGTH)
    start.add_argument("--name", default="", help="a label for the experiment")
    start.add_argument("--force", action="store_true", help="start even if an estimate says a run will not fit")
    start.add_argument("--wait", action="store_true", help="print the leaderboard as runs end, until all have")
    start.set_defaults(run=start_command)
    listed = commands.add_parser("list", help="every experiment, newest first")
    listed.set_defaults(run=list_command)
    show = commands.add_parser("show", help="an experiment's leaderboard (the newest without an id)")
    show.add_argument("experiment_id", nargs="?", metavar="EXPERIMENT")
    show.add_argument("--plot", metavar="FILE.html", help="write quality against train time, Pareto front marked")
    show.add_argument("--curves", metavar="FILE.html", help="write the runs' loss curves overlaid in one chart")
    show.set_defaults(run=show_command)
    stop = commands.add_parser("stop", help="stop every queued or training run of an experiment")
    stop.add_argument("experiment_id", metavar="EXPERIMENT")
    stop.set_defaults(run=stop_command)
    for sub in (start, listed, show, stop):
        sub.add_argument("--json", action="store_true")


def start_command(args) -> int:
    configs = lab.plan_experiment(args.methods, args.rates, args.data, args.model, args.precision, args.task,
                                  args.steps, args.batch_size, args.max_length)
    board = lab.start_experiment(configs, args.name, force=args.force)
    show(board, args.json)
    while args.wait and not board["finished"]:
        time.sleep(5)
        if (fresh := lab.experiment(board["id"]))["rows"] != board["rows"]:
            show(fresh, args.json)
        board = fresh
    return 0


def show(board: dict, as_json: bool) -> None:
    print_json(board) if as_json else print(experiments_view.text(board), flush=True)


def list_command(args) -> int:
    found = lab.list_experiments()
    if args.json:
        print_json(found)
    else:
        print("\n".join(f"{e['id']}  {e['task']}  {e['runs']} runs  {'finished' if e['finished'] else 'training'}"
                        f"  {e['data']}" for e in found) or "No experiment yet. Start one: lab experiment start")
    return 0


def show_command(args) -> int:
    board = lab.experiment(args.experiment_id)
    for path, figure in ((args.plot, lambda: experiments_view.figure(board)),
                         (args.curves, lambda: curves_view.figure(lab.curves([r["run"] for r in board["rows"]])))):
        if path and board:
            figure().write_html(Path(path).expanduser(), include_plotlyjs=True)  # opens without internet
    show(board, args.json) if board else print("No experiment yet. Start one: lab experiment start")
    return 0


def stop_command(args) -> int:
    show(lab.stop_experiment(args.experiment_id), args.json)
    return 0
