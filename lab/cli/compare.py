"""`lab compare RUN [RUN ...] --prompt TEXT`: base and tuned answers side by side."""

import lab
from lab import defaults
from lab.cli.common import add_generation_args, AnswersBar, generation, print_json
from lab.present import compare as compare_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="the same prompt through the base and tuned models")
    parser.add_argument("run_ids", nargs="+", metavar="RUN")
    parser.add_argument("--prompt", action="append", help="repeat for several prompts")
    parser.add_argument("--split", help="instead of --prompt: the first run's validation or train questions")
    parser.add_argument("--examples", type=int, default=defaults.SPLIT_QUESTIONS,
                        help=f"with --split: how many questions ({defaults.SPLIT_QUESTIONS})")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--json", action="store_true")
    add_generation_args(parser, max_new_tokens=defaults.COMPARE_NEW_TOKENS)
    parser.set_defaults(run=run)


def run(args) -> int:
    if bool(args.prompt) == bool(args.split):
        raise lab.LabError("Give either --prompt (one or more) or --split.", "",
                           "For example: --prompt \"What is AI?\".")
    with AnswersBar() as progress:
        if args.split:
            rows = lab.compare_split(args.run_ids, args.examples, args.split, progress=progress, **generation(args))
        else:
            rows = lab.compare(args.run_ids, args.prompt, args.system, progress=progress, **generation(args))
    print_json(rows) if args.json else print(compare_view.text(rows))
    return 0
