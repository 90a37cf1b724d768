"""LoRA: low-rank updates beside frozen linear layers. On an 8/4-bit base this is QLoRA."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import MethodConfig, Recipe, check_target_modules, param, peft_task, prepare_quantised


def as_module_list(value):
    """Accept a list, a comma-separated string (CLI, forms), 'all-linear', or nothing (architecture default)."""
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        return value if value == "all-linear" else [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


@dataclass
class LoraMethod(MethodConfig):
    name = "lora"
    label = "LoRA"
    summary = "Low-rank adapters beside the frozen weights: few trainable parameters, strong results."
    mergeable = True
    mixes_in_batch = True  # peft's LoRA layers take adapter_names=, one adapter per row
    recipes = {"chat": Recipe(3e-3, 30, (1e-3, 1e-2)), "classify": Recipe(5e-3, 60, (1.5e-3, 1.5e-2))}

    r: int = param(16, "rank of the update matrices; more = more capacity and parameters")
    alpha: int = param(32, "scaling of the update (alpha / r); 2 x r is a common choice")
    dropout: float = param(0.05, "dropout on the adapter input")
    target_modules: list | str | None = param(None, "linear layers to adapt, comma-separated; empty = architecture default; 'all-linear'")

    def validate(self) -> None:
        self.target_modules = as_module_list(self.target_modules)
        if self.r < 1:
            self.refuse("r", "The rank must be a positive whole number.", "Use r between 4 and 64; 8 is a good start.")
        if self.alpha <= 0:
            self.refuse("alpha", "alpha scales the update and must be positive.", "Use alpha = 2 x r.")
        if not 0 <= self.dropout < 1:
            self.refuse("dropout", "Dropout is a probability.", "Use a value in [0, 1), such as 0.05.")

    def apply(self, model, precision):
        from peft import LoraConfig, get_peft_model

        check_target_modules(model, self.target_modules, self.name)
        model = prepare_quantised(model, precision)
        config = LoraConfig(task_type=peft_task(model), r=self.r, lora_alpha=self.alpha, lora_dropout=self.dropout,
                            target_modules=self.target_modules)
        return get_peft_model(model, config)


@dataclass
class QLoraMethod(LoraMethod):
    name = "qlora"
    label = "QLoRA"
    summary = "LoRA on a 4-bit or 8-bit base model: the least memory for the quality."
    quantised_base = "required"
    unquantised = LoraMethod
