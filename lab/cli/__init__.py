"""`lab` command line: one module per command, each a thin call into the core."""

from __future__ import annotations

import argparse
import contextlib
import os
import warnings

from lab.cli.common import print_error
from lab import LabError, quiet_libraries

COMMANDS = ("info", "models", "load", "chat", "data", "train", "runs", "experiment", "eval", "compare", "predict", "export",
            "imports", "app", "demo")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="lab", description="A tuning lab for language models.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"lab.cli.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # Library notices and warnings (bitsandbytes' "pip install kernels" when it loads, transformers', peft's) go to
    # LAB_HOME/logs/libraries.log, as in `lab app` and a notebook; the lab's own errors and warnings still show. First:
    # a command imports the libraries. A worker (python -m lab.train) keeps them in its worker.log.
    with contextlib.suppress(OSError):  # an unwritable LAB_HOME: the notices show, the command still runs
        quiet_libraries()
    args = build_parser().parse_args(argv)
    from transformers.utils import logging as hf_logging

    warnings.filterwarnings("ignore", category=FutureWarning)  # library deprecation notes are not for our users
    hf_logging.disable_progress_bar()
    try:
        return args.run(args) or 0
    except LabError as error:
        print_error(error, getattr(args, "json", False))
        return 2
    except KeyboardInterrupt:
        return 130
