"""`lab models`: the models the lab knows, their source, size on disk and state."""

import lab
from lab.cli.common import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("models", help="list known models and whether they are ready")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--prepare", action="store_true", help="convert or build every model not yet ready")
    parser.set_defaults(run=run)


def run(args) -> int:
    entries = lab.prepare_models() if args.prepare else lab.describe_models()
    if args.json:
        print_json(entries)
        return 0
    print(f"{'name':26} {'state':20} {'size':>9}  source")
    for e in entries:
        print(f"{e['name']:26} {e['state']:20} {e['size_bytes'] / 2**20:7.1f}MB  {e['source']}")
    return 0
