"""README.md beside the adapter: what it is, how it was trained, how to load it without the lab."""

from __future__ import annotations

from lab.runs.store import Run


def write_model_card(run: Run, info, trainable_params: int) -> None:
    config = run.config
    evals = run.events("eval")
    train = run.events("train")
    method = config["method"]
    peft = (run.adapter_dir / "adapter_config.json").exists()
    load = (
        "```python\nfrom peft import AutoPeftModelForCausalLM\n\n"
        f'model = AutoPeftModelForCausalLM.from_pretrained("{run.adapter_dir}")\n```'
        if peft else
        "```python\nfrom transformers import AutoModelForCausalLM\n\n"
        f'model = AutoModelForCausalLM.from_pretrained("{run.adapter_dir}")\n```'
    )
    lines = [
        "---",
        "library_name: peft" if peft else "library_name: transformers",
        f"base_model: {info.path}",
        "tags: [lab, " + method + "]",
        "---",
        f"# {config.get('name') or run.id}",
        "",
        f"A **{method}** {'adapter' if peft else 'model'} for `{config['model']}` ({config['precision']} base), "
        f"trained with [lab](https://github.com/) on `{config['data']}`.",
        "",
        "| | |",
        "|---|---|",
        f"| trainable parameters | {trainable_params:,} of {info.parameters:,} "
        f"({100 * trainable_params / max(info.parameters, 1):.3f} %) |",
        f"| steps | {train[-1]['step'] if train else 0} |",
        f"| final training loss | {train[-1]['loss']:.4f} |" if train else "| final training loss | - |",
        f"| final validation loss | {evals[-1]['eval_loss']:.4f} |" if evals else "| final validation loss | - |",
        f"| learning rate, batch, max length | {config['learning_rate']}, {config['batch_size']} x "
        f"{config['gradient_accumulation']}, {config['max_length']} |",
        f"| method settings | `{config.get('method_params') or {}}` |",
        "",
        "## Load it",
        "",
        load,
        "",
    ]
    (run.adapter_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")


def add_report(run: Run, report: dict) -> None:
    """Put the before/after report (headline and table) into the model card, before "Load it". Training writes
    the card afresh, so a resumed run's card holds only its newest report."""
    from lab.present.report import headline, markdown_table

    card_path = run.adapter_dir / "README.md"
    section = f"## Before and after\n\n{headline(report)}\n\n{markdown_table(report)}\n\n"
    card = card_path.read_text(encoding="utf-8")
    card_path.write_text(card.replace("## Load it", section + "## Load it", 1), encoding="utf-8")
