"""Head-only (freeze): train the output head and, optionally, the top transformer blocks; freeze the rest."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import Recipe, WholeModelMethod, head_modules, param


def transformer_blocks(model) -> list:
    """The stack of transformer blocks: a decoder's `layers`, or an encoder's `encoder.layer` (BERT-style)."""
    base = model.base_model
    return list(getattr(base, "layers", None) or base.encoder.layer)


@dataclass
class HeadOnlyMethod(WholeModelMethod):
    name = "head_only"
    label = "Head-only training"
    summary = "Freezes the body and trains the head (and the top layers you choose): cheap, limited reach."
    recipes = {"chat": Recipe(3e-4, 30, (1e-4, 1e-3)),
               "classify": Recipe(1e-1, 60, (3e-2, 3e-1), {"top_layers": 0})}  # a lone head: the body's rate is far lower

    top_layers: int = param(1, "how many of the top transformer blocks train with the head (0 = head only)")

    def validate(self) -> None:
        if self.top_layers < 0:
            self.refuse("top_layers", "A layer count cannot be negative.", "Use 0 (head only) or more.")

    def apply(self, model, precision):
        layers = transformer_blocks(model)
        if self.top_layers > len(layers):
            self.refuse("top_layers", f"The model has {len(layers)} blocks.", f"Use at most {len(layers)}.")
        model.requires_grad_(False)
        top = list(layers[len(layers) - self.top_layers:]) if self.top_layers else []
        final_norm = getattr(model.base_model, "norm", None) if self.top_layers else None  # decoders' last norm
        trainable = [*head_modules(model), *top, *([final_norm] if final_norm is not None else [])]
        for module in trainable:
            module.requires_grad_(True)
        return model
