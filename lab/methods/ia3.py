"""IA3: learned vectors that rescale attention keys/values and feed-forward activations."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import MethodConfig, Recipe, check_target_modules, param, peft_task, prepare_quantised
from lab.methods.lora import as_module_list


@dataclass
class IA3Method(MethodConfig):
    name = "ia3"
    label = "IA3"
    summary = "Rescales activations with learned vectors: even fewer parameters than LoRA."
    mergeable = True
    recipes = {"chat": Recipe(3e-2, 30, (1e-2, 1e-1)), "classify": Recipe(3e-2, 60, (1e-2, 1e-1))}

    target_modules: list | str | None = param(None, "layers to rescale, comma-separated; empty = architecture default")
    feedforward_modules: list | str | None = param(None, "which of those are feed-forward layers; empty = default")

    def validate(self) -> None:
        self.target_modules = as_module_list(self.target_modules)
        self.feedforward_modules = as_module_list(self.feedforward_modules)
        if self.feedforward_modules and not self.target_modules:
            self.refuse("feedforward_modules", "They must be a subset of target_modules.", "Set target_modules too.")

    def apply(self, model, precision):
        from peft import IA3Config, get_peft_model

        check_target_modules(model, self.target_modules, self.name)
        model = prepare_quantised(model, precision)
        config = IA3Config(task_type=peft_task(model), target_modules=self.target_modules,
                           feedforward_modules=self.feedforward_modules)
        return get_peft_model(model, config)
