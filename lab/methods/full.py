"""Full fine-tuning: every weight trains. Needs an unquantised base and the most memory."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import Recipe, WholeModelMethod


@dataclass
class FullMethod(WholeModelMethod):
    name = "full"
    label = "Full fine-tuning"
    summary = "Trains every weight: the most capacity, memory and disk; saves a whole model."
    fsdp = True
    recipes = {"chat": Recipe(1.5e-4, 30, (5e-5, 5e-4)), "classify": Recipe(1.5e-4, 60, (5e-5, 5e-4))}

    def apply(self, model, precision):
        model.requires_grad_(True)
        return model
