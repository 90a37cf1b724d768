"""Prefix tuning: learn key/value vectors prepended at every attention layer."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import MethodConfig, Recipe, param, peft_task, prepare_quantised


@dataclass
class PrefixTuningMethod(MethodConfig):
    name = "prefix_tuning"
    label = "Prefix tuning"
    summary = "Learns virtual keys and values at every layer: more reach than prompt tuning, still small."
    gradient_checkpointing = False  # its virtual keys and values enter as a cache, which checkpointed layers drop
    classify = False
    starts_as_base = False  # its virtual tokens start as text or noise, not as nothing
    recipes = {"chat": Recipe(3e-2, 30, (1e-2, 1e-1))}

    num_virtual_tokens: int = param(16, "number of virtual key/value positions per layer")
    projection: bool = param(False, "reparameterise the prefix through an MLP (more stable, more parameters)")

    def validate(self) -> None:
        if self.num_virtual_tokens < 1:
            self.refuse("num_virtual_tokens", "The prefix needs at least one position.", "Use 8 to 32.")

    def apply(self, model, precision):
        from peft import PrefixTuningConfig, get_peft_model

        model = prepare_quantised(model, precision)
        config = PrefixTuningConfig(task_type=peft_task(model), num_virtual_tokens=self.num_virtual_tokens,
                                    prefix_projection=self.projection)
        return get_peft_model(model, config)
