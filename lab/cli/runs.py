"""`lab runs`, `lab stop RUN`, `lab resume RUN`, `lab delete RUN`: the run store from the terminal."""

from lab.cli import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("runs", help="list runs with their state, steps and losses")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=list_command)
    for name, help_text, handler in [("stop", "stop a run gracefully (saves its adapter)", stop_command),
                                     ("resume", "continue a stopped or failed run from its last checkpoint",
                                      resume_command),
                                     ("delete", "delete a finished run's folder", delete_command)]:
        sub = subparsers.add_parser(name, help=help_text)
        sub.add_argument("run_id", metavar="RUN", help="run id (or a unique part of it) or folder")
        sub.set_defaults(run=handler)


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def list_command(args) -> int:
    from lab.runs import list_runs, queue_position

    rows = []
    for run in list_runs():
        row = run.summary()
        row["queue_position"] = queue_position(run)
        rows.append(row)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No runs yet. Start one with `lab train`.")
        return 0
    print(f"{'run':36} {'state':10} {'method':14} {'steps':>11} {'loss':>8} {'val loss':>8}")
    for r in rows:
        state = f"queued #{r['queue_position']}" if r["queue_position"] else r["state"]
        steps = f"{r['step']}/{r['max_steps'] or '?'}"
        print(f"{r['id']:36} {state:10} {r['method']:14} {steps:>11} {_fmt(r['loss'], '8.4f')} "
              f"{_fmt(r['best_eval_loss'], '8.4f')}")
        if r["state"] == "failed" and r["error"]:
            print(f"    error: {r['error']}  fix: {r['hint']}")
    return 0


def stop_command(args) -> int:
    from lab.runs import stop_run

    run = stop_run(args.run_id)
    print(f"Asked run {run.id} to stop; it saves its adapter and a checkpoint first.")
    return 0


def resume_command(args) -> int:
    from lab.runs import resume_run

    run = resume_run(args.run_id)
    print(f"Resuming run {run.id} from {run.last_checkpoint() or 'the start (no checkpoint yet)'}.")
    return 0


def delete_command(args) -> int:
    from lab.runs import delete_run

    delete_run(args.run_id)
    print(f"Deleted run {args.run_id}.")
    return 0
