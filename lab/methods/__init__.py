"""Tuning methods: one module each, registered here and nowhere else."""

from __future__ import annotations

from dataclasses import fields

from lab.errors import LabError
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
    cls, params = METHODS[name], dict(params or {})
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise LabError(f"{name} has no setting {', '.join(unknown)}.", "",
                       f"{name} takes: {', '.join(sorted(known)) or 'no settings'}.")
    return cls(**params)


__all__ = ["METHODS", "MethodConfig", "build_method"]
