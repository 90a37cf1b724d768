"""How fast this device trains: a short probe (about a second), cached per device in LAB_HOME/probes/."""

from __future__ import annotations

import json
import os
import platform
import re
import time

from lab.home import lab_home
from lab.methods.base import QUANTISED

SIZE = 1024  # large enough to run at the matmul peak, small enough to time in a fraction of a second


def device_key(device: str) -> str:
    import torch

    if device == "cuda":
        name = torch.cuda.get_device_name()
    else:
        name = f"{platform.machine()}-{_cpu_model()}-{torch.get_num_threads()}threads"
    return re.sub(r"[^A-Za-z0-9.]+", "-", f"{device}-{name}").strip("-")


def _cpu_model() -> str:
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return platform.processor() or "cpu"
    match = re.search(r"model name\s*:\s*(.+)", text)
    return match.group(1) if match else "cpu"


def device_speed(device: str, precision: str = "fp32") -> dict:
    """{matmul_flops, layer_step_s[, <precision>_s_per_param]}, measured once per device and cached. The
    bitsandbytes part is only probed for a quantised precision (importing bitsandbytes alone takes seconds)."""
    path = lab_home() / "probes" / f"{device_key(device)}.json"
    try:
        speed = json.loads(path.read_text())
    except (OSError, ValueError):
        speed = {}
    if not {"matmul_flops", "layer_step_s"} <= speed.keys():
        speed.update(matmul_flops=matmul_flops(device), layer_step_s=layer_step_seconds(device))
    elif precision not in QUANTISED or f"{precision}_s_per_param" in speed:
        return speed
    if precision in QUANTISED:
        speed[f"{precision}_s_per_param"] = dequantise_seconds(device, precision)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # concurrent probes each write their own
    tmp.write_text(json.dumps(speed))
    tmp.replace(path)
    return speed


def _timed(fn, repeats: int, device: str) -> float:
    """Seconds one call takes at its fastest: the device's speed, not a moment's load from other work (a mean
    probed beside another job read a third of the speed and tripled every time estimate)."""
    import torch

    fn()  # warm-up
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    fastest = float("inf")
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        fn()
        sync()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def matmul_flops(device: str) -> float:
    """Matmul FLOP/s at the compute dtype training uses (fp32 on a CPU, bf16 on a GPU that has it)."""
    import torch

    dtype = torch.bfloat16 if device == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    a, b = (torch.randn(SIZE, SIZE, device=device, dtype=dtype) for _ in range(2))
    repeats = 200 if device == "cuda" else 10
    return 2 * SIZE**3 / _timed(lambda: a @ b, repeats, device)


def layer_step_seconds(device: str) -> float:
    """Seconds a training step spends per transformer block beyond its FLOPs (Python, dispatch, small ops):
    timed on a 2-block model so small that its FLOPs do not count."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1)
    model = LlamaForCausalLM(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters())
    ids = torch.randint(0, 64, (2, 16), device=device)

    def step():
        model(input_ids=ids, labels=ids).loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    return _timed(step, 5, device) / config.num_hidden_layers


def dequantise_seconds(device: str, precision: str) -> float:
    """Extra seconds per weight per pass of a bitsandbytes layer over a plain one (it dequantises its weight on
    every forward and backward pass): the cost of 4/8-bit training that FLOPs do not count. 0 without
    bitsandbytes (the run will be refused for that anyway)."""
    import torch

    from lab.models.loading import bitsandbytes_status

    if not bitsandbytes_status()[0]:
        return 0.0
    import bitsandbytes as bnb

    x = torch.randn(64, SIZE, device=device, requires_grad=True)
    plain = torch.nn.Linear(SIZE, SIZE, bias=False).to(device).requires_grad_(False)
    if precision == "4bit":
        layer = bnb.nn.Linear4bit(SIZE, SIZE, bias=False, compute_dtype=torch.float32, quant_type="nf4")
    else:
        layer = bnb.nn.Linear8bitLt(SIZE, SIZE, bias=False, has_fp16_weights=False)
    layer.load_state_dict(plain.state_dict())
    layer = layer.to(device).requires_grad_(False)

    def step(module):
        return lambda: module(x).sum().backward()

    return max(_timed(step(layer), 5, device) - _timed(step(plain), 5, device), 0.0) / (2 * SIZE**2)
