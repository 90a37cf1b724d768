"""`lab data PATH`: the detected format, split sizes, token statistics and a preview of rendered examples."""

from lab.cli import print_json
from lab.models import DEFAULT_MODEL


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("data", help="check a dataset: format, sizes, preview with token counts")
    parser.add_argument("path", help="a data file, or a folder with train/validation files")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="whose tokenizer and chat template render it")
    parser.add_argument("--task", default="chat", help="chat, or classify: labels and class counts (chat)")
    parser.add_argument("--text-column", help="classify: the text column (auto-detected)")
    parser.add_argument("--label-column", help="classify: the label column (auto-detected)")
    parser.add_argument("--format", default="auto")
    parser.add_argument("--prompt-column")
    parser.add_argument("--response-column")
    parser.add_argument("--max-length", type=int, default=512)
    parser.add_argument("--n", type=int, default=3, help="examples to preview (3)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def classify_report(args) -> int:
    from lab.data import describe_classification, read_classification

    splits = read_classification(args.path, text_column=args.text_column, label_column=args.label_column)
    report = describe_classification(splits, args.n)
    if args.json:
        print_json(report)
        return 0
    print(f"{len(splits.labels)} classes: {report['train']} train, {report['validation']} validation examples")
    for label in splits.labels:
        train, validation = splits.counts["train"].get(label, 0), splits.counts["validation"].get(label, 0)
        print(f"  {label:24} {train:5} train {validation:5} validation")
    for row in report["preview"]:
        print(f"\n[{row['label']}] {row['text']}")
    return 0


def run(args) -> int:
    from lab.data import preview, read_dataset, tokenize_examples

    if args.task == "classify":
        return classify_report(args)
    from lab.models.loading import load_tokenizer

    splits = read_dataset(args.path, fmt=args.format, prompt_column=args.prompt_column,
                          response_column=args.response_column)
    tokenizer = load_tokenizer(args.model)
    _, stats = tokenize_examples(tokenizer, splits.train, args.max_length)
    report = {"format": splits.format, "files": splits.files, "train": len(splits.train),
              "validation": len(splits.validation), "train_tokens": stats,
              "preview": preview(tokenizer, splits.train, n=args.n, max_length=args.max_length)}
    if args.json:
        print_json(report)
        return 0
    print(f"format {report['format']}: {report['train']} train, {report['validation']} validation examples")
    print(f"train tokens: {stats['tokens']} ({stats['answer_tokens']} in answers), {stats['truncated']} truncated, "
          f"{stats['dropped_no_answer']} dropped (no answer left within max_length {args.max_length})")
    for row in report["preview"]:
        print(f"\n--- {row['tokens']} tokens, {row['answer_tokens']} trained{' (truncated)' if row['truncated'] else ''}")
        print(f"{row['prompt']}\n>>> {row['answer']}")
    return 0
