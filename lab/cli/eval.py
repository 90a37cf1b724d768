"""`lab eval RUN [RUN ...]`: the base and each run on the first run's validation split, in one table (one run's
result is stored as its eval.json); for classify runs, accuracy, macro-F1 and each run's per-class report."""

import lab
from lab import defaults
from lab.cli.common import AnswersBar, print_json
from lab.present import classify as classify_view
from lab.present import evaluate as evaluate_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="score the base and tuned models on the validation split")
    parser.add_argument("run_ids", nargs="+", metavar="RUN", help="one run, or several of one base model")
    parser.add_argument("--examples", type=int, default=defaults.EVAL_EXAMPLES,
                        help=f"validation examples to score ({defaults.EVAL_EXAMPLES})")
    parser.add_argument("--max-new-tokens", type=int, default=defaults.EVAL_NEW_TOKENS)
    parser.add_argument("--split", default="validation", help="validation or train (validation)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    with AnswersBar() as progress:
        result = lab.evaluate(args.run_ids, args.examples, args.max_new_tokens, args.split, progress=progress)
    if args.json:
        print_json(result)
        return 0
    print(evaluate_view.text(result))
    if result["task"] == "classify":
        for row in result["rows"][1:]:
            print(f"\nPer class, {row['model']}:" + classify_view.report_text(row["report"]))
    return 0
