"""`lab chat`: one answer with --prompt, an interactive chat without."""

import time

import lab
from lab.cli.common import add_generation_args, add_model_args, generation, load_options, print_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("chat", help="chat with a model (streaming)")
    add_model_args(parser)
    parser.add_argument("--adapter", metavar="RUN", help="chat with this run's tuned model (its base and precision)")
    parser.add_argument("--prompt", help="answer this one message and exit")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--json", action="store_true", help="with --prompt: answer, timing and footprint as JSON")
    add_generation_args(parser)
    parser.set_defaults(run=run)


def replies(args, message: str, history: list[dict]):
    """The answer as it grows (lab.stream_reply yields the whole conversation; the last turn is the answer)."""
    for conversation in lab.stream_reply(message, history, args.adapter, args.model, args.precision, args.system,
                                         load_options=load_options(args), **generation(args)):
        yield conversation


def run(args) -> int:
    if args.json and args.prompt is None:
        raise lab.LabError("--json needs --prompt.", "The interactive chat has no single answer to print.",
                           "Add --prompt TEXT, or drop --json.")
    start = time.perf_counter()
    loaded = lab.loaded_model(args.model, args.precision, args.adapter, **load_options(args))
    load_s = time.perf_counter() - start
    if args.prompt is not None:
        return answer_once(loaded, args, load_s)
    info = loaded.info
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
        shown = 0
        for history in replies(args, message, history):
            answer = history[-1]["content"]
            print(answer[shown:], end="", flush=True)
            shown = len(answer)
        print()


def answer_once(loaded, args, load_s: float) -> int:
    start = time.perf_counter()
    first_token_s, answer = None, ""
    for conversation in replies(args, args.prompt, []):
        piece, answer = conversation[-1]["content"][len(answer):], conversation[-1]["content"]
        if piece:
            first_token_s = first_token_s or time.perf_counter() - start
            if not args.json:
                print(piece, end="", flush=True)
    generate_s = time.perf_counter() - start
    if not args.json:
        print()
        return 0
    info = loaded.info
    new_tokens = len(loaded.tokenizer(answer, add_special_tokens=False)["input_ids"])
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
