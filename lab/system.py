"""What this machine and installation can do: versions, devices (and how many processes a run can use), bf16 and
8/4-bit support."""

from __future__ import annotations

import importlib.metadata
import platform

import torch

from lab.models.loading import bitsandbytes_status, cpu_has_bf16, default_device
from lab.runs.distributed import cpu_cores, usable_processes

PACKAGES = ("torch", "transformers", "peft", "bitsandbytes", "accelerate", "datasets", "evaluate", "gradio", "ipywidgets")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def gpus() -> list[dict]:
    return [{"name": torch.cuda.get_device_name(i),
             "memory_gb": round(torch.cuda.get_device_properties(i).total_memory / 2**30, 1)}
            for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []


def system_info() -> dict:
    cuda = torch.cuda.is_available()
    quantization_ok, quantization_why = bitsandbytes_status()
    return {
        "lab": _version("lab"),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in PACKAGES},
        "device": default_device(),
        "gpus": gpus(),
        "cpu_cores": cpu_cores(),
        "cpu_threads": torch.get_num_threads(),
        "processes": usable_processes(),  # what `processes` can be set to: one per GPU, else one per core
        "bf16": torch.cuda.is_bf16_supported() if cuda else cpu_has_bf16(),  # native: AVX512-BF16 or AMX on a CPU
        "8bit": quantization_ok,
        "4bit": quantization_ok,
        "quantization_note": quantization_why,
    }
