"""Build model folders once into LAB_HOME: a GGUF converted to safetensors, or a folder a function writes.

Builds are atomic: they happen in a staging folder that is renamed into place, so a half-written folder
is never taken for a model.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable


def is_model_folder(path: Path) -> bool:
    return (path / "config.json").is_file()


def _print_progress(message: str) -> None:
    print(f"[lab] {message}", file=sys.stderr, flush=True)


def build_once(target: Path, build: Callable[[Path], object]) -> Path:
    """`target`, built by `build(staging)` unless it is already a model folder."""
    if is_model_folder(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        build(staging)
        try:
            os.rename(staging, target)
        except OSError:  # another process finished first: keep theirs
            if not is_model_folder(target):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def convert_gguf(gguf: Path, target: Path, progress: Callable[[str], None] = _print_progress) -> Path:
    """`target`, converted once from a GGUF file into fp32 safetensors and its tokenizer."""

    def convert(staging: Path) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        start = time.perf_counter()
        progress(f"Converting {gguf.name} into {target} (once, about half a minute)...")
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        config = loaded.config
        if hasattr(config, "quantization_config"):  # the saved weights are plain fp32, not GGUF
            del config.quantization_config
        fresh = AutoModelForCausalLM.from_config(config)
        fresh.load_state_dict(loaded.state_dict())
        progress("Writing safetensors...")
        fresh.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        progress(f"Converted in {time.perf_counter() - start:.0f} s.")

    return build_once(target, convert)
