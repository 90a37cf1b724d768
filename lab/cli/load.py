"""`lab load MODEL`: load a model at a precision and describe it (parameters, device, memory footprint)."""

import lab
from lab.cli.common import print_json
from lab.present import models as model_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("load", help="load a model and show its parameters and memory footprint")
    parser.add_argument("model", nargs="?", default=lab.DEFAULT_MODEL, help="registry name, local folder or hub id")
    parser.add_argument("--precision", default="auto", help=f"one of {', '.join(lab.PRECISIONS)} (auto: bf16 where "
                        "the device computes it natively, else fp32)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    info = lab.describe_model(args.model, args.precision)
    print_json(info) if args.json else print(model_view.text(info))
    return 0
