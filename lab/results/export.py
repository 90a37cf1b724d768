"""Export a run's result: the adapter folder as it is, or LoRA merged into a plain model."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from lab.results.adapters import check_result, is_peft
from lab.errors import LabError
from lab.methods import METHODS
from lab.runs.store import get_run


def export_run(ref, out: str | Path, merge: bool = False) -> Path:
    run = get_run(ref)
    check_result(run)
    out = Path(out).expanduser()
    if out.exists() and any(out.iterdir()):
        raise LabError(f"{out} is not empty.", "Export never overwrites files.", "Choose a new or empty folder.")
    if not merge or not is_peft(run):
        shutil.copytree(run.adapter_dir, out, dirs_exist_ok=True)
        return out
    from peft import PeftConfig, PeftModel

    from lab.models import load_model

    if not METHODS[run.config["method"]].mergeable:
        peft_type = str(PeftConfig.from_pretrained(str(run.adapter_dir)).peft_type).split(".")[-1]
        raise LabError(f"A {peft_type} adapter cannot be merged into the weights.",
                       "Only LoRA and IA3 change existing weights; prompt and prefix tuning add virtual tokens.",
                       "Export without --merge and load it with peft.")
    if run.config["precision"] != "fp32":
        print(f"[lab] The run trained on a {run.config['precision']} base; merging onto an unquantised fp32 copy "
              "(merging into quantised weights would shift the outputs).", file=sys.stderr)
    base, tokenizer, _ = load_model(run.config["model"], "fp32")
    merged = PeftModel.from_pretrained(base, str(run.adapter_dir)).merge_and_unload()
    merged.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
