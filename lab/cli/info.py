"""`lab info`: versions, devices (and how many processes a run can use), and whether 4/8-bit loading is available."""

import lab
from lab.cli.common import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("info", help="versions, devices and processes, 4/8-bit support")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def run(args) -> int:
    info = lab.system_info()
    if args.json:
        print_json(info)
        return 0
    for key, value in info.items():
        if key == "versions":
            value = ", ".join(f"{p} {v or '-'}" for p, v in value.items())
        elif key == "gpus":
            value = ", ".join(f"{i}: {g['name']} ({g['memory_gb']} GiB)" for i, g in enumerate(value)) or "none"
        print(f"{key:18} {value}")
    return 0
