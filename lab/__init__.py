"""lab: load a causal LM in 8/4-bit, tune it, and see what changed. This module is the public API."""

from lab.errors import LabError
from lab.generation import GenerationSettings, chat, stream_chat
from lab.models import DEFAULT_MODEL, PRECISIONS, LoadedModel, ModelInfo, list_models, load_model

__all__ = [
    "DEFAULT_MODEL",
    "PRECISIONS",
    "GenerationSettings",
    "LabError",
    "LoadedModel",
    "ModelInfo",
    "chat",
    "list_models",
    "load_model",
    "stream_chat",
]
