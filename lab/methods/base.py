"""What every tuning method shares: a dataclass config that fails fast, and `apply(model, precision)`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import ClassVar

import torch

from lab.errors import LabError

QUANTISED = ("8bit", "4bit")
FAR = 3  # a learning rate this many times beyond a recipe's working range gets a warning


@dataclass(frozen=True)
class Recipe:
    """A method's measured starting point for one task (bench/recipe_sweep.py, bench/RESULTS.md): what every face
    fills in when the method is chosen, and the learning rates it works at."""

    learning_rate: float
    steps: int
    working_rates: tuple[float, float]  # where the sweep found useful runs
    settings: dict = field(default_factory=dict)  # the method's settings that differ from its dataclass defaults

    def rate_warning(self, label: str, task: str, rate: float) -> str | None:
        """A warning for a learning rate far outside the working range, with the recipe's value."""
        low, high = self.working_rates
        if low / FAR <= rate <= high * FAR:
            return None
        effect = "barely changes the model" if rate < low else "is likely to diverge"
        return (f"learning_rate {rate:g} is far {'below' if rate < low else 'above'} {label}'s working range for "
                f"{task} ({low:g} to {high:g}): a run {effect}. Its recipe uses {self.learning_rate:g}.")


def param(default, help: str, **kwargs):
    """A config field with a one-line help text that the CLI, the app and the widgets show."""
    return field(default=default, metadata={"help": help}, **kwargs)


@dataclass
class MethodConfig:
    """A method's settings (dataclass fields) and what it can do (class variables, overridden per method, the way
    peft declares capabilities on its tuners). Code that depends on the method asks these, never its name."""

    name: ClassVar[str]
    label: ClassVar[str]  # its name in messages
    summary: ClassVar[str]
    uses_peft: ClassVar[bool] = True  # the result is a peft adapter; False: a whole model, saved with save_pretrained
    # on an 8/4-bit base: "optional" (trains beside the frozen quantised weights), "refused" (it updates the
    # weights themselves) or "required" (it is the method `unquantised` on a quantised base)
    quantised_base: ClassVar[str] = "optional"
    unquantised: ClassVar[type[MethodConfig] | None] = None
    gradient_checkpointing: ClassVar[bool] = True  # trains with gradient_checkpointing on
    classify: ClassVar[bool] = True  # offered for task classify
    mergeable: ClassVar[bool] = False  # its adapter merges into the base weights (peft's merge_and_unload)
    lengthens_sequence: ClassVar[bool] = False  # prepends num_virtual_tokens learned tokens to every input
    fsdp: ClassVar[bool] = False  # offered with strategy fsdp (sharding pays only when every weight trains)
    mixes_in_batch: ClassVar[bool] = False  # peft runs rows of one batch through different adapters of one base
    # before its first step the model answers exactly as the base does (LoRA's zero update, IA3's unit scales), so
    # step 0's numbers are the base's (lab.runs.step_zero); False for learned virtual tokens
    starts_as_base: ClassVar[bool] = True
    recipes: ClassVar[dict[str, Recipe]] = {}  # per task: the measured defaults every face starts from

    @classmethod
    def recipe(cls, task: str = "chat") -> Recipe:
        return cls.recipes.get(task) or cls.recipes["chat"]

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        """Raise LabError for a value that cannot work."""

    def apply(self, model: torch.nn.Module, precision: str) -> torch.nn.Module:
        raise NotImplementedError

    def check_precision(self, precision: str) -> None:
        """Called before the model loads, so a refusal costs nothing."""
        if precision in QUANTISED and self.quantised_base == "refused":
            raise LabError(
                f"{self.label} cannot train a {precision} model.",
                "Quantised weights are frozen integers; there is nothing for the optimiser to update.",
                "Use precision fp32 (or bf16 on a GPU), or method qlora to train adapters on the quantised model.",
            )
        if precision not in QUANTISED and self.quantised_base == "required":
            raise LabError(
                f"{self.label} needs a quantised base, not {precision}.",
                f"{self.label} is {self.unquantised.label} trained on top of an 8-bit or 4-bit model.",
                f"Use precision 4bit (or 8bit), or method {self.unquantised.name} for an unquantised base.",
            )

    @classmethod
    def trains_in(cls, precision: str) -> bool:
        """Whether this method can train on a base at `precision` (check_precision would not refuse it)."""
        quantised = precision in QUANTISED
        return {"refused": not quantised, "required": quantised}.get(cls.quantised_base, True) or precision == "auto"

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def field_help(cls) -> dict[str, dict]:
        return {f.name: {"default": f.default, "help": f.metadata.get("help", "")} for f in fields(cls)}

    def refuse(self, field_name: str, why: str, fix: str) -> None:
        raise LabError(f"Invalid {self.name} setting {field_name}={getattr(self, field_name)!r}.", why, fix)


@dataclass
class WholeModelMethod(MethodConfig):
    """A method that trains the model's own weights (not a peft adapter): impossible on a quantised base."""

    uses_peft = False
    quantised_base = "refused"


def prepare_quantised(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """peft's k-bit preparation (fp32 norms, input grads); no gradient checkpointing, which CPU training and
    prefix tuning cannot use."""
    if precision in QUANTISED:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
        keep_4bit_trainable(model)
    return model


def keep_4bit_trainable(model: torch.nn.Module) -> None:
    """On CPUs with AVX512-BF16, bitsandbytes repacks a Linear4bit's weights into an inference layout on its
    first eval-mode, no-grad forward (the step-0 evaluation) and keeps that layout when training resumes; the
    backward pass then carries no gradient (measured: every adapter gradient None). Training models skip it."""
    for module in model.modules():
        if hasattr(module, "support_avx512bf16_for_cpu"):
            module.support_avx512bf16_for_cpu = False


def peft_task(model: torch.nn.Module) -> str:
    """peft's task type for this model: a classification head (text classification) or a language-model head."""
    return "SEQ_CLS" if type(model).__name__.endswith("ForSequenceClassification") else "CAUSAL_LM"


def head_modules(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The modules that map hidden states to outputs: the LM head, or a classifier ('classifier' / 'score')."""
    if peft_task(model) == "SEQ_CLS":
        return [m for name in ("classifier", "score") if (m := getattr(model, name, None)) is not None]
    return [model.get_output_embeddings()]


def linear_module_names(model: torch.nn.Module) -> list[str]:
    """The leaf names of the model's linear layers (q_proj, up_proj, ...), the names target_modules takes."""
    names = set()
    for full_name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) or type(module).__name__ in ("Linear4bit", "Linear8bitLt"):
            names.add(full_name.rsplit(".", 1)[-1])
    return sorted(names)


def check_target_modules(model: torch.nn.Module, targets, method: str) -> None:
    if targets is None or targets == "all-linear":
        return
    available = linear_module_names(model)
    missing = [t for t in targets if t not in available]
    if missing:
        raise LabError(
            f"{method}: target modules {missing} are not in this model.",
            f"target_modules names the linear layers to adapt; this model's are: {', '.join(available)}.",
            "Pick names from that list, or leave target_modules empty for the architecture's default.",
        )
