"""What this machine and installation can do: versions, devices, bf16 and 8/4-bit support."""

from __future__ import annotations

import importlib.metadata
import platform

import torch

from lab.models.loading import bitsandbytes_status, default_device

PACKAGES = ("torch", "transformers", "peft", "bitsandbytes", "accelerate", "datasets", "evaluate", "gradio", "ipywidgets")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def system_info() -> dict:
    cuda = torch.cuda.is_available()
    quantization_ok, quantization_why = bitsandbytes_status()
    return {
        "lab": _version("lab"),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in PACKAGES},
        "device": default_device(),
        "cuda_devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else [],
        "cpu_threads": torch.get_num_threads(),
        "bf16": torch.cuda.is_bf16_supported() if cuda else True,
        "8bit": quantization_ok,
        "4bit": quantization_ok,
        "quantization_note": quantization_why,
    }
