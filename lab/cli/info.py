"""`lab info`: versions, device, and whether 4/8-bit loading is available."""

from lab.cli import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("info", help="versions, device, 4/8-bit support")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def run(args) -> int:
    from lab.system import system_info

    info = system_info()
    if args.json:
        print_json(info)
        return 0
    for key, value in info.items():
        if key == "versions":
            value = ", ".join(f"{p} {v or '-'}" for p, v in value.items())
        print(f"{key:18} {value}")
    return 0
