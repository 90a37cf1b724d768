"""What the app's buttons do: one call into the action layer (`lab`), rendered by `lab.present`; a LabError
becomes a message in the page. Inputs arrive in the order of the page's widgets (the api_name signatures)."""

from __future__ import annotations

import functools
import inspect

import gradio as gr
import pandas as pd

import lab
from apps.model_work import MODEL_WORK
from lab import defaults as d
from lab.present import classify as classify_view
from lab.present import compare as compare_view
from lab.present import curves as curves_view
from lab.present import data as data_view
from lab.present import errors as error_view
from lab.present import estimate as estimate_view
from lab.present import evaluate as evaluate_view
from lab.present import experiments as experiments_view
from lab.present import exports as exports_view
from lab.present import methods as methods_view
from lab.present import models as model_view
from lab.present import progress as progress_view
from lab.present import report as report_view
from lab.present import runs as runs_view
from lab.present import samples as samples_view


def shows_errors(fn):
    """A LabError becomes a message in the page, naming no path of this machine (a visitor may be remote), and one
    line in the app's console (no traceback: Gradio prints one unless told not to); the app stays up; generators
    (streaming) too."""
    def message(error):
        lab.log_failure(error)
        return gr.Error(error_view.markdown(lab.without_server_paths(error.message)), duration=None,
                        print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except lab.LabError as error:
                raise message(error) from error

        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except lab.LabError as error:
            raise message(error) from error

    return call


@shows_errors
def load(model, precision):
    info = lab.describe_model(model, precision, confined=True)
    # The folder stays out of the JSON: Gradio's client would take a local path there for a file to download.
    return model_view.markdown(info), {k: v for k, v in info.items() if k != "path"}


@shows_errors
def preview_data(model, sample, upload, max_length, task=d.TASK, prompt_column="", response_column="",
                 system_column="", text_column="", label_column=""):
    described = lab.describe_data(sample, model, task, max_length, upload=upload, confined=True,
                                  columns=columns(prompt_column, response_column, system_column, text_column,
                                                  label_column))
    headers, rows = data_view.table(described)
    return data_view.markdown(described), pd.DataFrame(rows, columns=headers)


# The Data tab's column pickers, in the page's order: which column holds what (empty: detected)
COLUMN_ROLES = [("prompt", "chat: the question"), ("response", "chat: the answer"),
                ("system", "chat, optional: a system prompt"), ("text", "classify: the text"),
                ("label", "classify: the class")]
DETECTED = ("(detected)", "")  # the pickers' first choice: the lab finds the column itself


def columns(prompt_column="", response_column="", system_column="", text_column="", label_column=""):
    """The column pickers' values as the actions' `columns` mapping ({role: column})."""
    return dict(zip((role for role, _ in COLUMN_ROLES),
                    (prompt_column, response_column, system_column, text_column, label_column)))


def data_columns(sample, upload, *chosen):
    """The pickers offer the data's own columns (a chosen one stays while the data has it); data that cannot be
    read offers none: the Train tab's data line says why."""
    try:
        names = lab.data_columns(sample, upload, confined=True)
    except lab.LabError:
        names = []
    chosen = [*chosen, *[""] * len(COLUMN_ROLES)][:len(COLUMN_ROLES)]
    return tuple(gr.update(choices=[DETECTED, *((name, name) for name in names)],
                           value=value if isinstance(value, str) and value in names else "") for value in chosen)


def data_line(sample, upload, task=d.TASK, prompt_column="", response_column="", system_column="", text_column="",
              label_column=""):
    """The Train tab's line naming the data Start would train on ("chitchat.json: 270 train / 30 validation,
    ShareGPT"). It follows the data box, the upload, the task and the column pickers, so a data error shows in the
    line (without server paths), not as a message at every change."""
    try:
        summary = lab.data_summary(sample, task, upload, columns(prompt_column, response_column, system_column,
                                                                 text_column, label_column), confined=True)
    except lab.LabError as error:
        return f"**Data:** {error_view.markdown(lab.without_server_paths(error.message))}"
    return data_view.line_markdown(summary)


def method_form(method, task=d.TASK):
    """The method's settings as editable lines, its help, and its recipe's learning rate and steps for the task."""
    described = lab.describe_method(method, task)
    return (methods_view.settings_text(described), methods_view.help_markdown(described),
            described["recipe"]["learning_rate"], described["recipe"]["steps"])


def recipe(method, task):
    """A new task: the method's recipe for it (learning rate, steps); the settings the user wrote stay."""
    return method_form(method, task)[2:]


def _plan(model, precision, method, settings, sample, upload, max_steps, learning_rate, batch_size, max_length,
          task=d.TASK, processes=d.PROCESSES, strategy=d.STRATEGY, tensorboard=False, mapping=None):
    return lab.plan_run(model, precision, method, settings, sample, max_steps, learning_rate, batch_size, max_length,
                        task, processes, strategy, upload=upload, confined=True,
                        report_to="tensorboard" if tensorboard else "none", columns=mapping)


@shows_errors
def train_estimate(model, precision, method, settings, sample, upload, max_steps, learning_rate, batch_size,
                   max_length, task=d.TASK, processes=d.PROCESSES, strategy=d.STRATEGY, tensorboard=False,
                   prompt_column="", response_column="", system_column="", text_column="", label_column=""):
    """Memory by part, time, and whether it fits (with the ranked fixes if not), before anything loads."""
    mapping = columns(prompt_column, response_column, system_column, text_column, label_column)
    return estimate_view.markdown(lab.estimate_run(_plan(model, precision, method, settings, sample, upload,
                                                         max_steps, learning_rate, batch_size, max_length, task,
                                                         processes, strategy, tensorboard, mapping)))


@shows_errors
def train_start(model, precision, method, settings, sample, upload, max_steps, learning_rate, batch_size,
                max_length, task=d.TASK, force=False, processes=d.PROCESSES, strategy=d.STRATEGY, tensorboard=False,
                prompt_column="", response_column="", system_column="", text_column="", label_column=""):
    config = _plan(model, precision, method, settings, sample, upload, max_steps, learning_rate, batch_size,
                   max_length, task, processes, strategy, tensorboard,
                   columns(prompt_column, response_column, system_column, text_column, label_column))
    return lab.start_run(config, force=bool(force))["id"]


FIGURES_KEPT = 8
_figures: dict[str, object] = {}  # the newest loss figures by (run, points): every page following a run shares one


def _loss_figure(key: str, curve: dict):
    """A plotly figure costs ~30 ms to build; while a run trains, every open page's poll wants the same one."""
    if key not in _figures:
        if len(_figures) >= FIGURES_KEPT:
            _figures.pop(next(iter(_figures)), None)
        _figures[key] = curves_view.figure([curve])
    return _figures[key]


@shows_errors
def train_status(run_id, shown=None):
    """The followed run's progress, loss curve, samples and report (after a refresh: the newest active run, else
    the newest run; a deleted run gives way to it too). Curve, samples and report are only sent when they changed,
    so nothing redraws every second."""
    try:
        progress = lab.progress(run_id or None)
    except lab.LabError:  # the followed run was deleted meanwhile
        progress = lab.progress(None)
    if progress is None:
        return "", progress_view.markdown(None), curves_view.figure([]), "", "", None
    run = progress["id"]
    now = {"curve": f"{run} {len(progress['points'])}", "samples": f"{run} {len(progress['samples'])}",
           "report": f"{progress['id']} {progress['final']} {progress['phase']} {progress['report_pending']} "
                     f"{bool(progress['report'])}"}
    shown = shown or {}

    def changed(part, render):
        return render() if now[part] != shown.get(part) else gr.skip()

    return (progress["id"], progress_view.markdown(progress),
            changed("curve", lambda: _loss_figure(now["curve"], progress["curve"])),
            changed("samples", lambda: samples_view.html(progress["samples"])),
            changed("report", lambda: report_view.html(progress["report"]) if progress["final"] else ""),
            now)


FORM = ["model", "precision", "task", "method", "settings", "help", "data", "steps", "learning_rate", "batch_size",
        "max_length", "processes", "strategy", "report_to"]  # the Train form's fields a followed run fills, in order
FORM += [f"{role}_column" for role, _ in COLUMN_ROLES]  # and the Data tab's column pickers, with its data


def run_form(run_id):
    """The followed run's own settings in the Train form, and its method's help (the method box changes without a
    user's input, so method_form does not run); nothing changes for no run or a deleted one."""
    try:
        form = lab.run_form(run_id) if run_id else None
        described = lab.describe_method(form["method"], form["task"]) if form else None
    except lab.LabError:
        form = None
    if form is None:
        return tuple(gr.skip() for _ in FORM)
    form["settings"] = methods_view.settings_text(described, form["settings"])
    form["help"] = methods_view.help_markdown(described)
    form["report_to"] = form["report_to"] == "tensorboard"  # the form's checkbox
    form.update({f"{role}_column": column for role, column in form["columns"].items()})
    return tuple(form[name] for name in FORM)


@shows_errors
def train_stop(run_id):
    return runs_view.stopping(lab.stop_run(run_id))


@shows_errors
def train_resume(run_id):
    return lab.resume_run(run_id)["id"]


@shows_errors
def experiment_start(model, precision, sample, upload, max_length, task, methods, all_methods, rates, steps, name,
                     prompt_column="", response_column="", system_column="", text_column="", label_column=""):
    """Queue the chosen methods (none, or all ticked: every method the task offers) as one experiment; returns its
    id and views at once, a driver process trains the runs one after another."""
    configs = lab.plan_experiment("all" if all_methods or not methods else methods, rates, sample, model, precision,
                                  task, steps, max_length=max_length, upload=upload, confined=True,
                                  columns=columns(prompt_column, response_column, system_column, text_column,
                                                  label_column))
    board = lab.start_experiment(configs, name)
    return board["id"], *experiment(board["id"])


def _experiment_views(experiment_id, board, shown=None):
    """The leaderboard, its chart and the runs' loss curves, each only when it differs from `shown` (what the page
    shows), and the new `shown`."""
    curves = lab.curves([row["run"] for row in board["rows"]]) if board else []
    now = {"id": experiment_id, "finished": not board or board["finished"], "board": experiments_view.html(board),
           "curves": [(c["id"], len(c["train"]), len(c["validation"])) for c in curves]}
    shown = shown or {}
    board_changed = now["board"] != shown.get("board")
    return (now["board"] if board_changed else gr.skip(),
            experiments_view.figure(board) if board_changed else gr.skip(),
            curves_view.figure(curves) if now["curves"] != shown.get("curves") else gr.skip(), now)


@shows_errors
def experiment(experiment_id):
    """The experiment's leaderboard, its quality-vs-time chart and its runs' loss curves (no id: the newest)."""
    return _experiment_views(experiment_id, lab.experiment(experiment_id or None))


def experiment_tick(experiment_id, shown=None):
    """The page's timer: only the views that changed, nothing once the experiment has ended; an experiment that
    is not there (the picker said so already) is not reported again every tick."""
    if shown and shown["id"] == experiment_id and shown["finished"]:
        return gr.skip(), gr.skip(), gr.skip(), shown
    try:
        board = lab.experiment(experiment_id or None)
    except lab.LabError:
        return gr.skip(), gr.skip(), gr.skip(), {"id": experiment_id, "finished": True}
    return _experiment_views(experiment_id, board, shown)


def experiments(chosen=None):
    """The experiment picker: every experiment's id, newest first; it keeps the chosen one, else takes the newest
    (after a page load or an app restart: the leaderboard is read from disk)."""
    ids = lab.experiment_ids()
    return gr.update(choices=ids, value=chosen if chosen in ids else next(iter(ids), None))


@shows_errors
def experiment_stop(experiment_id):
    return experiments_view.html(lab.stop_experiment(experiment_id))


CURVE_AXES = [(title, key) for key, title in curves_view.AXES.items()]  # the x-axis choice: (label, value)


def runs():
    return pd.DataFrame(runs_view.table(lab.list_runs()), columns=runs_view.COLUMNS)


def run_choices():
    return gr.update(choices=lab.run_ids())


def newest_run_chosen():
    """After a page load the Runs tab shows the newest run (its details and its curve)."""
    ids = lab.run_ids()
    return gr.update(choices=ids, value=ids[:1])


@shows_errors
def follow(run_ids):
    """The run the Runs tab's buttons act on (`lab.picked`: the one picked last) in the Train tab; none chosen: the
    Train tab's own (the newest)."""
    return (lab.picked(run_ids, "run") if run_ids else ""), gr.Tabs(selected="train")


def chat_run_choices():
    finished = lab.run_ids(task="chat", finished=True)
    return gr.update(choices=[lab.BASE, *finished]), gr.update(choices=finished)


def run_choices_of(task=None):
    return lambda: gr.update(choices=lab.run_ids(task=task, finished=True))


@shows_errors
def run_details(run_id):
    return lab.run_details(run_id) if run_id else {}


@shows_errors
def run_report(run_ids):
    """The before/after report of the run the buttons act on (the one picked last)."""
    return runs_view.report.html(lab.run_details(run_ids)["report"]) if run_ids else ""


@shows_errors
def run_curves(run_ids, x="step"):
    """The chosen runs' losses in one chart (any state); none chosen: an empty chart."""
    return curves_view.figure(lab.curves(run_ids) if run_ids else [], x=x)


@shows_errors
def run_delete(run_id, confirmed):
    return runs_view.deleted(lab.delete_run(run_id, bool(confirmed)))


@shows_errors
def run_import(path, base, name):
    """An adapter folder trained elsewhere becomes a run (the path and the base confined to the allowed folders)."""
    summary = lab.import_adapter(path, base, name, confined=True)
    return f"Imported as run {summary['id']} ({summary['method']} on {summary['model']})."


@shows_errors
def run_download(run_id):
    return lab.download_run(run_id)


@shows_errors
def run_merge(run_id):
    """The run merged into an fp32 copy of its base, zipped: "Merging…" at once (it takes a while), then the zip
    with its size and any warning."""
    yield None, exports_view.MERGING
    result = MODEL_WORK.call("download_merged", run_id)
    yield result["path"], exports_view.markdown(result)


@shows_errors
def compare(run_ids, prompt, max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed):
    rows = MODEL_WORK.call("compare", run_ids, [prompt], max_new_tokens=max_new_tokens, temperature=temperature,
                           top_p=top_p, top_k=top_k, repetition_penalty=repetition_penalty, seed=seed)
    return compare_view.html(rows), rows


def answers_counted(progress: gr.Progress):
    """lab's progress(done, total) as the page's progress bar."""
    return lambda done, total: progress((done, total), desc="answers", unit="answers")


@shows_errors
def compare_split(run_ids, examples, max_new_tokens, progress=gr.Progress()):
    return compare_view.html(MODEL_WORK.call("compare_split", run_ids, examples, max_new_tokens=max_new_tokens,
                                             progress=answers_counted(progress)))


@shows_errors
def evaluate(run_ids, examples, max_new_tokens, progress=gr.Progress()):
    result = MODEL_WORK.call("evaluate", run_ids, examples, max_new_tokens, progress=answers_counted(progress))
    view = classify_view.evaluation_html if result["task"] == "classify" else evaluate_view.html
    return view(result)


@shows_errors
def chat(message, history, adapter, model, precision, system_prompt, max_new_tokens, temperature, top_p, top_k,
         repetition_penalty, seed):
    """Stream the answer into the chat history (a list of {"role", "content"} messages)."""
    for conversation in MODEL_WORK.stream("stream_reply", message, history, adapter, model, precision, system_prompt,
                                          confined=True, max_new_tokens=max_new_tokens, temperature=temperature,
                                          top_p=top_p, top_k=top_k, repetition_penalty=repetition_penalty, seed=seed):
        yield conversation, ""


@shows_errors
def predict(run_ids, texts):
    return classify_view.probabilities_html(MODEL_WORK.call("predict", run_ids, texts))


@shows_errors
def classify_evaluate(run_ids):
    return "".join(classify_view.evaluation_html(result) for result in MODEL_WORK.call("classify_evaluate", run_ids))
