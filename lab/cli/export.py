"""`lab export RUN --out DIR [--merge]`: the adapter as it is, or LoRA merged into a plain model."""

import lab


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("export", help="copy a run's adapter, or merge LoRA into a plain model")
    parser.add_argument("run_id", metavar="RUN")
    parser.add_argument("--out", required=True, help="a new or empty folder")
    parser.add_argument("--merge", action="store_true", help="merge LoRA/IA3 into an unquantised copy of the base")
    parser.set_defaults(run=run)


def run(args) -> int:
    print(f"Exported to {lab.export_run(args.run_id, args.out, merge=args.merge)}.")
    return 0
