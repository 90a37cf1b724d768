"""Quantised footprint: the default model's memory in fp32, bf16, 8-bit and 4-bit, as ratios to fp32."""

from __future__ import annotations


from common import report  # before any lab import: it sets the offline environment
from lab.models import DEFAULT_MODEL, load_model

AIMS = {"bf16": "-", "8bit": "<= 0.35x", "4bit": "<= 0.25x"}


def main() -> None:
    fp32 = load_model(DEFAULT_MODEL, "fp32")
    base = fp32.info.footprint_bytes
    embeddings = fp32.model.get_input_embeddings().weight.numel() * 4
    del fp32
    for precision, aim in AIMS.items():
        info = load_model(DEFAULT_MODEL, precision).info
        report("footprint", f"{precision} footprint vs fp32", base / 2**20, info.footprint_bytes / 2**20, "MiB",
               aim, fp32_embedding_mib=round(embeddings / 2**20, 1))


if __name__ == "__main__":
    main()
