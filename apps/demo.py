"""A demo of chosen runs for other people: chat with the tuned model (the base answer beside it on request),
example prompts from the run's validation data, its model card and its before/after report. Nothing else: no
training, deletion, upload or file path (docs/ARCHITECTURE.md, "The demo's contract").

    lab demo RUN [RUN ...] [--host 127.0.0.1] [--port 7860] [--share --auth USER:PASS]
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import gradio as gr

import lab
from apps import fields
from apps.handlers import shows_errors
from lab.present import report as report_view

CSS = ".lab-compare td {vertical-align: top; padding: 6px} .lab-compare mark {background: #fde68a}"  # the report
SERVING: dict[tuple[str, ...], gr.Blocks] = {}  # the demos this process serves in the background, by their runs
STARTING = threading.Lock()  # two clicks at once start one server


def build_demo(run_ids) -> gr.Blocks:
    """The page for these runs (ids or a checked `lab.DemoRuns`); a request may only name one of them."""
    runs = run_ids if isinstance(run_ids, lab.DemoRuns) else lab.DemoRuns(run_ids)

    @shows_errors
    def chat(message, history, base_history, run_id, show_base):
        """The tuned model's answer as it grows, then (show_base) the base model's in its own conversation."""
        tuned = history or []
        for tuned in runs.reply(run_id, message, history):
            yield tuned, base_history or [], ""
        if show_base:
            for base in runs.reply(run_id, message, base_history, base=True):
                yield tuned, base, ""

    @shows_errors
    def show_run(run_id):
        """The run's example prompts, model card and before/after report."""
        shown = runs.showcase(run_id)
        return (gr.Dataset(samples=[[prompt] for prompt in shown["examples"]]), shown["card"],
                report_view.html(shown["report"]))

    with gr.Blocks(title="lab demo") as demo:
        gr.Markdown("# A tuned model\nChat with it; tick the box to see what the base model answers.")
        run = fields.Dropdown(runs.ids, value=runs.ids[0], label="run", interactive=len(runs.ids) > 1)
        with gr.Row():
            tuned_chat = gr.Chatbot(label="tuned", height=360)
            base_chat = gr.Chatbot(label="base model", height=360, visible=False)
        message = gr.Textbox(label="message", placeholder="Ask something and press Enter")
        with gr.Row():
            show_base = gr.Checkbox(False, label="show the base model's answer")
            clear = gr.Button("Clear")
        examples = gr.Dataset(label="example prompts (from the run's validation data)", components=[message],
                              samples=[])
        with gr.Accordion("Model card", open=False):
            card = gr.Markdown()
        with gr.Accordion("Before and after", open=True):
            report = gr.HTML()

        message.submit(chat, [message, tuned_chat, base_chat, run, show_base], [tuned_chat, base_chat, message],
                       api_name="demo_chat", concurrency_limit=2)
        gr.on([demo.load, run.change], show_run, run, [examples, card, report], api_name="demo_run")
        run.change(lambda: ([], []), None, [tuned_chat, base_chat], api_name=False)  # a new model, a new chat
        clear.click(lambda: ([], []), None, [tuned_chat, base_chat], api_name=False)
        show_base.change(lambda shown: gr.Chatbot(visible=shown), show_base, base_chat, api_name=False)
        examples.click(lambda sample: sample[0], examples, message, api_name=False)
    return demo


def start(runs: lab.DemoRuns, host: str, port: int | None, share: bool, auth, block: bool) -> gr.Blocks:
    demo = build_demo(runs).queue(default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, prevent_thread_lock=not block,
                quiet=not block, css=CSS, enable_monitoring=False,
                run_history=False)  # a visitor's browser keeps no record
    return demo


def serve(run_ids, host: str = "127.0.0.1", port: int | None = None, share: bool = False, auth=None,
          block: bool = False) -> str:
    """Serve the demo of these runs (ids or a checked `lab.DemoRuns`) and return its URL, the public one when
    shared. In the background (`block=False`: the app's button, the Runs panel) one server per set of runs, started
    once; `port` None takes a free one from 7860. `block=True` (`lab demo`) serves until Ctrl-C."""
    runs = run_ids if isinstance(run_ids, lab.DemoRuns) else lab.DemoRuns(run_ids)
    if share and not auth:
        raise lab.LabError("A shared demo needs a login.", "A share link is public: anyone with it could chat.",
                           "Pass auth, or serve it on this machine only.")
    if block:
        demo = start(runs, host, port, share, auth, block=True)
        return demo.share_url or demo.local_url
    key = tuple(runs.ids)
    with STARTING:
        if key not in SERVING:
            # Inside a request of the app, Gradio would make the page's components mere updates (its rule for
            # components created in an event): build and start it in a thread of its own.
            with ThreadPoolExecutor(max_workers=1) as own_thread:
                SERVING[key] = own_thread.submit(start, runs, host, port, share, auth, False).result()
    return SERVING[key].share_url or SERVING[key].local_url


@shows_errors
def open_demo(run_ids) -> str:
    """The app's button: a demo of the chosen runs on this machine, as a link."""
    runs = lab.DemoRuns(run_ids)
    url = serve(runs)
    return (f"A demo of {', '.join(runs.ids)}: [{url}]({url}) (this machine only; to share it with others: "
            f"`lab demo RUN --share --auth USER:PASS`)")
