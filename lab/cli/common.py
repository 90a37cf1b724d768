"""What several commands share: printing, which model to load, how to generate, and how to serve a page."""

from __future__ import annotations

import json
import socket
import sys

import lab
from lab import defaults


def print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str))


def print_error(error: lab.LabError, as_json: bool = False) -> None:
    if as_json:
        print_json(error.to_dict())
    else:
        print(f"error: {error.message}", file=sys.stderr)


def add_model_args(parser) -> None:
    parser.add_argument("--model", default=lab.DEFAULT_MODEL,
                        help=f"registry name, local folder or hub id ({lab.DEFAULT_MODEL})")
    parser.add_argument("--precision", default="auto", help=f"one of {', '.join(lab.PRECISIONS)} (auto: bf16 where "
                        "the device computes it natively, else fp32)")
    parser.add_argument("--quant-type", default="nf4", help="4-bit quantisation: nf4 or fp4 (nf4)")
    parser.add_argument("--trust-remote-code", action="store_true", help="run Python code shipped with the model")


def load_options(args) -> dict:
    return {"quant_type": args.quant_type, "trust_remote_code": args.trust_remote_code}


def add_generation_args(parser, max_new_tokens: int = defaults.CHAT_NEW_TOKENS) -> None:
    g = defaults.GENERATION
    parser.add_argument("--max-new-tokens", type=int, default=max_new_tokens)
    parser.add_argument("--temperature", type=float, default=g["temperature"], help="0 = greedy")
    parser.add_argument("--top-p", type=float, default=g["top_p"])
    parser.add_argument("--top-k", type=int, default=g["top_k"])
    parser.add_argument("--repetition-penalty", type=float, default=g["repetition_penalty"], help="1 = off")
    parser.add_argument("--no-repeat-ngram-size", type=int, default=g["no_repeat_ngram_size"],
                        help="no n-gram of this many tokens twice; 0 = off")
    parser.add_argument("--seed", type=int, default=g["seed"])


def generation(args) -> dict:
    """The generation flags as the keyword arguments lab's actions take."""
    return {"max_new_tokens": args.max_new_tokens, "temperature": args.temperature, "top_p": args.top_p,
            "top_k": args.top_k, "repetition_penalty": args.repetition_penalty,
            "no_repeat_ngram_size": args.no_repeat_ngram_size, "seed": args.seed}


class AnswersBar:
    """lab's progress(done, total) as a tqdm bar on the terminal (nothing when stderr is not one)."""

    def __init__(self):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=None, unit="answer", desc="answering", disable=not sys.stderr.isatty(), leave=False)

    def __call__(self, done: int, total: int) -> None:
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.bar.close()


def add_serve_args(parser, port: int | None) -> None:
    """--host, --port, --share and --auth: how `lab app` and `lab demo` serve their page."""
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 serves other machines too (127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help=f"({port or 'a free one from 7860'})")
    parser.add_argument("--share", action="store_true", help="a public gradio.live link (needs --auth)")
    parser.add_argument("--auth", metavar="USER:PASS", help="require this login")


def parse_auth(auth: str | None):
    if auth is None:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise lab.LabError("--auth must look like USER:PASS.", "", "For example: --auth ada:correct-horse-battery")
    return [(user, password)]


def share_server_reachable() -> bool:
    try:
        with socket.create_connection(("api.gradio.app", 443), timeout=3):
            return True
    except OSError:
        return False


def serving(args, exposes: str) -> tuple[bool, list | None]:
    """(share, auth) from the flags: a share link needs a login (`exposes`: what anyone with it could do); offline
    the page is served on this machine only, with a message."""
    auth = parse_auth(args.auth)
    if args.share and auth is None:
        raise lab.LabError("--share needs --auth.", f"A share link is public: anyone with it could {exposes}.",
                           "Add --auth USER:PASS, or drop --share to serve on this machine only.")
    if args.share and not share_server_reachable():
        print("[lab] Cannot create a share link: this machine cannot reach Gradio's share server (offline?). "
              "Serving locally only.", file=sys.stderr)
        return False, auth
    return args.share, auth
