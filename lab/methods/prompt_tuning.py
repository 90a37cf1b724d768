"""Prompt tuning: learn a few virtual token embeddings put before the input; the model stays frozen."""

from __future__ import annotations

from dataclasses import dataclass

from lab.methods.base import MethodConfig, Recipe, param, peft_task, prepare_quantised


@dataclass
class PromptTuningMethod(MethodConfig):
    name = "prompt_tuning"
    label = "Prompt tuning"
    summary = "Learns only a soft prompt of virtual tokens: the fewest trainable parameters."
    lengthens_sequence = True
    starts_as_base = False  # its virtual tokens start as text or noise, not as nothing
    recipes = {"chat": Recipe(3e-2, 30, (1e-2, 1e-1)),
               "classify": Recipe(9e-2, 60, (3e-2, 3e-1), {"num_virtual_tokens": 8})}

    num_virtual_tokens: int = param(16, "length of the learned soft prompt")
    init: str = param("text", "'text' starts from the embedding of init_text, 'random' from noise")
    init_text: str = param("You are a helpful assistant. Answer the question.", "text whose tokens seed the prompt")

    def validate(self) -> None:
        if self.num_virtual_tokens < 1:
            self.refuse("num_virtual_tokens", "The soft prompt needs at least one token.", "Use 8 to 32.")
        if self.init not in ("text", "random"):
            self.refuse("init", "Prompt tuning starts from text or from random values.", "Use 'text' or 'random'.")
        if self.init == "text" and not self.init_text.strip():
            self.refuse("init_text", "Text initialisation needs some text.", "Give init_text, or use init='random'.")

    def apply(self, model, precision):
        from peft import PromptTuningConfig, PromptTuningInit, get_peft_model

        model = prepare_quantised(model, precision)
        text_init = self.init == "text"
        config = PromptTuningConfig(
            task_type=peft_task(model),
            num_virtual_tokens=self.num_virtual_tokens,
            prompt_tuning_init=PromptTuningInit.TEXT if text_init else PromptTuningInit.RANDOM,
            prompt_tuning_init_text=self.init_text if text_init else None,
            tokenizer_name_or_path=model.name_or_path if text_init else None,
        )
        return get_peft_model(model, config)
