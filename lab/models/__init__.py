"""Model registry, one-time GGUF conversion, and loading at a precision."""

from lab.models.loading import PRECISIONS, LoadedModel, ModelInfo, load_model
from lab.models.registry import DEFAULT_MODEL, list_models, resolve_model

__all__ = ["DEFAULT_MODEL", "PRECISIONS", "LoadedModel", "ModelInfo", "list_models", "load_model", "resolve_model"]
