"""`auto` precision for a run: the fastest precision that fits on this device, decided once, before the run
folder exists, and recorded with its reason (config.json and the start event)."""

from __future__ import annotations

from dataclasses import replace

from lab.models.loading import AUTO, default_device, native_precision


def resolve(config, device: str | None = None, fits=None):
    """`config` with `auto` replaced by a concrete precision and `precision_reason` saying why; any other config
    as it is. On a CPU: bf16 where it is native, else fp32 (quantised weights train slower on a CPU and save
    little there). On a GPU: the native precision, else 8-bit, else 4-bit, the first the estimate says fits. A
    method that trains on a quantised base (qlora) gets 4-bit; one that updates the weights themselves (full,
    head_only) fp32. `fits(config)`: the estimate's verdict (lab.runs.estimate.resolve_precision passes it)."""
    if config.precision != AUTO:
        return config
    device = device or default_device()
    if config.method_class().quantised_base == "required":
        return replace(config, precision="4bit", precision_reason=f"auto: {config.method} trains on a 4-bit base")
    if not config.method_class().uses_peft:
        return replace(config, precision="fp32", precision_reason=f"auto: {config.method} updates the weights "
                       "themselves, and fp32 keeps the small updates bf16 would round away")
    chosen, why = native_precision(device)
    quantisable = config.method_class().quantised_base != "refused" and config.strategy != "fsdp"
    if device.startswith("cuda") and quantisable and fits:
        for candidate in (chosen, "8bit", "4bit"):
            if fits(replace(config, precision=candidate)):
                if candidate != chosen:
                    why = f"{chosen} would not fit in this GPU's free memory; {candidate} does"
                chosen = candidate
                break
    return replace(config, precision=chosen, precision_reason=f"auto: {why}")
