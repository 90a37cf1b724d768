"""Load a model at a precision: fp32, bf16, or 8/4-bit through bitsandbytes."""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import asdict, dataclass
from typing import NamedTuple

from pathlib import Path

import torch

from lab.errors import LabError
from lab.models.chatml import FALLBACK_CHAT_TEMPLATE
from lab.models.registry import resolve_model

AUTO = "auto"  # the fastest unquantised precision this device computes natively (native_precision)
PRECISIONS = (AUTO, "fp32", "bf16", "8bit", "4bit")
QUANT_TYPES = ("nf4", "fp4")
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass
class ModelInfo:
    name: str
    path: str
    precision: str
    device: str
    parameters: int
    footprint_bytes: int
    quant_type: str | None = None
    compute_dtype: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class LoadedModel(NamedTuple):
    model: torch.nn.Module
    tokenizer: object
    info: ModelInfo


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (AVX512-BF16 or AMX): there bf16 runs about twice fp32; without
    them torch emulates it, slower than fp32. Read at run time: the same image runs on CPUs with and without."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def native_precision(device: str | None = None) -> tuple[str, str]:
    """What `auto` means for an unquantised model on this device, and why: bf16 where it is computed natively (a
    GPU with bf16, a CPU with AVX512-BF16 or AMX), else fp32."""
    device = device or default_device()
    if device.startswith("cuda"):
        if torch.cuda.is_bf16_supported():
            return "bf16", "this GPU computes bf16: half the memory of fp32 and faster"
        return "fp32", "this GPU has no bf16"
    if cpu_has_bf16():
        return "bf16", "this CPU multiplies bf16 natively (AVX512-BF16 or AMX): about twice as fast as fp32"
    return "fp32", "this CPU has no native bf16 (AVX512-BF16 or AMX): bf16 would be emulated, slower than fp32"


def answering_precision(precision: str, device: str | None = None) -> str:
    """The precision to answer with (chat, compare, evaluate) for a model kept unquantised: bf16 where the device
    computes it natively, else as asked. Quantised bases stay as they were trained."""
    if precision not in (AUTO, "fp32"):
        return precision
    return native_precision(device)[0]


def quiet_bitsandbytes() -> None:
    """bitsandbytes logs and warns on every CPU matmul; keep the user's terminal readable."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r"MatMul8bitLt.*")
    warnings.filterwarnings("ignore", module=r"bitsandbytes.*")


def bitsandbytes_status() -> tuple[bool, str]:
    """Whether 8/4-bit loading can work here, and why not."""
    try:
        quiet_bitsandbytes()
        import bitsandbytes  # noqa: F401
    except Exception as exc:  # a broken native library raises all sorts of errors at import
        return False, f"bitsandbytes cannot be imported ({exc})"
    return True, "ok"


def count_parameters(model: torch.nn.Module) -> int:
    total = 0
    for p in model.parameters():
        n = p.numel()
        if p.__class__.__name__ == "Params4bit":  # two 4-bit values are packed in each stored byte
            n *= 2
        total += n
    return total


def _quantization_config(precision, quant_type, double_quant, compute_dtype):
    from transformers import BitsAndBytesConfig

    if precision == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=quant_type,
        bnb_4bit_use_double_quant=double_quant,
        bnb_4bit_compute_dtype=compute_dtype,
    )


def _no_load_report(record: logging.LogRecord) -> bool:
    return "LOAD REPORT" not in record.getMessage()


def check_precision(precision: str, device: str) -> None:
    if precision not in PRECISIONS:
        raise LabError(
            f"Unknown precision '{precision}'.",
            "The lab loads models in full, half or quantised precision only.",
            f"Use one of: {', '.join(PRECISIONS)}.",
        )
    if precision == "bf16" and device.startswith("cuda") and not torch.cuda.is_bf16_supported():
        raise LabError(
            "This GPU does not support bf16.",
            "bf16 needs an Ampere (or newer) NVIDIA GPU.",
            "Use --precision fp32, or 8bit/4bit to save memory.",
        )
    if precision in ("8bit", "4bit"):
        ok, why = bitsandbytes_status()
        if not ok:
            raise LabError(
                f"{precision} loading is not available here.",
                why,
                "Reinstall bitsandbytes (pip install bitsandbytes==0.50.2) or use --precision fp32/bf16.",
            )


def prepare_tokenizer(tokenizer):
    """ChatML when the model has no template (chat and training must render alike); EOS for padding."""
    if tokenizer.chat_template is None:
        tokenizer.chat_template = FALLBACK_CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_tokenizer(name: str, trust_remote_code: bool = False):
    """The tokenizer alone (for previews and token counts), prepared as load_model prepares it."""
    from transformers import AutoTokenizer

    path = resolve_model(name)
    try:
        return prepare_tokenizer(AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code))
    except (OSError, ValueError) as exc:
        raise LabError(f"Could not load the tokenizer of '{name}' from {path}.", str(exc).splitlines()[0],
                       "Check that the folder holds tokenizer.json / tokenizer_config.json.") from exc


# transformers' from_pretrained patches process-wide state while it builds a model (torch.nn.init, weight tying, the
# default dtype): two loads at once in one process (the app's requests) leave each other's tied weights on the meta
# device. So one load at a time.
_ONE_LOAD = threading.Lock()


def load_model(
    name: str,
    precision: str = "fp32",
    quant_type: str = "nf4",
    double_quant: bool = True,
    compute_dtype: str | None = None,
    device: str | None = None,
    trust_remote_code: bool = False,
    labels: list[str] | None = None,
) -> LoadedModel:
    """Load a registry name, local folder or hub id; return (model, tokenizer, info). With `labels`, the model
    gets a (new) sequence-classification head for those classes instead of its language-model head."""
    device = device or default_device()
    check_precision(precision, device)
    precision = native_precision(device)[0] if precision == AUTO else precision
    if quant_type not in QUANT_TYPES:
        raise LabError(f"Unknown 4-bit quant type '{quant_type}'.", "bitsandbytes has nf4 and fp4.", "Use nf4 or fp4.")
    compute_dtype = compute_dtype or ("bf16" if device.startswith("cuda") and torch.cuda.is_bf16_supported() else "fp32")
    if compute_dtype not in DTYPES:
        raise LabError(f"Unknown compute dtype '{compute_dtype}'.", "", f"Use one of: {', '.join(DTYPES)}.")
    path = resolve_model(name)

    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer

    # safetensors only: a pickled .bin checkpoint can run code when loaded.
    kwargs = {"trust_remote_code": trust_remote_code, "device_map": {"": device}, "use_safetensors": True}
    if precision in ("8bit", "4bit"):
        quiet_bitsandbytes()
        kwargs["quantization_config"] = _quantization_config(precision, quant_type, double_quant, DTYPES[compute_dtype])
        kwargs["dtype"] = DTYPES[compute_dtype]
    else:
        kwargs["dtype"] = DTYPES[precision]
    try:
        tokenizer = prepare_tokenizer(AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code))
        if labels:
            kwargs.update(num_labels=len(labels), id2label=dict(enumerate(labels)),
                          label2id={label: i for i, label in enumerate(labels)}, pad_token_id=tokenizer.pad_token_id)
        auto = AutoModelForSequenceClassification if labels else AutoModelForCausalLM
        # A new head is missing from the checkpoint by design: drop the load report that warns about it (a filter,
        # as raising this logger's level makes transformers warn about tensor-parallel plans instead).
        report = logging.getLogger("transformers.modeling_utils")
        with _ONE_LOAD:
            if labels:
                report.addFilter(_no_load_report)
            try:
                model = auto.from_pretrained(path, **kwargs)
            finally:
                report.removeFilter(_no_load_report)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise LabError(
            f"Could not load model '{name}' from {path}.",
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            "Check that the folder holds a complete save_pretrained output (config.json, tokenizer files, "
            "*.safetensors) for a causal language model; re-save or re-download it if files are missing.",
        ) from exc
    model.eval()
    quantized = precision in ("8bit", "4bit")
    info = ModelInfo(
        name=name,
        path=str(path),
        precision=precision,
        device=device,
        parameters=count_parameters(model),
        footprint_bytes=model.get_memory_footprint(),
        quant_type=quant_type if precision == "4bit" else None,
        compute_dtype=compute_dtype if quantized else None,
    )
    return LoadedModel(model, tokenizer, info)
