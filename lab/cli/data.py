"""`lab data PATH`: the detected format, split sizes, token statistics and a preview of rendered examples (for
--task classify: classes with their counts per split)."""

import lab
from lab.cli.common import print_json
from lab.present import data as data_view


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("data", help="check a dataset: format, sizes, preview with token counts")
    parser.add_argument("path", help="a data file, or a folder with train/validation files")
    parser.add_argument("--model", default=lab.DEFAULT_MODEL, help="whose tokenizer and chat template render it")
    parser.add_argument("--task", default="chat", help="chat, or classify: labels and class counts (chat)")
    parser.add_argument("--text-column", help="classify: the text column (auto-detected)")
    parser.add_argument("--label-column", help="classify: the label column (auto-detected)")
    parser.add_argument("--format", default="auto")
    parser.add_argument("--prompt-column")
    parser.add_argument("--response-column")
    parser.add_argument("--system-column", help="chat: a column with a system prompt (optional)")
    parser.add_argument("--columns", metavar="ROLE=COLUMN,...",
                        help="which columns hold what: prompt=question,response=answer[,system=persona] (chat), "
                             "text=sentence,label=topic (classify)")
    parser.add_argument("--max-length", type=int, default=512)
    parser.add_argument("--n", type=int, default=3, help="examples to preview (3)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    described = lab.describe_data(args.path, args.model, args.task, args.max_length, args.n,
                                  data_format=args.format, prompt_column=args.prompt_column,
                                  response_column=args.response_column, system_column=args.system_column,
                                  text_column=args.text_column, label_column=args.label_column,
                                  columns=args.columns)
    print_json(described) if args.json else print(data_view.text(described))
    return 0
