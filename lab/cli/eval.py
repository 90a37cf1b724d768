"""`lab eval RUN`: base vs tuned metrics on the run's validation split (stored as eval.json); for a classify run,
accuracy, macro-F1 and the tuned model's per-class report."""

from lab.cli import print_json

COLUMNS = {"chat": ("loss", "perplexity", "rougeL", "exact_match"), "classify": ("accuracy", "f1")}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="score base vs tuned on the validation split")
    parser.add_argument("run_id", metavar="RUN")
    parser.add_argument("--examples", type=int, default=20, help="validation examples to score (20)")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--split", default="validation", help="validation or train (validation)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    from lab.evaluation import evaluate_run

    result = evaluate_run(args.run_id, max_examples=args.examples, max_new_tokens=args.max_new_tokens,
                          split=args.split)
    if args.json:
        print_json(result)
        return 0
    columns = COLUMNS[result.get("task", "chat")]
    print(f"Run {result['run']}, {result['examples']} {result['split']} examples\n")
    print(f"{'model':36}" + "".join(f"{c:>13}" for c in columns))
    for row in result["rows"]:
        print(f"{row['model']:36}" + "".join(f"{row[c]:13.4f}" for c in columns))
    if "report" in result["rows"][-1]:
        print_report(result["rows"][-1]["report"])
    return 0


def print_report(report: dict) -> None:
    print(f"\n{'class':24}{'precision':>11}{'recall':>9}{'F1':>7}{'support':>9}")
    for label, p, r, f, n in zip(report["labels"], report["precision"], report["recall"], report["f1"],
                                 report["support"]):
        print(f"{label:24}{p:11.2f}{r:9.2f}{f:7.2f}{n:9}")
