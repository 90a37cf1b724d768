"""`lab app`: the Gradio app on this machine; `--share` adds a public link and needs `--auth`."""

from __future__ import annotations

import os
import sys

import lab
from lab import defaults
from lab.cli.common import add_serve_args, serving


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("app", help="open the lab in your browser (Gradio)")
    add_serve_args(parser, port=7860)
    parser.add_argument("--model", default=None, help="the model the page starts with (smollm2-135m-instruct)")
    parser.add_argument("--precision", default=defaults.PRECISION,
                        help=f"the precision the page starts with ({defaults.PRECISION})")
    parser.add_argument("--workspace", help="where runs live (default: $LAB_WORKSPACE or $LAB_HOME/workspace)")
    parser.set_defaults(run=run)


def run(args) -> int:
    share, auth = serving(args, "train and chat")
    if args.share:
        print("[lab] Warning: a share link exposes the whole lab: anyone with it and the login can train, delete "
              "and read every run. To show chosen runs only: lab demo RUN --share --auth USER:PASS", file=sys.stderr)
    if args.workspace:
        os.environ["LAB_WORKSPACE"] = os.path.abspath(args.workspace)
    import apps.app
    from apps.model_work import MODEL_WORK

    lab.quiet_libraries()  # library notices go to the log, not the console the app runs in
    MODEL_WORK.start()  # its imports (torch, transformers) load while the page opens

    model = args.model or lab.DEFAULT_MODEL
    same = model == lab.DEFAULT_MODEL and args.precision == defaults.PRECISION
    demo = apps.app.demo if same else apps.app.build(model, args.precision)
    demo.queue(default_concurrency_limit=4).launch(server_name=args.host, server_port=args.port, share=share,
                                                   auth=auth, css=apps.app.CSS, enable_monitoring=False)
    return 0
