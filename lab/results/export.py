"""Export a run's result: the adapter folder as it is, or LoRA/IA3 merged into a plain model (with its own card)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lab.results.adapters import check_result, is_peft, run_labels
from lab.errors import LabError
from lab.methods import METHODS
from lab.runs.store import Run, get_run

QUANTISED = ("8bit", "4bit")


def export_run(ref, out: str | Path, merge: bool = False) -> Path:
    run = get_run(ref)
    check_result(run)
    out = Path(out).expanduser()
    if out.is_file() or (out.exists() and any(out.iterdir())):
        raise LabError(f"{out} is not empty.", "Export never overwrites files.", "Choose a new or empty folder.")
    if not merge or not is_peft(run):
        shutil.copytree(run.adapter_dir, out, dirs_exist_ok=True)
        return out
    from peft import PeftConfig, PeftModel

    from lab.models import load_model
    from lab.runs.model_card import write_merged_card

    if not METHODS[run.config["method"]].mergeable:
        peft_type = str(PeftConfig.from_pretrained(str(run.adapter_dir)).peft_type).split(".")[-1]
        raise LabError(f"A {peft_type} adapter cannot be merged into the weights.",
                       "Only LoRA and IA3 change existing weights; prompt and prefix tuning add virtual tokens.",
                       "Export without --merge and load it with peft.")
    base, tokenizer, _ = load_model(run.config["model"], "fp32", labels=run_labels(run))
    merged = PeftModel.from_pretrained(base, str(run.adapter_dir)).merge_and_unload()
    merged.save_pretrained(out)
    tokenizer.save_pretrained(out)
    write_merged_card(run, out)
    return out


def export_warnings(run: Run, merge: bool) -> list[str]:
    """What a user should know about an export that worked: a merge that cannot equal the adapter exactly."""
    if not merge:
        return []
    if not is_peft(run):
        return [f"Run {run.id} is a whole model ({run.config['method']}): there is nothing to merge, so it was "
                "exported as it is."]
    precision = run.config["precision"]
    if precision in QUANTISED:
        return [f"Run {run.id} trained on a {precision} base; its adapter was merged onto an unquantised fp32 copy "
                f"(merging into quantised weights would round them), so its answers differ slightly from the "
                f"adapter's on the {precision} base."]
    return []
