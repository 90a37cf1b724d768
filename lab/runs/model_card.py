"""README.md beside a run's result: what it is, how it was trained, how to load it without the lab, on any machine.
Nothing in the folder names this machine: the base is its public id, the data its file or folder name."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

from lab.data.fingerprint import data_sha256
from lab.runs.store import Run, read_json

VERSIONED = ("torch", "transformers", "peft", "lab")


def write_model_card(run: Run, info, trainable_params: int) -> None:
    """The card of the saved result, and its adapter_config.json pointed at the public base. Called once, right
    after the worker saves the result (the lab itself loads the base from config.json, never from this field)."""
    name_public_base(run.adapter_dir / "adapter_config.json", public_base(run))
    kind = "adapter" if (run.adapter_dir / "adapter_config.json").exists() else "model"
    write_card(run, run.adapter_dir, kind, trainable_params, info.parameters)


def write_merged_card(run: Run, folder: Path) -> None:
    """The card of a merged export (a plain transformers model), with the run's report when it has one."""
    start = (run.events("start") or [{}])[-1]
    write_card(run, folder, "merged", start.get("trainable_params", 0), start.get("total_params", 0))
    report = read_json(run.path / "eval.json")
    if report and not report.get("error"):
        insert_report(folder / "README.md", report)


def add_report(run: Run, report: dict) -> None:
    """Put the before/after report (headline and table) into the model card, before "Load it". Training writes
    the card afresh, so a resumed run's card holds only its newest report."""
    insert_report(run.adapter_dir / "README.md", report)


def insert_report(card_path: Path, report: dict) -> None:
    from lab.present.report import headline, markdown_table

    section = f"## Before and after\n\n{headline(report)}\n\n{markdown_table(report)}\n\n"
    card = card_path.read_text(encoding="utf-8")
    card_path.write_text(card.replace("## Load it", section + "## Load it", 1), encoding="utf-8")


def public_base(run: Run) -> str:
    from lab.models.registry import public_id

    return public_id(run.config["model"])


def name_public_base(adapter_config: Path, base: str) -> None:
    """Point a peft adapter at its base's public id (peft wrote this machine's folder). Prompt tuning's text
    initialisation names a tokenizer the same way; it is the base's."""
    if not adapter_config.exists():
        return
    config = json.loads(adapter_config.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = base
    if config.get("tokenizer_name_or_path"):
        config["tokenizer_name_or_path"] = base
    adapter_config.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def data_fingerprint(data: str | None, recorded: str | None = None) -> tuple[str, str | None]:
    """The data's file or folder name (never its path: an upload's lies in a temporary folder) and its sha256: the
    one recorded when the run started, else the data's own. None when the data is not on this machine."""
    if not data:
        return "no data recorded", recorded
    path = Path(data)
    return path.name, recorded or (data_sha256(path) if path.exists() else None)


def versions() -> str:
    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return ", ".join(f"{package} {version(package)}" for package in VERSIONED)


def project_link() -> str:
    """The lab as a markdown link to its home page (pyproject's project.urls), or its bare name without one."""
    try:
        urls = importlib.metadata.metadata("lab").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        urls = []
    pages = dict(url.split(", ", 1) for url in urls if ", " in url)
    page = pages.get("Homepage") or pages.get("Repository")
    return f"[lab]({page})" if page else "lab"


def write_card(run: Run, folder: Path, kind: str, trainable_params: int, total_params: int) -> None:
    """`kind`: adapter (a peft folder), model (a full or head-only run's whole model) or merged (an export)."""
    config = run.config
    evals, train = run.events("eval"), run.events("train")
    method, base = config["method"], public_base(run)
    data_name, data_hash = data_fingerprint(config.get("data"), config.get("data_sha256"))
    what = {"adapter": "adapter", "model": "model", "merged": "adapter merged into its base (a plain model)"}[kind]
    lines = [
        "---",
        "library_name: peft" if kind == "adapter" else "library_name: transformers",
        f"base_model: {base}",
        "tags: [lab, " + method + "]",
        "---",
        f"# {config.get('name') or run.id}",
        "",
        f"A **{method}** {what} for `{base}` ({config['precision']} base), trained with {project_link()} on "
        f"`{data_name}`.",
        "",
        "| | |",
        "|---|---|",
        f"| trainable parameters | {trainable_params:,} of {total_params:,} "
        f"({100 * trainable_params / max(total_params, 1):.3f} %) |",
        f"| steps | {train[-1]['step'] if train else 0} |",
        f"| final training loss | {train[-1]['loss']:.4f} |" if train else "| final training loss | - |",
        f"| final validation loss | {evals[-1]['eval_loss']:.4f} |" if evals else "| final validation loss | - |",
        f"| learning rate, batch, max length | {config['learning_rate']}, {config['batch_size']} x "
        f"{config['gradient_accumulation']}, {config['max_length']} |",
        f"| method settings | `{config.get('method_params') or {}}` |",
        f"| data | `{data_name}`, sha256 `{data_hash or 'unknown (the data was gone when this was written)'}` |",
        f"| seed | {config.get('seed', 0)} |",
        f"| versions | {versions()} |",
        "",
        "## Load it",
        "",
        load_snippet(run, kind, base),
        "",
    ]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def load_snippet(run: Run, kind: str, base: str) -> str:
    """Code that runs in this folder once unzipped, and where the base comes from."""
    classify = run.config.get("task", "chat") == "classify"
    auto = "AutoModelForSequenceClassification" if classify else "AutoModelForCausalLM"
    if kind != "adapter":
        return (f"Run this in the unzipped folder (or give its path):\n\n```python\n"
                f"from transformers import AutoTokenizer, {auto}\n\n"
                f'model = {auto}.from_pretrained(".")\ntokenizer = AutoTokenizer.from_pretrained(".")\n```')
    where = (f"`{base}` is fetched from the Hugging Face hub; offline, pass a local copy's folder instead."
             if "/" in base else f"`{base}` names a local model folder, not a hub id: run this beside a folder of "
             "that name, or give its path where the code names it.")
    if classify:
        labels = ((run.events("start") or [{}])[-1].get("data") or {}).get("labels") or []
        return (f"Run this in the unzipped folder (or give its path). {where}\n\n```python\n"
                f"from peft import PeftModel\nfrom transformers import {auto}\n\n"
                f'base = {auto}.from_pretrained("{base}", num_labels={len(labels)})\n'
                f'model = PeftModel.from_pretrained(base, ".")  # classes: {labels}\n```')
    return (f"Run this in the unzipped folder (or give its path). {where}\n\n```python\n"
            f"from peft import AutoPeftModelForCausalLM\nfrom transformers import AutoTokenizer\n\n"
            f'model = AutoPeftModelForCausalLM.from_pretrained(".")  # the base named in adapter_config.json\n'
            f'tokenizer = AutoTokenizer.from_pretrained(".")\n```\n\nWith the base from a local folder:\n\n'
            f"```python\nfrom peft import PeftModel\nfrom transformers import {auto}\n\n"
            f'model = PeftModel.from_pretrained({auto}.from_pretrained("path/to/{base.split("/")[-1]}"), ".")\n```')
