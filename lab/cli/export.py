"""`lab export RUN --out DIR [--merge]`: the adapter as it is, or LoRA/IA3 merged into a plain model; prints where
it went, its size and any warning (a merge onto an fp32 copy of a quantised base)."""

import lab
from lab.present import exports as export_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("export", help="copy a run's adapter, or merge LoRA/IA3 into a plain model")
    parser.add_argument("run_id", metavar="RUN")
    parser.add_argument("--out", required=True, help="a new or empty folder")
    parser.add_argument("--merge", action="store_true", help="merge LoRA/IA3 into an unquantised copy of the base")
    parser.set_defaults(run=run)


def run(args) -> int:
    print(export_view.text(lab.export_run(args.run_id, args.out, merge=args.merge)))
    return 0
