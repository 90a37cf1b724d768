"""What the app's buttons do: thin calls into `lab`, with core errors turned into readable messages."""

from __future__ import annotations

import functools
import inspect
import shutil
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd

from lab import views
from lab.errors import LabError
from lab.generation import GenerationSettings, stream_chat
from lab.models import list_models
from lab.paths import confine, confine_model
from lab.runs import TrainConfig, get_run, resume_run, start_run, stop_run
from lab.runs.launcher import BUNDLED_SAMPLE_DATA
from lab.serving import BASE, ModelCache

MODELS = ModelCache(capacity=2)


def _message(error: LabError) -> gr.Error:
    return gr.Error(error.message.replace("\n", "<br>"), duration=None)


def shows_errors(fn):
    """A LabError becomes a message in the page and the app stays up; generators (streaming) too."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except LabError as error:
                raise _message(error) from error

        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LabError as error:
            raise _message(error) from error

    return call


def model_names() -> list[str]:
    return [m.name for m in list_models()]


@shows_errors
def load(model: str, precision: str) -> tuple[str, dict]:
    loaded = MODELS.get(confine_model(model), precision)
    info = loaded.info
    text = (f"**{info.name}** in {info.precision} on {info.device}: {info.parameters / 1e6:.1f} M parameters, "
            f"{info.footprint_bytes / 2**20:.0f} MiB\n\nfrom `{info.path}`")
    # The folder stays out of the JSON: Gradio's client would take a local path there for a file to download.
    return text, {k: v for k, v in info.to_dict().items() if k != "path"}


def data_source(sample: str | None, upload) -> str:
    if upload:
        return str(confine(upload if isinstance(upload, str) else upload.name, "upload"))
    if sample in (None, "", "sample_data"):
        return str(BUNDLED_SAMPLE_DATA)
    if sample == "sample_data/topics":
        return str(BUNDLED_SAMPLE_DATA / "topics")
    return str(confine(sample, "data path"))


@shows_errors
def preview_data(model: str, sample: str, upload, max_length: int, task: str = "chat") -> tuple[str, pd.DataFrame]:
    from lab.data import preview, read_dataset, tokenize_examples

    if task == "classify":
        return preview_classes(data_source(sample, upload))
    splits = read_dataset(data_source(sample, upload))
    tokenizer = _tokenizer(confine_model(model))
    _, stats = tokenize_examples(tokenizer, splits.train, int(max_length))
    summary = (f"Format **{splits.format}**: {len(splits.train)} train and {len(splits.validation)} validation "
               f"examples; {stats['tokens']} train tokens ({stats['answer_tokens']} in answers), "
               f"{stats['truncated']} truncated, {stats['dropped_no_answer']} dropped.")
    table = pd.DataFrame(preview(tokenizer, splits.train, n=8, max_length=int(max_length)))
    return summary, table


def preview_classes(source: str) -> tuple[str, pd.DataFrame]:
    """Classes with their counts per split and one training text of each."""
    from lab.data import describe_classification, read_classification

    splits = read_classification(source)
    summary = describe_classification(splits, n=len(splits.labels))
    examples = {row["label"]: row["text"] for row in summary["preview"]}
    table = pd.DataFrame([[label, summary["counts"]["train"].get(label, 0),
                           summary["counts"]["validation"].get(label, 0), examples.get(label, "")]
                          for label in splits.labels], columns=["class", "train", "validation", "example"])
    return (f"**{len(splits.labels)} classes**: {summary['train']} train and {summary['validation']} validation "
            "examples."), table


@functools.lru_cache(maxsize=4)
def _tokenizer(model: str):
    from lab.models.loading import load_tokenizer

    return load_tokenizer(model)


def train_config(model, precision, method, settings_text, sample, upload, max_steps, learning_rate, batch_size,
                 max_length, task="chat", processes=1, strategy="ddp") -> TrainConfig:
    return TrainConfig(task=task, model=confine_model(model), precision=precision, method=method,
                       method_params=views.parse_settings(settings_text), data=data_source(sample, upload),
                       max_steps=int(max_steps), learning_rate=float(learning_rate), batch_size=int(batch_size),
                       max_length=int(max_length), eval_steps=max(1, int(max_steps) // 3),
                       save_steps=max(1, int(max_steps) // 3), max_validation_examples=50,
                       processes=int(processes), strategy=strategy)


@shows_errors
def train_start(model, precision, method, settings_text, sample, upload, max_steps, learning_rate, batch_size,
                max_length, task="chat", force=False, processes=1, strategy="ddp") -> str:
    config = train_config(model, precision, method, settings_text, sample, upload, max_steps, learning_rate,
                          batch_size, max_length, task, processes, strategy)
    return start_run(config, force=bool(force)).id


@shows_errors
def train_estimate(model, precision, method, settings_text, sample, upload, max_steps, learning_rate, batch_size,
                   max_length, task="chat", processes=1, strategy="ddp") -> str:
    """Memory by part, time, and whether it fits (with the ranked fixes if not), before anything loads."""
    from lab.runs.estimate import estimate

    return views.estimate_markdown(estimate(train_config(model, precision, method, settings_text, sample, upload,
                                                         max_steps, learning_rate, batch_size, max_length, task,
                                                         processes, strategy)))


@shows_errors
def train_status(run_id: str | None, points_shown: int = -1):
    """Progress text and the loss curve of the run the page follows (re-attached after a refresh). The curve is
    only sent when it has new points, so the plot does not redraw every second."""
    if not run_id:
        run = views.latest_active_run()
        if run is None:
            return "", "No run yet: pick a method and press Start.", views.loss_svg([]), 0
        run_id = run.id
    run = get_run(run_id)
    points = views.loss_curve(run)
    curve = views.loss_svg(points, width=900, height=300) if len(points) != points_shown else gr.skip()
    return run_id, views.progress_text(views.progress(run)), curve, len(points)


@shows_errors
def train_stop(run_id: str) -> str:
    if not run_id:
        raise LabError("No run to stop.", "", "Start a run first.")
    return f"Stopping {stop_run(run_id).id}: it saves a checkpoint and its adapter first."


@shows_errors
def train_resume(run_id: str) -> str:
    if not run_id:
        raise LabError("No run to resume.", "", "Pick a stopped or failed run in the Runs tab.")
    return resume_run(run_id).id


def runs() -> pd.DataFrame:
    return pd.DataFrame(views.runs_table(), columns=views.RUN_COLUMNS)


def run_choices():
    return gr.update(choices=[r[0] for r in views.runs_table()])


def adapter_choices():
    finished = views.finished_run_ids(task="chat")
    return gr.update(choices=[BASE, *finished]), gr.update(choices=finished)


@shows_errors
def run_details(run_id: str) -> dict:
    if not run_id:
        return {}
    run = get_run(run_id)
    summary = {k: v for k, v in run.summary().items() if k != "path"}  # see load(): no local paths in JSON
    return {"status": run.status(), "config": run.config, "summary": summary, "folder": run.id}


@shows_errors
def run_delete(run_id: str, confirmed: bool) -> str:
    from lab.runs import delete_run

    if not confirmed:
        raise LabError("Deletion needs confirmation.", "A deleted run cannot be restored.",
                       "Tick 'Yes, delete it' and press Delete again.")
    delete_run(run_id)
    return f"Deleted {run_id}."


@shows_errors
def run_download(run_id: str) -> str:
    run = get_run(run_id)
    from lab.adapters import check_result

    check_result(run)
    folder = Path(tempfile.mkdtemp(prefix="lab-download-"))
    return shutil.make_archive(str(folder / f"{run.id}-adapter"), "zip", run.adapter_dir)


def settings(max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed) -> GenerationSettings:
    return GenerationSettings(max_new_tokens=int(max_new_tokens), temperature=float(temperature),
                              top_p=float(top_p), top_k=int(top_k), repetition_penalty=float(repetition_penalty),
                              seed=int(seed))


@shows_errors
def compare(run_ids, prompt, max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed):
    from lab.compare import compare as compare_runs

    if not run_ids:
        raise LabError("No run chosen.", "", "Pick one or more finished runs to compare with the base model.")
    rows = compare_runs(list(run_ids), [prompt], settings(max_new_tokens, temperature, top_p, top_k,
                                                          repetition_penalty, seed))
    return views.compare_html(rows), rows


@shows_errors
def compare_split(run_ids, examples, max_new_tokens):
    from lab.compare import compare as compare_runs
    from lab.compare import split_prompts

    if not run_ids:
        raise LabError("No run chosen.", "", "Pick one or more finished runs.")
    prompts = split_prompts(get_run(run_ids[0]), "validation", int(examples))
    rows = compare_runs(list(run_ids), prompts, GenerationSettings(max_new_tokens=int(max_new_tokens)))
    return views.compare_html(rows)


@shows_errors
def evaluate(run_id, examples, max_new_tokens) -> pd.DataFrame:
    from lab.evaluation import evaluate_run

    if not run_id:
        raise LabError("No run chosen.", "", "Pick a finished run.")
    result = evaluate_run(run_id, max_examples=int(examples), max_new_tokens=int(max_new_tokens))
    columns = ["model", "accuracy", "f1"] if result.get("task") == "classify" else [
        "model", "loss", "perplexity", "rougeL", "exact_match"]
    return pd.DataFrame([[row[c] for c in columns] for row in result["rows"]], columns=columns)


def _text(content) -> str:
    """Gradio may hand a message's content back as a list of parts; the model needs plain text."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)


@shows_errors
def chat(message, history, adapter, model, precision, system_prompt, max_new_tokens, temperature, top_p, top_k,
         repetition_penalty, seed):
    """Stream the answer into the chat history (a list of {"role", "content"} messages)."""
    loaded = MODELS.get(confine_model(model), precision, adapter or BASE)
    history = [{"role": m["role"], "content": _text(m["content"])} for m in history or []]
    history.append({"role": "user", "content": message})
    answer = ""
    generation = settings(max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed)
    for piece in stream_chat(loaded.model, loaded.tokenizer, message, history=history[:-1],
                             system_prompt=system_prompt or None, settings=generation):
        answer += piece
        yield history + [{"role": "assistant", "content": answer}], ""
    yield history + [{"role": "assistant", "content": answer}], ""


@shows_errors
def predict(run_ids, texts: str) -> str:
    from lab.classify import predict as predict_labels
    from lab.classify_views import probabilities_html

    if not run_ids:
        raise LabError("No run chosen.", "", "Pick one or more finished classify runs.")
    return probabilities_html(predict_labels(list(run_ids), (texts or "").splitlines()))


@shows_errors
def classify_evaluate(run_ids) -> str:
    from lab.classify import evaluate_classifier
    from lab.classify_views import evaluation_html

    if not run_ids:
        raise LabError("No run chosen.", "", "Pick a finished classify run.")
    return "".join(evaluation_html(evaluate_classifier(run_id)) for run_id in run_ids)
