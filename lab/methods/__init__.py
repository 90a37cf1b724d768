"""Tuning methods: one module each, registered here and nowhere else."""

from __future__ import annotations

from lab.errors import LabError, from_known_fields
from lab.methods.base import MethodConfig
from lab.methods.full import FullMethod
from lab.methods.head_only import HeadOnlyMethod
from lab.methods.ia3 import IA3Method
from lab.methods.lora import LoraMethod, QLoraMethod
from lab.methods.prefix_tuning import PrefixTuningMethod
from lab.methods.prompt_tuning import PromptTuningMethod

METHODS: dict[str, type[MethodConfig]] = {
    m.name: m
    for m in (LoraMethod, QLoraMethod, PromptTuningMethod, PrefixTuningMethod, IA3Method, FullMethod, HeadOnlyMethod)
}


def build_method(name: str, params: dict | None = None) -> MethodConfig:
    if name not in METHODS:
        raise LabError(f"Unknown tuning method '{name}'.", "", f"Use one of: {', '.join(METHODS)}.")
    return from_known_fields(METHODS[name], dict(params or {}), f"{name} has no setting", f"{name} takes")


__all__ = ["METHODS", "MethodConfig", "build_method"]
