"""`lab eval RUN`: base vs tuned metrics on the run's validation split (stored as eval.json); for a classify run,
accuracy, macro-F1 and the tuned model's per-class report."""

import lab
from lab import defaults
from lab.cli.common import AnswersBar, print_json
from lab.present import classify as classify_view
from lab.present import evaluate as evaluate_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="score base vs tuned on the validation split")
    parser.add_argument("run_id", metavar="RUN")
    parser.add_argument("--examples", type=int, default=defaults.EVAL_EXAMPLES,
                        help=f"validation examples to score ({defaults.EVAL_EXAMPLES})")
    parser.add_argument("--max-new-tokens", type=int, default=defaults.EVAL_NEW_TOKENS)
    parser.add_argument("--split", default="validation", help="validation or train (validation)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    with AnswersBar() as progress:
        result = lab.evaluate(args.run_id, args.examples, args.max_new_tokens, args.split, progress=progress)
    if args.json:
        print_json(result)
        return 0
    print(evaluate_view.text(result))
    if "report" in result["rows"][-1]:
        print(classify_view.report_text(result["rows"][-1]["report"]))
    return 0
