"""`lab demo RUN [RUN ...]`: a page that shows only these runs (chat, the base answer beside it, example prompts,
the model card, the before/after report); `--share` adds a public link and needs `--auth`."""

from __future__ import annotations

import os

import lab
from lab.cli.common import add_serve_args, serving


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="show chosen runs to others: chat and their report, nothing else")
    parser.add_argument("runs", nargs="+", metavar="RUN", help="finished chat runs of one base model (id or folder)")
    add_serve_args(parser, port=None)
    parser.add_argument("--workspace", help="where runs live (default: $LAB_WORKSPACE or $LAB_HOME/workspace)")
    parser.set_defaults(run=run)


def run(args) -> int:
    share, auth = serving(args, "chat with these runs")
    if args.workspace:
        os.environ["LAB_WORKSPACE"] = os.path.abspath(args.workspace)
    runs = lab.DemoRuns(args.runs)  # a bad run fails here, before the page loads anything
    import apps.demo

    lab.quiet_libraries()  # library notices go to the log, not the console the demo runs in
    apps.demo.serve(runs, args.host, args.port, share, auth, block=True)
    return 0
