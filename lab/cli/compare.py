"""`lab compare RUN [RUN ...] --prompt TEXT`: base and tuned answers side by side."""

from lab.cli import print_json
from lab.cli.common import add_generation_args, generation_settings


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="the same prompt through the base and tuned models")
    parser.add_argument("run_ids", nargs="+", metavar="RUN")
    parser.add_argument("--prompt", action="append", help="repeat for several prompts")
    parser.add_argument("--split", help="instead of --prompt: the first run's validation or train questions")
    parser.add_argument("--examples", type=int, default=5, help="with --split: how many questions (5)")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--json", action="store_true")
    add_generation_args(parser, max_new_tokens=64)
    parser.set_defaults(run=run)


def run(args) -> int:
    from lab.compare import compare, split_prompts
    from lab.errors import LabError
    from lab.runs import get_run

    if bool(args.prompt) == bool(args.split):
        raise LabError("Give either --prompt (one or more) or --split.", "", "For example: --prompt \"What is AI?\".")
    prompts = args.prompt or split_prompts(get_run(args.run_ids[0]), args.split, args.examples)
    rows = compare(args.run_ids, prompts, generation_settings(args), system_prompt=args.system)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"## {row['prompt']}")
        for label, answer in row["answers"].items():
            print(f"\n[{label}]\n{answer}")
        print()
    return 0
