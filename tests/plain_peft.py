"""An adapter trained the way a user would outside the lab: plain peft on the tiny model, one optimiser step."""

from pathlib import Path


def train_plain_lora(model_dir: Path, out: Path) -> Path:
    """A LoRA adapter of `model_dir` saved with save_pretrained into `out` (base_model_name_or_path: the folder)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(model_dir),
                           LoraConfig(task_type="CAUSAL_LM", r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    batch = tokenizer(["Hello there, how are you?"], return_tensors="pt")
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-1)
    model(**batch, labels=batch["input_ids"]).loss.backward()
    optimizer.step()
    model.save_pretrained(out)
    return out
