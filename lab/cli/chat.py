"""`lab chat`: one answer with --prompt, an interactive chat without."""

import time

from lab.cli import print_json
from lab.cli.common import add_generation_args, add_model_args, generation_settings, load_from_args
from lab.errors import LabError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("chat", help="chat with a model (streaming)")
    add_model_args(parser)
    parser.add_argument("--adapter", metavar="RUN", help="chat with this run's tuned model (its base and precision)")
    parser.add_argument("--prompt", help="answer this one message and exit")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--json", action="store_true", help="with --prompt: answer, timing and footprint as JSON")
    add_generation_args(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.json and args.prompt is None:
        raise LabError("--json needs --prompt.", "The interactive chat has no single answer to print.",
                       "Add --prompt TEXT, or drop --json.")
    settings = generation_settings(args)
    start = time.perf_counter()
    if args.adapter:
        from lab.adapters import load_tuned
        from lab.runs import get_run

        model, tokenizer, info = load_tuned(get_run(args.adapter))
    else:
        model, tokenizer, info = load_from_args(args)
    load_s = time.perf_counter() - start
    if args.prompt is not None:
        return answer_once(model, tokenizer, info, args, settings, load_s)
    print(f"Chatting with {info.name} ({info.precision}, {info.device}). /reset clears, /exit or Ctrl-D quits.")
    history = []
    while True:
        try:
            message = input("you> ")
        except EOFError:
            print()
            return 0
        if message.strip() == "/exit":
            return 0
        if message.strip() == "/reset":
            history = []
            continue
        if not message.strip():
            continue
        print("bot> ", end="", flush=True)
        answer = ""
        for piece in stream(model, tokenizer, message, history, args.system, settings):
            answer += piece
            print(piece, end="", flush=True)
        print()
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]


def stream(model, tokenizer, message, history, system_prompt, settings):
    from lab.generation import stream_chat

    return stream_chat(model, tokenizer, message, history=history, system_prompt=system_prompt, settings=settings)


def answer_once(model, tokenizer, info, args, settings, load_s: float) -> int:
    start = time.perf_counter()
    first_token_s = None
    pieces = []
    for piece in stream(model, tokenizer, args.prompt, [], args.system, settings):
        first_token_s = first_token_s or time.perf_counter() - start
        pieces.append(piece)
        if not args.json:
            print(piece, end="", flush=True)
    generate_s = time.perf_counter() - start
    answer = "".join(pieces)
    if not args.json:
        print()
        return 0
    new_tokens = len(tokenizer(answer, add_special_tokens=False)["input_ids"])
    print_json({
        "model": info.name,
        "precision": info.precision,
        "device": info.device,
        "prompt": args.prompt,
        "answer": answer,
        "timing": {
            "load_s": round(load_s, 3),
            "first_token_s": round(first_token_s or generate_s, 3),
            "generate_s": round(generate_s, 3),
            "new_tokens": new_tokens,
            "tokens_per_s": round(new_tokens / generate_s, 2) if generate_s else None,
        },
        "footprint_bytes": info.footprint_bytes,
        "parameters": info.parameters,
    })
    return 0
