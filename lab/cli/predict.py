"""`lab predict RUN [RUN ...] --text TEXT`: a classifier's label probabilities, base (untrained head) vs tuned."""

import lab
from lab.cli.common import print_json
from lab.present import classify as classify_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("predict", help="label probabilities of classify runs, base vs tuned")
    parser.add_argument("run_ids", nargs="+", metavar="RUN")
    parser.add_argument("--text", action="append", required=True, help="a text to classify; repeat for several")
    parser.add_argument("--top", type=int, default=3, help="labels shown per model (3)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    rows = lab.predict(args.run_ids, args.text)
    print_json(rows) if args.json else print(classify_view.probabilities_text(rows, args.top))
    return 0
