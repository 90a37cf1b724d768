"""`lab predict RUN [RUN ...] --text TEXT`: a classifier's label probabilities, base (untrained head) vs tuned."""

from lab.cli import print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("predict", help="label probabilities of classify runs, base vs tuned")
    parser.add_argument("run_ids", nargs="+", metavar="RUN")
    parser.add_argument("--text", action="append", required=True, help="a text to classify; repeat for several")
    parser.add_argument("--top", type=int, default=3, help="labels shown per model (3)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    from lab.classify import predict

    rows = predict(args.run_ids, args.text)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"## {row['text']}")
        for model, probs in row["probabilities"].items():
            best = sorted(probs.items(), key=lambda kv: -kv[1])[: args.top]
            print(f"  {model:36} " + "  ".join(f"{label} {p:.2f}" for label, p in best))
    return 0
