"""Full fine-tuning: every weight trains. Needs an unquantised base and the most memory."""

from __future__ import annotations

from dataclasses import dataclass

from lab.errors import LabError
from lab.methods.base import QUANTISED, MethodConfig


@dataclass
class FullMethod(MethodConfig):
    name = "full"
    summary = "Trains every weight: the most capacity, memory and disk; saves a whole model."
    uses_peft = False

    def check_precision(self, precision):
        if precision in QUANTISED:
            raise LabError(
                f"Full fine-tuning cannot train a {precision} model.",
                "Quantised weights are frozen integers; there is nothing for the optimiser to update.",
                "Use precision fp32 (or bf16 on a GPU), or method qlora to train adapters on the quantised model.",
            )

    def apply(self, model, precision):
        model.requires_grad_(True)
        return model
