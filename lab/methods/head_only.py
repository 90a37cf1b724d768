"""Head-only (freeze): train the output head and, optionally, the top transformer blocks; freeze the rest."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import WholeModelMethod, param


@dataclass
class HeadOnlyMethod(WholeModelMethod):
    name = "head_only"
    label = "Head-only training"
    summary = "Freezes the body and trains the head (and the top layers you choose): cheap, limited reach."

    top_layers: int = param(1, "how many of the top transformer blocks train with the head (0 = head only)")

    def validate(self) -> None:
        if self.top_layers < 0:
            self.refuse("top_layers", "A layer count cannot be negative.", "Use 0 (head only) or more.")

    def apply(self, model, precision):
        layers = model.get_decoder().layers
        if self.top_layers > len(layers):
            self.refuse("top_layers", f"The model has {len(layers)} blocks.", f"Use at most {len(layers)}.")
        model.requires_grad_(False)
        trainable = [model.get_output_embeddings(), model.get_decoder().norm, *layers[len(layers) - self.top_layers:]]
        for module in trainable:
            module.requires_grad_(True)
        return model
