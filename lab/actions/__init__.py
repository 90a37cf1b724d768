"""The action layer: one plain-Python function per user action, called by every face (CLI, app, panels) with
plain values and returning plain data. Faces only lay out widgets and render (lab.present); the rules, the
defaults (lab.actions.defaults) and the errors live here, once."""

from lab.actions.chat import stream_reply
from lab.actions.data import data_columns, data_path, data_summary, describe_data
from lab.actions.demo import DemoRuns
from lab.actions.imports import import_adapter
from lab.actions.inputs import column_settings, parse_settings, picked
from lab.actions.models import BASE, describe_model, describe_models, loaded_model, model_names, prepare_models
from lab.actions.experiments import (experiment, experiment_ids, list_experiments, plan_experiment,
                                     start_experiment, stop_experiment)
from lab.actions.answers import classify_evaluate, compare, compare_split, evaluate, generation, predict
from lab.actions.runs import curves, delete_run, download_merged, download_run, export_run, list_runs, run_details, run_ids
from lab.actions.train import (describe_method, estimate_run, latest_active_run, latest_run, plan_run, progress,
                               resume_run, run_form, start_run, stop_run, wait)

__all__ = ["BASE", "DemoRuns", "classify_evaluate", "compare", "compare_split", "column_settings", "data_columns", "data_path", "data_summary", "delete_run", "describe_data",
           "describe_method", "describe_model", "experiment", "experiment_ids", "list_experiments",
           "plan_experiment", "start_experiment", "stop_experiment", "describe_models", "download_merged", "download_run", "estimate_run", "evaluate", "export_run",
           "generation", "import_adapter", "latest_active_run", "latest_run", "curves", "run_form", "list_runs", "loaded_model", "model_names", "parse_settings", "picked",
           "plan_run", "predict", "prepare_models", "progress", "resume_run", "run_details", "run_ids", "start_run", "stop_run",
           "stream_reply", "wait"]
