"""`lab app`: the Gradio app on this machine; `--share` adds a public link and needs `--auth`."""

from __future__ import annotations

import os
import socket
import sys

import lab
from lab import defaults

LabError = lab.LabError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("app", help="open the lab in your browser (Gradio)")
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 serves other machines too (127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--share", action="store_true", help="a public gradio.live link (needs --auth)")
    parser.add_argument("--auth", metavar="USER:PASS", help="require this login")
    parser.add_argument("--model", default=None, help="the model the page starts with (smollm2-135m-instruct)")
    parser.add_argument("--precision", default=defaults.PRECISION,
                        help=f"the precision the page starts with ({defaults.PRECISION})")
    parser.add_argument("--workspace", help="where runs live (default: $LAB_WORKSPACE or $LAB_HOME/workspace)")
    parser.set_defaults(run=run)


def parse_auth(auth: str | None):
    if auth is None:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise LabError("--auth must look like USER:PASS.", "", "For example: --auth ada:correct-horse-battery")
    return [(user, password)]


def share_server_reachable() -> bool:
    try:
        with socket.create_connection(("api.gradio.app", 443), timeout=3):
            return True
    except OSError:
        return False


def run(args) -> int:
    auth = parse_auth(args.auth)
    share = args.share
    if share and auth is None:
        raise LabError("--share needs --auth.", "A share link is public: anyone with it could train and chat.",
                       "Add --auth USER:PASS, or drop --share to serve on this machine only.")
    if share and not share_server_reachable():
        print("[lab] Cannot create a share link: this machine cannot reach Gradio's share server (offline?). "
              "Serving locally only.", file=sys.stderr)
        share = False
    if args.workspace:
        os.environ["LAB_WORKSPACE"] = os.path.abspath(args.workspace)
    import apps.app

    lab.quiet_libraries()  # library notices go to the log, not the console the app runs in

    model = args.model or lab.DEFAULT_MODEL
    same = model == lab.DEFAULT_MODEL and args.precision == defaults.PRECISION
    demo = apps.app.demo if same else apps.app.build(model, args.precision)
    demo.queue(default_concurrency_limit=4).launch(server_name=args.host, server_port=args.port, share=share,
                                                   auth=auth, css=apps.app.CSS)
    return 0
