"""lab: load a causal LM in 8/4-bit, tune it, and see what changed. This module is the public API: every action
a user, a notebook or a face needs, by name (the faces import nothing else from the core but lab.present).

    import lab
    config = lab.plan_run(method="lora", steps=30, precision="fp32")
    run = lab.start_run(config)                 # returns at once; the run trains in its own process
    lab.wait(run["id"]); lab.compare([run["id"]], "What is AI?")
"""

from lab.actions import (BASE, DemoRuns, classify_evaluate, column_settings, compare, compare_split, data_columns, data_path, data_summary, delete_run, describe_data,
                         describe_method, describe_model, describe_models, download_merged, download_run, estimate_run, evaluate, export_run,
                         experiment, experiment_ids, list_experiments, plan_experiment, start_experiment,
                         stop_experiment,
                         generation, import_adapter, latest_active_run, latest_run, curves, run_form, list_runs, loaded_model, model_names, parse_settings, picked,
                         plan_run, predict, prepare_models, progress, resume_run, run_details, run_ids, start_run, stop_run,
                         stream_reply, wait)
from lab import present
from lab.actions import defaults
from lab.errors import LabError
from lab.logs import log_failure, quiet_libraries
from lab.paths import without_server_paths
from lab.generation import GenerationSettings, chat, stream_chat
from lab.methods import METHODS
from lab.models import DEFAULT_MODEL, PRECISIONS, LoadedModel, ModelInfo, list_models, load_model
from lab.runs.config import STRATEGIES, TASKS, TrainConfig
from lab.system import system_info

__all__ = [
    "BASE", "DEFAULT_MODEL", "DemoRuns", "METHODS", "PRECISIONS", "STRATEGIES", "TASKS", "GenerationSettings", "LabError",
    "LoadedModel", "ModelInfo", "TrainConfig", "chat", "classify_evaluate", "compare", "compare_split",
    "column_settings", "data_columns", "data_path", "data_summary", "defaults", "delete_run", "describe_data", "describe_method", "describe_model", "describe_models", "download_merged", "download_run",
    "estimate_run", "evaluate", "experiment", "experiment_ids", "export_run", "list_experiments",
    "plan_experiment", "start_experiment", "stop_experiment", "generation", "import_adapter", "latest_active_run", "latest_run", "curves", "run_form", "list_models", "list_runs",
    "load_model", "loaded_model", "model_names", "parse_settings", "picked", "plan_run", "predict", "prepare_models", "progress",
    "resume_run", "run_details", "run_ids", "start_run", "stop_run", "stream_chat", "stream_reply",
    "log_failure", "present", "quiet_libraries", "system_info", "wait", "without_server_paths",
]

if "ipykernel" in __import__("sys").modules:  # a notebook: library notices go to the log, not into the cells
    quiet_libraries()

