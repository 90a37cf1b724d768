"""TrainConfig: everything a run needs, validated before anything loads, saved as the run's config.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from lab.errors import LabError, from_known_fields
from lab.methods import METHODS, MethodConfig, build_method
from lab.models import DEFAULT_MODEL, PRECISIONS
from lab.models.loading import AUTO


TASKS = ("chat", "classify")
TRACKERS = ("none", "tensorboard")
STRATEGIES = ("ddp", "fsdp")


def setting(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass
class TrainConfig:
    FILLED_IN: ClassVar[tuple[str, ...]] = ("precision_reason", "data_sha256", "data_summary")  # the lab's, no flag
    COLUMNS: ClassVar[dict[str, str]] = {"prompt": "prompt_column", "response": "response_column",
                                         "system": "system_column", "text": "text_column", "label": "label_column"}
    task: str = setting("chat", "chat (instruction tuning of the causal LM) or classify (text -> label)")
    model: str = setting(DEFAULT_MODEL, "registry name, local folder or hub id")
    precision: str = setting("auto", f"base model precision: {', '.join(PRECISIONS)} (auto: the fastest that fits "
                                     "here, bf16 where the device computes it natively, else fp32)")
    precision_reason: str = setting("", "why `auto` chose the precision (the lab fills it in when a run starts)")
    method: str = setting("lora", f"tuning method: {', '.join(METHODS)}")
    method_params: dict = setting(None, "the method's own settings, e.g. {'r': 16}")
    data: str | None = setting("sample_data", "a data file, or a folder with train/validation files (None: an "
                                              "imported adapter's run, whose data the lab never saw)")
    data_sha256: str | None = setting(None, "the data's fingerprint when the run was created (the lab fills it in; "
                                            "a re-read of the run's data checks it)")
    data_format: str = setting("auto", "auto, messages, sharegpt, alpaca, text or columns")
    prompt_column: str | None = setting(None, "CSV/JSONL column with the prompt")
    response_column: str | None = setting(None, "CSV/JSONL column with the answer")
    system_column: str | None = setting(None, "CSV/JSONL column with a system prompt (optional)")
    text_column: str | None = setting(None, "classify: column with the text (auto: text, sentence, question, ...)")
    label_column: str | None = setting(None, "classify: column with the label (auto: label, class, topic, ...)")
    data_summary: dict | None = setting(None, "the data as read when the run was created: name, format, split sizes, "
                                              "columns (the lab fills it in; faces show it)")
    validation_fraction: float = setting(0.1, "share held out for validation when there is no validation file")
    max_validation_examples: int = setting(100, "cap on validation examples scored at each evaluation")
    samples: int = setting(3, "validation prompts answered at step 0 and after every evaluation, shown as the "
                              "run trains (0: none)")
    sample_new_tokens: int = setting(48, "longest sample answer, in tokens")
    report_examples: int = setting(10, "validation examples the before/after report answers when the run "
                                       "ends (0: no report)")
    max_length: int = setting(512, "longest example in tokens; longer ones are cut")
    answer_only: bool = setting(True, "compute the loss on the answers only, not the prompts")
    epochs: float = setting(1.0, "passes over the training data (ignored when max_steps > 0)")
    max_steps: int = setting(0, "optimiser steps to run; 0 = use epochs")
    learning_rate: float | None = setting(None, "peak learning rate (empty: the method's recipe for the task)")
    batch_size: int = setting(4, "examples per device step")
    gradient_accumulation: int = setting(1, "device steps per optimiser step")
    gradient_checkpointing: bool = setting(False, "recompute activations in the backward pass: less memory, "
                                                  "about a third slower")
    warmup_steps: int = setting(0, "steps of linear learning-rate warm-up")
    seed: int = setting(0, "random seed for data order and initialisation")
    eval_steps: int = setting(50, "evaluate every this many steps (and at the end)")
    save_steps: int = setting(50, "checkpoint every this many steps")
    processes: int = setting(1, "processes training together (torchrun): one per GPU, or several on a CPU; "
                                "batch_size is per process")
    strategy: str = setting("ddp", "with processes > 1: ddp (each process holds the whole model) or fsdp (the "
                                   "weights are sharded; full fine-tuning only)")
    name: str = setting("", "an optional label for the run")
    report_to: str = setting("none", "also log to: none or tensorboard (the run folder's tensorboard/; "
                                     "`tensorboard --logdir` on the runs folder shows every run)")

    def __post_init__(self):
        self.method_params = dict(self.method_params or {})
        for name in self.COLUMNS.values():  # an emptied form field or YAML '' means: detect it
            if isinstance(getattr(self, name), str) and not getattr(self, name).strip():
                setattr(self, name, None)
        if self.method in METHODS:  # the method's measured recipe fills what the user left out
            recipe = METHODS[self.method].recipe(self.task)
            self.method_params = {**recipe.settings, **self.method_params}
            self.learning_rate = recipe.learning_rate if self.learning_rate is None else self.learning_rate
        self.validate()

    def rate_warning(self) -> str | None:
        """A warning when the learning rate is far outside the method's working range for the task."""
        cls = METHODS.get(self.method)
        return cls.recipe(self.task).rate_warning(cls.label, self.task, self.learning_rate) if cls else None

    def validate(self) -> None:
        if self.task not in TASKS:
            raise LabError(f"Unknown task '{self.task}'.", "", f"Use one of: {', '.join(TASKS)}.")
        if self.task == "classify" and not self.method_class().classify:
            raise LabError(f"{self.method} is not offered for classification.",
                           "The lab tunes classifiers with head_only, lora, prompt_tuning, ia3 or full.",
                           "Pick one of those methods.")
        if self.gradient_checkpointing and not self.method_class().gradient_checkpointing:
            raise LabError(f"{self.method} cannot use gradient checkpointing.",
                           "Its virtual keys and values enter as a cache, which checkpointed layers do not keep.",
                           "Set gradient_checkpointing to false, or use lora or prompt_tuning.")
        if self.precision not in PRECISIONS:
            raise LabError(f"Unknown precision '{self.precision}'.", "", f"Use one of: {', '.join(PRECISIONS)}.")
        self.validate_processes()
        self.validate_tracker()
        self.validate_columns()
        method = self.method_config()  # its own settings are checked here
        if self.precision != AUTO:  # auto picks one the method takes
            method.check_precision(self.precision)
        positive = ["max_length", "batch_size", "gradient_accumulation", "eval_steps", "save_steps",
                    "max_validation_examples"]
        for name in positive:
            if getattr(self, name) < 1:
                raise LabError(f"{name} must be at least 1, not {getattr(self, name)}.", self.help(name),
                               f"Set {name} to a positive whole number.")
        for name in ("samples", "report_examples"):
            if getattr(self, name) < 0:
                raise LabError(f"{name} cannot be negative ({getattr(self, name)}).", self.help(name),
                               f"Set {name} to 0 (none) or a positive whole number.")
        if self.sample_new_tokens < 1:
            raise LabError(f"sample_new_tokens must be at least 1, not {self.sample_new_tokens}.",
                           self.help("sample_new_tokens"), "Set it to a positive whole number such as 48.")
        if self.max_steps < 0:
            raise LabError(f"max_steps cannot be negative ({self.max_steps}).", self.help("max_steps"),
                           "Use 0 to train by epochs, or a positive number of steps.")
        if self.max_steps == 0 and self.epochs <= 0:
            raise LabError("Nothing to train: epochs is 0 and max_steps is 0.", "", "Set epochs > 0 or max_steps > 0.")
        if not isinstance(self.learning_rate, (int, float)) or not 0 < self.learning_rate <= 1:
            recipe = self.method_class().recipes and self.method_class().recipe(self.task).learning_rate
            raise LabError(f"learning_rate {self.learning_rate} is outside (0, 1].",
                           "Rates above 1 make the loss explode; each method has its own working range.",
                           f"Use {self.method}'s recipe rate, {recipe:g}, or leave it empty for that." if recipe
                           else "Use a value such as 3e-3 (LoRA) or 1.5e-4 (full fine-tuning).")
        if not 0 <= self.validation_fraction < 1:
            raise LabError(f"validation_fraction {self.validation_fraction} is outside [0, 1).", "",
                           "Use a share such as 0.1, or 0 for no validation.")

    def validate_columns(self) -> None:
        """Each column is a name; no two roles of the task read the same column."""
        from lab.data.formats import choose_columns

        for name in self.COLUMNS.values():
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise LabError(f"{name} must be a column's name, not {value!r}.", self.help(name),
                               "Give the column's name as the file's header spells it, or leave it empty to "
                               "detect it.")
        roles = ("text", "label") if self.task == "classify" else ("prompt", "response", "system")
        chosen = [(role, getattr(self, self.COLUMNS[role])) for role in roles if getattr(self, self.COLUMNS[role])]
        for i, (role, column) in enumerate(chosen):
            for other, same in chosen[i + 1:]:
                if column.strip().lower() == same.strip().lower():
                    raise LabError(f"The {role} and the {other} are both column '{column}'.",
                                   "Each part of an example is read from a column of its own.",
                                   f"{choose_columns(*roles[:2], first=True)}: two different columns.")

    def validate_tracker(self) -> None:
        if self.report_to not in TRACKERS:
            raise LabError(f"Unknown report_to '{self.report_to}'.", self.help("report_to"),
                           f"Use one of: {', '.join(TRACKERS)}.")
        if self.report_to == "tensorboard":
            from transformers.integrations import is_tensorboard_available

            if not is_tensorboard_available():
                raise LabError("TensorBoard logging needs the tensorboard package, which is not installed.",
                               "The Trainer writes TensorBoard's event files through it.",
                               "pip install tensorboard (or lab[tensorboard]), or set report_to to none; the "
                               "lab's own charts never need it.")

    def validate_processes(self) -> None:
        if self.processes < 1:
            raise LabError(f"processes must be at least 1, not {self.processes}.", self.help("processes"),
                           "Set processes to 1, or to the number of GPUs to train on.")
        if self.strategy not in STRATEGIES:
            raise LabError(f"Unknown strategy '{self.strategy}'.", self.help("strategy"),
                           f"Use one of: {', '.join(STRATEGIES)}.")
        if self.strategy == "fsdp":
            if self.precision in ("8bit", "4bit"):
                raise LabError(f"fsdp cannot shard a {self.precision} model.",
                               "FSDP shards plain weight tensors; bitsandbytes packs quantised weights its own way.",
                               "Use precision fp32 or bf16 with fsdp, or strategy ddp for a quantised base.")
            if not self.method_class().fsdp:
                raise LabError(f"fsdp is for full fine-tuning, not {self.method}.",
                               "Sharding pays for a whole model's weights, gradients and optimiser state; an "
                               "adapter's are small, and ddp keeps one copy per process at little cost.",
                               "Use strategy ddp with this method, or method full with fsdp.")
            if self.processes < 2:
                raise LabError("fsdp needs at least 2 processes.", "It shards the weights across processes.",
                               "Set processes to 2 or more, or use strategy ddp.")
        if self.processes > 1:  # on a CPU more processes than cores only run slower; a GPU cannot be shared
            from lab.runs.distributed import gpu_count

            gpus = gpu_count()
            if gpus and self.processes > gpus:
                raise LabError(f"processes {self.processes} is more than this machine's {gpus} GPU(s).",
                               "Each process trains on a GPU of its own.",
                               f"Set processes to {gpus} or fewer; `lab info` shows the devices found.")

    def read_data(self):
        """The run's data as train/validation splits (a LabError names any bad file, line and field, or says the
        data has changed or gone since the run was created, or that the run has none)."""
        from lab.data import read_classification, read_dataset

        self.check_data()
        if self.task == "classify":
            return read_classification(self.data, text_column=self.text_column, label_column=self.label_column,
                                       validation_fraction=self.validation_fraction, seed=self.seed)
        return read_dataset(self.data, fmt=self.data_format, prompt_column=self.prompt_column,
                            response_column=self.response_column, system_column=self.system_column,
                            validation_fraction=self.validation_fraction, seed=self.seed)

    def check_data(self) -> None:
        """A LabError when the run has no data of its own, or its data changed or went since it was recorded."""
        from lab.data.fingerprint import check_unchanged

        if not self.data:
            raise LabError("This run has no data of its own.",
                           "It was imported from an adapter folder, so the lab never saw what it trained on.",
                           "Chat or compare with prompts; to score it on a split, choose a run trained here first "
                           "(its validation data is used for every chosen run).")
        check_unchanged(self.data, self.data_sha256)

    def method_config(self):
        return build_method(self.method, self.method_params)

    def method_class(self) -> type[MethodConfig]:
        """What the method can do. An unknown name gets the base's answers; method_config() refuses it later."""
        return METHODS.get(self.method, MethodConfig)

    @staticmethod
    def help(name: str) -> str:
        return next(f.metadata["help"] for f in fields(TrainConfig) if f.name == name)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        return from_known_fields(cls, data, "Unknown training setting(s):", "Known settings")

    @classmethod
    def from_file(cls, path: str | Path) -> "TrainConfig":
        path = Path(path)
        if not path.is_file():
            raise LabError(f"Config file {path} does not exist.", "", "Check the path.")
        text = path.read_text(encoding="utf-8")
        try:
            if path.suffix in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(text) or {}
            else:
                data = json.loads(text)
        except Exception as exc:  # yaml and json raise different types; both mean a malformed file
            raise LabError(f"Cannot parse {path}.", str(exc).splitlines()[0], "Fix the YAML/JSON syntax.") from exc
        if not isinstance(data, dict):
            raise LabError(f"{path} must hold a mapping of settings.", "", "Write key: value lines.")
        return cls.from_dict(data)
