"""`lab runs [RUN ...] [--plot FILE.html]`, `lab stop RUN`, `lab resume RUN`, `lab delete RUN`: the run store from
the terminal."""

from pathlib import Path

import lab
from lab.cli.common import print_json
from lab.present import curves as curves_view
from lab.present import runs as runs_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("runs", help="list runs with their state, steps and losses; or runs' details, or their loss curves (--plot)")
    parser.add_argument("run_ids", nargs="*", metavar="RUN", help="show these runs' status, settings and summary")
    parser.add_argument("--plot", metavar="FILE.html",
                        help="write the RUNs' loss curves in one chart to a standalone HTML page (works offline)")
    parser.add_argument("--x-axis", choices=list(curves_view.AXES), default="step",
                        help="the chart's x axis: step or training examples seen (step)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=list_command)
    for name, help_text, handler in [("stop", "stop a run gracefully (saves its adapter)", stop_command),
                                     ("resume", "continue a stopped or failed run from its last checkpoint",
                                      resume_command),
                                     ("delete", "delete a finished run's folder", delete_command)]:
        sub = subparsers.add_parser(name, help=help_text)
        sub.add_argument("run_id", metavar="RUN", help="run id (or a unique part of it) or folder")
        sub.set_defaults(run=handler)


def list_command(args) -> int:
    if args.plot is not None:
        return plot_command(args)
    if not args.run_ids:
        runs = lab.list_runs()
        print_json(runs) if args.json else print(runs_view.text(runs))
    for run_id in args.run_ids:
        details = lab.run_details(run_id)
        print_json(details) if args.json else print(runs_view.details_text(details))
    return 0


def plot_command(args) -> int:
    path = Path(args.plot).expanduser()
    figure = curves_view.figure(lab.curves(args.run_ids), x=args.x_axis)
    figure.write_html(path, include_plotlyjs=True)  # plotly.js inside the page: it opens without internet
    print_json({"plot": str(path)}) if args.json else print(path)
    return 0


def stop_command(args) -> int:
    print(runs_view.stopping(lab.stop_run(args.run_id)))
    return 0


def resume_command(args) -> int:
    print(runs_view.resumed(lab.resume_run(args.run_id)))
    return 0


def delete_command(args) -> int:
    print(runs_view.deleted(lab.delete_run(args.run_id, confirmed=True)))  # typing the command is the confirmation
    return 0
