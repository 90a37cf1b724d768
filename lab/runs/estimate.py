"""Will it fit? A run's peak memory and training time, from the model's config and the data, before any weight
loads; and, when it will not fit, the cheapest changes that make it fit, each with its own estimate.

Parameters are counted exactly: the model is built on the meta device (no memory, no weights) and the run's
method is applied to it. Memory is weights + gradients + AdamW states + activations + the worker's runtime.
Time is FLOPs ÷ this device's measured matmul speed, plus a per-step cost (see `lab.runs.probe`).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, replace

from lab.errors import LabError
from lab.runs import timeline
from lab.runs.config import TrainConfig
from lab.units import GIB, format_bytes, format_seconds

MEMORY_LIMIT_ENV = "LAB_MEMORY_LIMIT"  # e.g. "2GiB": pretend this much is free (a small machine, for tests)

# Values a block keeps per token for the backward pass: per hidden unit (norms, q/k/v, attention, residuals)
# and per feed-forward unit (gate, up, activation, product); and per output unit for the logits. Fitted to
# lab.runs.measure on SmolLM2-135M and a 9.6 M-parameter Llama (SDPA attention): LoRA, prompt tuning, full
# fine-tuning and checkpointing all within 10 %.
HIDDEN_FLOATS, FEEDFORWARD_FLOATS = 10.5, 4.0
TRAINED_BLOCK_EXTRA = 0.27  # a block whose weights train also keeps its matmuls' inputs (measured: +27 %)
# With gradient checkpointing each block keeps only its input; the peak adds one recomputed block and the
# gradients in flight through it, measured at 2.5 blocks' worth.
CHECKPOINTED_BLOCKS = 2.5
LOGIT_FLOATS = 2.0  # logits and their log-softmax (the gradient replaces them)
# On a CPU, bitsandbytes' 4/8-bit layers keep a dequantised fp32 copy of their weights for the backward pass:
# measured 2.0x (9.6 M model) and 2.9x (SmolLM2) the quantised layers' fp32 size in 4-bit; 8-bit assumed alike.
# On a GPU its kernels keep only the packed weights.
DEQUANTISED_COPIES = {"cpu": 2.5, "cuda": 0.0}
TRAIN_EFFICIENCY = 0.75  # share of the matmul peak a training step reaches (bench/train_throughput.py: 75 %)
WARMUP_STEPS = 2  # the first step costs about three (first allocations, kernel choices): measured
STEP_SECONDS = 0.02  # the Trainer's own work per step (logging, callbacks, collation)
QUANT_BYTES = {"4bit": 0.5 + 1 / 64, "8bit": 1.0}  # packed weight + its scale (double-quantised absmax for 4-bit)
RUNTIME_BYTES = {"cpu": 500 * 2**20, "cuda": 600 * 2**20}  # see runtime_bytes()
OVERHEAD_BYTES = 50 * 2**20  # tokenizer, datasets, Trainer and allocator: measured with a 0.1 M-parameter model


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs from the model: parameter counts by role, and the sizes activations scale with."""

    total: int  # every parameter, tied ones once, adapters included
    trainable: int
    quantisable: int  # weights of the Linear layers bitsandbytes would quantise (not the head)
    matmul: int  # weights each token multiplies through in a forward pass (the output head included)
    backprop: int  # of those, the ones the gradient flows back through
    adapter_floats: float  # values LoRA keeps per token beside the block's own (dropout output, low-rank input)
    layers: int
    trained_layers: float  # blocks whose own weights train (full: all; head_only: its top layers; peft: none)
    hidden: int
    feedforward: int
    outputs: int  # vocabulary size, or number of labels


@dataclass(frozen=True)
class DataShape:
    """Token counts of the run's data, tokenised as training will: lengths per example, capped at max_length."""

    lengths: tuple[int, ...]
    validation_tokens: int
    validation_longest: int
    labelled_share: float = 1.0  # positions with a label: the output layer runs only there (chat, answer-only loss)


@dataclass(frozen=True)
class Estimate:
    device: str
    total_params: int
    trainable_params: int
    memory: dict  # part -> bytes: weights, gradients, optimizer, activations, [dequantised copies,] overhead, runtime
    free_bytes: int
    steps: int
    tokens: int  # tokens the forward passes compute, padding included
    seconds: float
    fixes: tuple = ()  # when it does not fit: Fix records, cheapest first
    precision: str = ""  # what the run trains in (auto resolved), and why auto chose it
    precision_reason: str = ""
    quantised: Estimate | None = None  # the same run on a 4-bit base: what it would cost and save here
    warnings: tuple = ()  # what the user may want to change before starting (a learning rate far off the recipe)
    parts: dict | None = None  # seconds by part: start, training, evaluations, answers, checkpoints, finish
    data: dict | None = None  # the data it reads (lab.data.summary): name, split sizes, format, columns

    @property
    def peak_bytes(self) -> int:
        return sum(self.memory.values())

    @property
    def training_bytes(self) -> int:
        """The peak less the worker's interpreter and libraries: what lab.runs.measure measures."""
        return self.peak_bytes - self.memory["runtime"]

    @property
    def trainable_share(self) -> float:
        return self.trainable_params / self.total_params

    @property
    def fits(self) -> bool:
        return self.peak_bytes <= self.free_bytes

    def to_dict(self) -> dict:
        return {"device": self.device, "total_params": self.total_params, "trainable_params": self.trainable_params,
                "trainable_share": self.trainable_share, "memory": dict(self.memory), "peak_bytes": self.peak_bytes,
                "free_bytes": self.free_bytes, "fits": self.fits, "steps": self.steps, "tokens": self.tokens,
                "seconds": round(self.seconds, 1),
                "parts": {part: round(n, 1) for part, n in (self.parts or {}).items()},
                "fixes": [{"fix": f.label, "changes": f.changes, "keeps_result": f.keeps_result,
                           "peak_bytes": f.estimate.peak_bytes, "fits": f.estimate.fits,
                           "seconds": round(f.estimate.seconds, 1)} for f in self.fixes],
                "precision": self.precision, "precision_reason": self.precision_reason,
                "quantised": {"precision": "4bit", "peak_bytes": self.quantised.peak_bytes,
                              "seconds": round(self.quantised.seconds, 1)} if self.quantised else None,
                "warnings": list(self.warnings), "data": self.data}


@dataclass(frozen=True)
class Fix:
    """One change to the config, what it costs the user, and the run's estimate with it."""

    label: str
    changes: dict
    keeps_result: bool  # trains the same model (same data, effective batch and weights), only slower
    estimate: Estimate


# -- the device ---------------------------------------------------------------------------------------------------

def parse_bytes(text: str) -> int:
    match = re.fullmatch(r"\s*([\d.]+(?:e\d+)?)\s*([kmgt]?i?b?)?\s*", text.lower())  # units are binary
    if not match:
        raise LabError(f"{MEMORY_LIMIT_ENV}={text!r} is not a size.", "", "Use a size such as 2GiB, 500MB or 1e9.")
    unit = (match.group(2) or "b").rstrip("b").rstrip("i")
    return int(float(match.group(1)) * 1024 ** " kmgt".index(unit or " "))


def free_memory(device: str) -> int:
    """Bytes free for a new run on `device`; LAB_MEMORY_LIMIT caps it (to simulate a small machine)."""
    if device == "cuda":
        import torch

        free = torch.cuda.mem_get_info()[0]
    else:
        import psutil

        free = psutil.virtual_memory().available
    limit = os.environ.get(MEMORY_LIMIT_ENV)
    return min(free, parse_bytes(limit)) if limit else free


def runtime_bytes(device: str) -> int:
    """The worker's own memory before the model loads. CPU: torch, transformers, peft, datasets and
    bitsandbytes in a fresh interpreter measured 500 MiB of RSS here. GPU: the CUDA context and cuBLAS
    workspace, typically 0.5 GiB (not measured by this lab)."""
    return RUNTIME_BYTES[device]


# -- the model ----------------------------------------------------------------------------------------------------

def model_shape(config: TrainConfig, labels: list[str] | None = None) -> ModelShape:
    """Count parameters on the meta device: the model's config file and the method, no weights."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification

    from lab.methods.base import head_modules
    from lab.models.registry import resolve_model

    path = resolve_model(config.model)
    model_config = AutoConfig.from_pretrained(path)
    if labels:
        model_config.num_labels = len(labels)
    auto = AutoModelForSequenceClassification if labels else AutoModelForCausalLM
    with torch.device("meta"):
        model = auto.from_config(model_config)
    model.name_or_path = str(path)  # prompt tuning's text initialisation reads the tokenizer from here
    heads = {id(m) for m in head_modules(model)}
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    quantisable = sum(m.weight.numel() for m in linears if id(m) not in heads)
    matmul = sum(m.weight.numel() for m in linears)
    model = config.method_config().apply(model, "fp32")  # the trainable count does not depend on precision
    params = list(model.parameters())
    trainable = sum(p.numel() for p in params if p.requires_grad)
    whole = not config.method_config().uses_peft
    trained_linears = sum(m.weight.numel() for m in model.modules()
                          if isinstance(m, torch.nn.Linear) and m.weight.requires_grad)
    text = model_config.get_text_config()
    trained_body = sum(m.weight.numel() for m in linears if id(m) not in heads and m.weight.requires_grad)
    dropout = getattr(config.method_config(), "dropout", 0)
    adapter_floats = sum(r + (module.in_features * 1.25 if dropout else 0)  # fp32 output + a bool mask
                         for module in model.modules() if hasattr(module, "lora_A") for r in module.r.values())
    return ModelShape(
        total=sum(p.numel() for p in params), trainable=trainable, quantisable=quantisable, matmul=matmul,
        # peft's adapters sit in (or before) every block, so the gradient crosses the whole body; head_only's
        # stops at the lowest trained layer
        backprop=trained_linears if whole and trainable < matmul else matmul,
        adapter_floats=adapter_floats, layers=text.num_hidden_layers, hidden=text.hidden_size,
        trained_layers=text.num_hidden_layers * trained_body / quantisable,
        feedforward=getattr(text, "intermediate_size", 4 * text.hidden_size),
        outputs=len(labels) if labels else text.vocab_size,
    )


# -- the data -----------------------------------------------------------------------------------------------------

SHAPES_KEPT = 16
_shapes: dict[tuple, DataShape] = {}  # Estimate, then Start, then a second run: the same data tokenised once


def data_shape(config: TrainConfig, splits=None) -> DataShape:
    splits = splits or config.read_data()
    validation = splits.validation[: config.max_validation_examples]
    key = (config.model, config.task, config.max_length, config.answer_only,
           hashlib.sha1(repr((splits.train, validation)).encode()).hexdigest())
    if key not in _shapes:
        if len(_shapes) >= SHAPES_KEPT:
            _shapes.pop(next(iter(_shapes)), None)
        _shapes[key] = _tokenised_shape(config, splits.train, validation)
    return _shapes[key]


def _tokenised_shape(config: TrainConfig, train_split: list, validation: list) -> DataShape:
    from lab.models.loading import load_tokenizer

    tokenizer = load_tokenizer(config.model)
    if config.task == "classify":
        def tokenized(rows):
            if not rows:
                return []
            ids = tokenizer([text for text, _ in rows], truncation=True, max_length=config.max_length)["input_ids"]
            return [{"input_ids": i} for i in ids]
    else:
        from lab.data import tokenize_examples

        def tokenized(rows):
            return tokenize_examples(tokenizer, rows, config.max_length, config.answer_only)[0] if rows else []

    train_rows = tokenized(train_split)
    train, held_out = [len(r["input_ids"]) for r in train_rows], [len(r["input_ids"]) for r in tokenized(validation)]
    share = 1.0  # classify: the head sees one position per example, counted as outputs x labels already
    if config.task == "chat" and train:
        share = sum(sum(label != -100 for label in r["labels"]) for r in train_rows) / sum(train)
    return DataShape(tuple(train), sum(held_out), max(held_out, default=0), share)


def padded_batches(lengths, batch_size: int) -> list[int]:
    """Padded token count of each batch: the lab batches examples of similar length (lab.runs.sampling)."""
    ordered = sorted(lengths)
    return [batch_size * max(ordered[i:i + batch_size]) for i in range(0, len(ordered), batch_size)]


# -- the estimate -------------------------------------------------------------------------------------------------

def estimate(config: TrainConfig | dict, splits=None, device: str | None = None) -> Estimate:
    """Peak memory and training time of `config` on this machine, without loading the model."""
    from lab.data.summary import summarize
    from lab.models.loading import default_device
    from lab.runs.probe import device_speed

    config = TrainConfig.from_dict(config) if isinstance(config, dict) else config
    device = device or default_device()
    config = resolve_precision(config, device)
    splits = splits or config.read_data()
    labels = splits.labels if config.task == "classify" else None
    model, data = model_shape(config, labels), data_shape(config, splits)
    speed, free = device_speed(device, config.precision), free_memory(device)
    beyond = timeline.beyond_steps(config, splits, device)
    result = _estimate(config, model, data, device, speed, free, beyond)
    result = replace(result, precision=config.precision, precision_reason=config.precision_reason,
                     quantised=four_bit(config, model, data, device, free),
                     warnings=tuple(w for w in [config.rate_warning()] if w), data=summarize(splits, config.data))
    if result.fits:
        return result

    def estimate_with(changes: dict) -> Estimate:
        changed = replace(config, **changes)
        shape = model_shape(changed, labels) if "method_params" in changes or "method" in changes else model
        cut = DataShape(tuple(min(n, changed.max_length) for n in data.lengths), data.validation_tokens,
                        min(data.validation_longest, changed.max_length), data.labelled_share)
        return _estimate(changed, shape, cut, device, device_speed(device, changed.precision), free, beyond)

    return replace(result, fixes=tuple(ranked_fixes(config, data, estimate_with)))


def four_bit(config, model: ModelShape, data: DataShape, device: str, free: int) -> Estimate | None:
    """The same run on a 4-bit base, for an unquantised run whose method can train on one."""
    from lab.runs.probe import device_speed

    if config.precision in QUANT_BYTES or config.method_class().quantised_base == "refused":
        return None
    changed = replace(config, precision="4bit", precision_reason="")
    return _estimate(changed, model, data, device, device_speed(device, "4bit"), free)


def resolve_precision(config: TrainConfig, device: str | None = None) -> TrainConfig:
    """`auto` resolved (lab.runs.precision), with this estimate deciding what fits on a GPU."""
    from lab.runs.precision import resolve

    return resolve(config, device, fits=lambda changed: estimate(changed, device=device).fits)


def check_fits(config: TrainConfig, splits=None) -> Estimate:
    """The estimate, or a LabError with the ranked fixes when the run will not fit."""
    result = estimate(config, splits)
    if result.fits:
        return result
    parts = ", ".join(f"{part} {format_bytes(n)}" for part, n in result.memory.items())
    options = "; ".join(f"({i}) {fix.label}: {format_bytes(fix.estimate.peak_bytes)}"
                        f"{'' if fix.estimate.fits else ', still too much'}, "
                        f"about {format_seconds(fix.estimate.seconds)}"
                        for i, fix in enumerate(result.fixes, 1))
    raise LabError(
        f"This run needs about {format_bytes(result.peak_bytes)} but {format_bytes(result.free_bytes)} is free on "
        f"{result.device}: it would run out of memory.",
        f"Estimated from the model's config and the data, before loading: {parts}.",
        f"Cheapest first: {options}. Or start it anyway with force (`lab train --force`, the 'force' box in the "
        f"app and the Train panel).",
    )


def ranked_fixes(config: TrainConfig, data: DataShape, estimate_with) -> list[Fix]:
    """One change each that lowers the peak (and all of them together when none is enough), ranked: those that
    fit first, then those that train the same model, then the fastest."""
    candidates = []  # (label, changes, keeps_result)
    method = config.method_class()
    if config.batch_size > 1:
        effective = config.batch_size * config.gradient_accumulation
        for batch in _halvings(config.batch_size):
            changes = {"batch_size": batch, "gradient_accumulation": math.ceil(effective / batch)}
            if estimate_with(changes).fits or batch == 1:
                candidates.append((f"batch_size {batch} with gradient_accumulation "
                                   f"{changes['gradient_accumulation']} (the same {effective} examples a step)",
                                   changes, True))
                break
    if not config.gradient_checkpointing and method.gradient_checkpointing:
        candidates.append(("gradient_checkpointing on (recomputes activations: about a third slower)",
                           {"gradient_checkpointing": True}, True))
    if config.precision != "4bit":
        if method.quantised_base != "refused":
            candidates.append(("precision 4bit (a quantised base)", {"precision": "4bit"}, False))
        else:
            candidates.append((f"method qlora on a 4-bit base (adapters instead of {config.method})",
                               {"precision": "4bit", "method": "qlora", "method_params": {}}, False))
    longest = max(data.lengths)
    for length in _halvings(longest):
        if length < 16:
            break
        if estimate_with({"max_length": length}).fits or length // 2 < 16:
            cut = sum(n > length for n in data.lengths)
            candidates.append((f"max_length {length} (cuts {cut} of {len(data.lengths)} examples)",
                               {"max_length": length}, False))
            break
    if config.method_params.get("target_modules"):  # a setting of the methods that choose the layers they adapt
        candidates.append(("target_modules left to the architecture's default (fewer adapted layers)",
                           {"method_params": {**config.method_params, "target_modules": None}}, False))
    peak = estimate_with({}).peak_bytes
    fixes = [fix for label, changes, keeps in candidates
             if (fix := Fix(label, changes, keeps, estimate_with(changes))).estimate.peak_bytes < peak]
    if fixes and not any(f.estimate.fits for f in fixes):
        together = {k: v for f in fixes for k, v in f.changes.items()}
        fixes.append(Fix("all of these together", together, False, estimate_with(together)))
    return sorted(fixes, key=lambda f: (not f.estimate.fits, not f.keeps_result, f.estimate.seconds))


def _halvings(n: int):
    while n > 1:
        n //= 2
        yield n


def _estimate(config, model: ModelShape, data: DataShape, device, speed, free, beyond: dict | None = None) -> Estimate:
    method = config.method_config()
    compute_bytes = 2 if config.precision == "bf16" else 4
    frozen = model.total - model.trainable
    quantised = model.quantisable if config.precision in QUANT_BYTES else 0
    trainable_bytes = compute_bytes if not method.uses_peft else 4  # peft keeps adapters in fp32
    weights = (quantised * QUANT_BYTES.get(config.precision, 0) + (frozen - quantised) * compute_bytes
               + model.trainable * trainable_bytes)
    dequantised = quantised * 4 * DEQUANTISED_COPIES[device]

    batches = padded_batches(data.lengths, config.batch_size)
    longest = max(max(data.lengths), data.validation_longest)
    block = HIDDEN_FLOATS * model.hidden + FEEDFORWARD_FLOATS * model.feedforward + model.adapter_floats / model.layers
    blocks = model.layers + TRAINED_BLOCK_EXTRA * model.trained_layers
    per_token = (model.layers * model.hidden + CHECKPOINTED_BLOCKS * block if config.gradient_checkpointing
                 else blocks * block)
    longest += method.num_virtual_tokens if method.lengthens_sequence else 0
    # the output layer runs on labelled positions only (lab.runs.sampling), except for prompt tuning
    logits = model.outputs * LOGIT_FLOATS * (1.0 if method.lengthens_sequence else data.labelled_share)
    activations = config.batch_size * longest * (per_token + logits) * compute_bytes

    # several processes each take their own batches; on a CPU they also share its cores
    per_epoch = math.ceil(len(batches) / (config.gradient_accumulation * config.processes))
    optimizer_steps = config.max_steps or math.ceil(config.epochs * per_epoch)
    device_batches = optimizer_steps * config.gradient_accumulation * (config.processes if device == "cpu" else 1)
    tokens = round(device_batches * sum(batches) / len(batches))
    # forward 2N, gradients to the activations 2N (as far down as something trains), weight gradients 2 per
    # trainable parameter; checkpointing repeats the forward pass
    flops_per_token = (2 * model.matmul * (2 if config.gradient_checkpointing else 1) + 2 * model.backprop
                       + 2 * model.trainable)
    dequantise_s = quantised * speed.get(f"{config.precision}_s_per_param", 0.0)
    timed_batches = device_batches + WARMUP_STEPS
    training = (timed_batches / device_batches * tokens * flops_per_token / (speed["matmul_flops"] * TRAIN_EFFICIENCY)
                + timed_batches * (step_seconds(model, speed) + 2 * dequantise_s))  # forward and backward dequantise
    if beyond and (paced := timeline.measured_training(config, beyond["device"], tokens)):
        training = paced  # an earlier run of this setup measured its pace here: it beats the probe's prediction
    parts = {"training": training, **_beyond_seconds(config, model, data, optimizer_steps, speed, quantised,
                                                     beyond or {"device": device, "known": None, "shown": 0,
                                                                "reported": 0, "report_elsewhere": 0})}
    shards = config.processes if config.strategy == "fsdp" else 1  # fsdp splits weights, gradients and states
    memory = {"weights": weights / shards, "gradients": model.trainable * trainable_bytes / shards,
              "optimizer": 2 * model.trainable * trainable_bytes / shards, "activations": activations,
              **({"dequantised copies": dequantised} if dequantised else {}),
              "overhead": OVERHEAD_BYTES, "runtime": runtime_bytes(device)}
    copies = config.processes if device == "cpu" else 1  # every process in the same memory; a GPU each its own
    return Estimate(
        device=device, total_params=model.total, trainable_params=model.trainable,
        memory={part: round(n * copies) for part, n in memory.items()},
        free_bytes=free, steps=optimizer_steps, tokens=tokens, seconds=sum(parts.values()), parts=parts,
    )


def _beyond_seconds(config, model, data, steps, speed, quantised, beyond: dict) -> dict:
    """Seconds of the run's start, evaluations, answers, checkpoints and finish (lab.runs.timeline)."""
    per_pass = 0.0
    if data.validation_tokens:
        batches = math.ceil(data.validation_tokens / max(data.validation_longest, 1) / config.batch_size) + 1
        dequantise_s = quantised * speed.get(f"{config.precision}_s_per_param", 0.0)
        per_pass = (data.validation_tokens * 2 * model.matmul / (speed["matmul_flops"] * TRAIN_EFFICIENCY)
                    + batches * (step_seconds(model, speed) / 3 + dequantise_s))  # a forward pass: a third of a step
    parts = timeline.predicted(config, model.total, model.layers, steps, per_pass, data.validation_tokens, speed,
                               beyond["device"], beyond["known"], beyond["shown"], beyond["reported"],
                               model.trainable)
    if beyond["report_elsewhere"]:  # the base and the result load afresh, and both answer
        parts["finish"] += model.total * 4 / timeline.LOAD_BYTES_PER_SECOND + per_pass + timeline.answer_pass_seconds(
            2 * beyond["report_elsewhere"], config.sample_new_tokens, model.total, model.layers, speed,
            timeline.measured(config, beyond["device"]))
    return parts


def step_seconds(model: ModelShape, speed: dict) -> float:
    """A device step's cost beyond its FLOPs: Python, dispatch and small ops, which grow with the layers."""
    return STEP_SECONDS + speed["layer_step_s"] * model.layers
