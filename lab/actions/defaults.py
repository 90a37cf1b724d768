"""The values every face starts with, written once. A face shows these; an action fills in what a face left out."""

from __future__ import annotations

from dataclasses import asdict

from lab.generation import GenerationSettings
from lab.methods import METHODS

PRECISION = "auto"  # every face starts here: the fastest precision that fits this device (lab.runs.precision)
DATA = "sample_data"
SAMPLE_SETS = ("sample_data", "sample_data/topics")
TASK = "chat"
METHOD = "lora"
STEPS = METHODS[METHOD].recipe(TASK).steps  # a form starts at its method's recipe and follows the method's
LEARNING_RATE = METHODS[METHOD].recipe(TASK).learning_rate
BATCH_SIZE = 4
MAX_LENGTH = 512
PROCESSES = 1
STRATEGY = "ddp"
REPORT_TO = "none"  # or "tensorboard": the run also logs there (the lab's views never need it)
# A run started from a form scores this many validation examples at each of its evaluations, and evaluates and
# checkpoints this many times (besides step 0): on the default run, scoring and answering then take about a
# quarter of the wall time, not half (bench/run_timeline.py, RESULTS.md); the curve still has three points.
VALIDATION_EXAMPLES = 20
EVALUATIONS = 2


def every(steps: int) -> int:
    """eval_steps and save_steps for a run of `steps` steps started from a form."""
    return max(1, int(steps) // EVALUATIONS)


PREVIEW_EXAMPLES = 8
COMPARE_PROMPT = "What is AI?"
SPLIT_QUESTIONS = 5
EVAL_EXAMPLES = 10
EVAL_NEW_TOKENS = 48
CLASSIFY_TEXTS = "What is AI?\nWho was the first president?"
CHAT_NEW_TOKENS = 128
COMPARE_NEW_TOKENS = 64
# greedy, with a light repetition penalty and no repeated 4-gram: answers that don't loop (bench/RESULTS.md)
GENERATION = {k: v for k, v in asdict(GenerationSettings()).items() if k != "max_new_tokens"}
