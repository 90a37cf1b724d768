"""Import: an adapter trained elsewhere becomes a run, so compare, chat and evaluate take it like any other."""

from __future__ import annotations

from lab.errors import LabError
from lab.paths import confine, confine_model


def import_adapter(path: str, base: str | None = None, name: str | None = None, confined: bool = False) -> dict:
    """Register a peft adapter folder (adapter_config.json + adapter_model.safetensors) as a completed run of its
    base model: `base` (a registry name, folder or hub id), else the adapter's base_model_name_or_path. Its
    summary, without the server's folder. When `confined` (the app, the panels) both must lie in allowed folders."""
    from lab.runs.imports import import_adapter as register

    path, base = (path or "").strip(), (base or "").strip() or None
    if not path:
        raise LabError("No adapter folder given.", "", "Give the folder that holds adapter_config.json.")
    if confined:
        path, base = str(confine(path, "adapter folder")), base and confine_model(base)
    summary = register(path, base, (name or "").strip()).summary()
    return {k: v for k, v in summary.items() if k != "path"}
