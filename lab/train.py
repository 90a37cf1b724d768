"""`python -m lab.train CONFIG.yaml` trains in the foreground, also under a distributed launcher (`torchrun`,
`accelerate launch`: rank 0 creates the run folder); `--run-dir DIR` is how the launcher starts a worker (or, under
torchrun, each rank) for an existing run folder."""

from __future__ import annotations

import argparse
import os
import sys


BACKGROUND_NICENESS = 10  # a lower scheduling priority than the app, the notebook kernel and the terminal


def run_in_background() -> None:
    """Yield the CPU to interactive work. A worker leads a session of its own, and where Linux groups each session
    for scheduling (autogroup, on by default) a niceness only counts inside the group: the group's is lowered too,
    else the worker takes a fair half of the machine from the app whatever its niceness."""
    os.nice(BACKGROUND_NICENESS)
    try:
        with open("/proc/self/autogroup", "w") as group:
            group.write(str(BACKGROUND_NICENESS))
    except OSError:  # not Linux, or no autogroup
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.train")
    parser.add_argument("config", nargs="?", help="a TrainConfig as YAML or JSON")
    parser.add_argument("--run-dir", help="train this existing run folder")
    parser.add_argument("--resume", action="store_true", help="continue from the run's last checkpoint")
    parser.add_argument("--out", help="create the run folder in OUT (default: the workspace's runs folder, which "
                                        "records it either way: every face finds it by its id)")
    args = parser.parse_args(argv)

    from lab.errors import LabError
    from lab.runs import distributed
    from lab.runs.config import TrainConfig
    from lab.runs.estimate import resolve_precision
    from lab.runs.launcher import resolve_data
    from lab.runs.store import Run, create_run
    from lab.runs.worker import run_worker

    try:
        if args.run_dir:  # started by the lab in the background: interactive work (chat, compare) goes first
            run_in_background()
            run = Run(args.run_dir)
        elif args.config:
            config = TrainConfig.from_file(args.config)
            config = resolve_precision(config)  # auto: decided once, recorded in config.json
            config.data = resolve_data(config.data)
            config.data_summary = None  # one copied from another run's config.json names that run's data
            distributed.join()
            # every rank writes to the folder itself (across nodes, on a filesystem they all mount), not the record
            made = str(create_run(config, out=args.out).folder) if distributed.is_main() else None
            run = Run(distributed.agree(made))
            if distributed.is_main():
                print(f"run folder: {run.path}", file=sys.stderr)
        else:
            parser.error("give a CONFIG file or --run-dir")
        state = run_worker(run, resume=args.resume)
    except LabError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    finally:
        distributed.leave()
    return 0 if state in ("completed", "stopped") else 1


if __name__ == "__main__":
    sys.exit(main())
