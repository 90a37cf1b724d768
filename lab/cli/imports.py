"""`lab import PATH [--base MODEL] [--name NAME]`: a peft adapter trained elsewhere becomes a run of its base model,
so `lab compare`, `lab chat --run`, `lab eval` and the app take it like a run trained here."""

import lab
from lab.cli.common import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("import", help="register a peft adapter folder trained elsewhere as a run")
    parser.add_argument("path", metavar="PATH", help="the adapter's folder (adapter_config.json and "
                                                     "adapter_model.safetensors)")
    parser.add_argument("--base", help="its base model: registry name, folder or hub id (default: the adapter's "
                                       "base_model_name_or_path)")
    parser.add_argument("--name", help="a label for the run (default: the folder's name)")
    parser.add_argument("--json", action="store_true", help="print the run record as JSON")
    parser.set_defaults(run=run)


def run(args) -> int:
    summary = lab.import_adapter(args.path, args.base, args.name)
    if args.json:
        print_json(summary)
    else:
        print(f"Imported {args.path} as run {summary['id']} ({summary['method']} on {summary['model']}).")
    return 0
