"""Every renderer on plain dicts: no model, no run folder, milliseconds each."""

from lab.present import compare, data, errors, estimate, evaluate, methods, models, progress, runs

SUMMARY = {"id": "20261129-101500-lora-ab12", "name": "", "state": "queued", "queue_position": 2, "task": "chat",
           "method": "lora", "model": "tiny", "precision": "fp32", "step": 3, "max_steps": 6, "loss": 2.123456,
           "best_eval_loss": None, "eval_rougeL": None, "accuracy": None, "error": None, "hint": None}
PROGRESS = {"id": "r1", "state": "running", "final": False, "step": 2, "max_steps": 4, "fraction": 0.5,
            "eta_s": 65, "loss": 1.5, "eval_loss": 1.25, "tokens_per_s": 123.4, "error": None, "hint": None,
            "points": [{"step": 1, "loss": 2.0, "series": "train"}, {"step": 2, "loss": 1.5, "series": "train"},
                       {"step": 2, "loss": 1.25, "series": "validation"}]}
ESTIMATE = {"device": "cpu", "total_params": 1000, "trainable_params": 10, "trainable_share": 0.01,
            "memory": {"weights": 2**20, "activations": 3 * 2**20}, "peak_bytes": 4 * 2**20, "free_bytes": 2**20,
            "fits": False, "steps": 30, "tokens": 12345, "seconds": 100.0,
            "fixes": [{"fix": "batch_size 2", "changes": {}, "keeps_result": True, "peak_bytes": 2**19,
                       "fits": True, "seconds": 120.0}]}


def test_runs_table_shows_the_queue_position_and_rounds():
    row = runs.table([SUMMARY])[0]
    assert row[runs.COLUMNS.index("state")] == "queued #2" and row[runs.COLUMNS.index("loss")] == 2.1235
    assert "queued #2" in runs.text([SUMMARY]) and "<td>queued #2</td>" in runs.html([SUMMARY])
    assert runs.html([]) == "<i>No runs yet.</i>" and "lab train" in runs.text([])
    failed = {**SUMMARY, "state": "failed", "queue_position": None, "error": "boom", "hint": "lab resume"}
    assert "error: boom  fix: lab resume" in runs.text([failed])
    done = {**SUMMARY, "state": "completed", "queue_position": None, "verdict": "better"}
    assert runs.text([done]).splitlines()[1].endswith("better")
    assert runs.table([done])[0][runs.COLUMNS.index("verdict")] == "better"
    waiting = {**SUMMARY, "waiting_for": {"run": "r0", "workspace": "/w/runs"}}  # the message says what it waits for
    assert runs.table([waiting])[0][-1] == "waits for run r0 in workspace /w/runs to free the device"
    assert "waits for run r0 in workspace /w/runs" in runs.text([waiting])


def test_run_actions_say_what_they_did():
    assert runs.stopping({"id": "r1"}).startswith("Stopping r1")
    assert "checkpoint-4" in runs.resumed({"id": "r1", "checkpoint": "checkpoint-4"})
    assert runs.deleted("r1") == "Deleted r1."
    assert "&lt;b&gt;" in runs.details_html({"config": {"name": "<b>"}})


def test_run_details_read_as_key_value_lines_not_json():
    details = {"folder": "r1", "data": "changed", "report": None,
               "status": {"state": "failed", "created": 1_700_000_000, "error": "boom", "hint": "lab resume r1"},
               "config": {"task": "chat", "model": "tiny", "precision": "4bit", "method": "lora",
                          "method_params": {"r": 4}, "data": "d.jsonl", "data_sha256": "ab" * 32,
                          "learning_rate": 0.003, "batch_size": 4, "name": "", "label_column": None},
               "summary": {**SUMMARY, "id": "r1", "state": "failed", "queue_position": None, "error": "boom",
                           "hint": "lab resume r1", "verdict": "mixed", "best_eval_loss": 1.5}}
    lines = runs.details_text(details).splitlines()
    assert not [line for line in lines if line.lstrip().startswith(("{", '"'))]
    assert lines[:4] == ["run:      r1", f"state:    failed · created {runs._when(1_700_000_000)}",
                         "error:    boom Fix: lab resume r1", "task:     chat"]
    for line in ("model:    tiny · 4bit", "method:   lora · r 4", "data:     d.jsonl (changed since the run started)",
                 "steps:    3 of 6", "losses:   train 2.1235 · best validation 1.5000", "vs base:  mixed",
                 "settings: learning_rate=0.003, batch_size=4"):
        assert line in lines
    assert "ab" * 32 not in runs.details_text(details) and "No report yet" in lines[-1]
    assert "<th style='text-align:left'>vs base</th><td>mixed</td>" in runs.details_html(details)


def test_progress_in_each_format():
    assert "**r1** — running" in progress.markdown(PROGRESS) and "ETA 01:05" in progress.markdown(PROGRESS)
    assert "<b>r1</b> — running" in progress.html(PROGRESS) and "step 2/4" in progress.text(PROGRESS)
    failed = {**PROGRESS, "state": "failed", "error": "out of memory", "hint": "smaller batch"}
    assert "**Fix:** smaller batch" in progress.markdown(failed) and "<b>Fix:</b> smaller batch" in progress.html(failed)
    assert "No run yet" in progress.markdown(None) and "No run yet" in progress.html(None)
    queued = {**PROGRESS, "state": "queued #1", "waiting_for": {"run": "r0", "workspace": "/w/runs"}}
    assert "waits for run r0 in workspace /w/runs" in progress.text(queued)
    assert "before/after report" in progress.html({**PROGRESS, "phase": "report"})


def test_estimate_lists_memory_and_the_fixes():
    assert "| activations | 3 MiB |" in estimate.markdown(ESTIMATE) and "**Will not fit" in estimate.markdown(ESTIMATE)
    assert "**" not in estimate.text(ESTIMATE) and "| 1 | batch_size 2 | 0 MiB | yes | 2 min |" in estimate.text(ESTIMATE)
    assert "<td>batch_size 2</td>" in estimate.html(ESTIMATE) and "10 of 1,000 parameters" in estimate.html(ESTIMATE)
    assert "Fixes" not in estimate.markdown({**ESTIMATE, "fits": True, "fixes": []})


def test_compare_marks_what_the_tuned_answer_changed():
    rows = [{"prompt": "Hi <you>", "answers": {"base": "hello there", "run": "hello friend"}}]
    page = compare.html(rows)
    assert "<mark>friend</mark>" in page and "Hi &lt;you&gt;" in page
    assert "[run]\nhello friend" in compare.text(rows) and compare.html([]) == ""


def test_evaluate_table_per_task():
    chat = {"run": "r", "split": "validation", "examples": 2, "rows": [
        {"model": "base", "loss": 2.0, "perplexity": 7.4, "rougeL": 0.1, "exact_match": 0.0},
        {"model": "r", "loss": 1.0, "perplexity": 2.7, "rougeL": 0.3, "exact_match": 0.0}]}
    headers, rows = evaluate.table(chat)
    assert headers == ["model", "loss", "perplexity", "rougeL", "exact_match"] and rows[1][1] == 1.0
    assert "ROUGE-L" in evaluate.html(chat) and "1.000" in evaluate.text(chat)
    classify = {**chat, "task": "classify", "rows": [{"model": "base", "accuracy": 0.5, "f1": 0.4}]}
    assert evaluate.table(classify)[0] == ["model", "accuracy", "f1"] and "macro-F1" in evaluate.html(classify)


def test_data_in_each_format():
    chat = {"task": "chat", "format": "messages", "train": 3, "validation": 1, "max_length": 64,
            "train_tokens": {"tokens": 90, "answer_tokens": 30, "truncated": 0, "dropped_no_answer": 0},
            "preview": [{"prompt": "<user>", "answer": "hi", "tokens": 9, "answer_tokens": 2, "truncated": False}]}
    assert "Format **messages**: 3 train" in data.markdown(chat) and "&lt;user&gt;" in data.table_html(chat)
    assert data.table(chat) == (["prompt", "answer", "tokens", "trained"], [["<user>", "hi", 9, 2]])
    assert "format messages: 3 train" in data.text(chat)
    classify = {"task": "classify", "labels": ["a", "b"], "train": 3, "validation": 1,
                "counts": {"train": {"a": 2, "b": 1}, "validation": {"a": 1}}, "preview": [{"label": "a", "text": "x"}],
                "example_of": {"a": "x", "b": "y"}}
    assert data.table(classify)[1] == [["a", 2, 1, "x"], ["b", 1, 0, "y"]]
    assert "2 classes" in data.sentence_html(classify) and "[a] x" in data.text(classify)


def test_methods_models_and_errors():
    method = {"name": "lora", "summary": "Low-rank adapters.", "settings": [
        {"name": "r", "default": 8, "help": "rank"}, {"name": "target_modules", "default": None, "help": "layers"}]}
    assert methods.settings_text(method) == "r: 8\ntarget_modules: "
    assert "- `r` (8): rank" in methods.help_markdown(method) and "<li><code>r</code>" in methods.help_html(method)
    info = {"name": "tiny", "path": "/m", "precision": "4bit", "device": "cpu", "parameters": 2_500_000,
            "footprint_bytes": 3 * 2**20}
    assert models.markdown(info).startswith("**tiny** in 4bit on cpu: 2.5 M parameters, 3 MiB")
    assert "/m" not in models.html(info)
    message = "Unknown model 'x'.\nWhy: <none>\nFix: pick one"
    assert errors.markdown(message) == "Unknown model 'x'.<br>Why: &lt;none&gt;<br>Fix: pick one"
    assert "Fix: pick one" in errors.html(message) and errors.text(message).startswith("error: Unknown")
