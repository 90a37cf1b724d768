"""Which local paths the shared faces (app, widgets) may touch: the workspace, LAB_HOME, the bundled sample data,
Gradio's upload folder, and whatever LAB_ALLOWED_PATHS lists (os.pathsep-separated). The CLI is not confined:
there the user is already on the machine."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lab.errors import LabError
from lab.home import BUNDLED_SAMPLE_DATA, lab_home


def allowed_roots() -> list[Path]:
    from lab.runs.store import workspace

    extra = [Path(p) for p in os.environ.get("LAB_ALLOWED_PATHS", "").split(os.pathsep) if p]
    uploads = Path(os.environ.get("GRADIO_TEMP_DIR", Path(tempfile.gettempdir()) / "gradio"))
    return [p.expanduser().resolve() for p in (workspace(), lab_home(), BUNDLED_SAMPLE_DATA, uploads, *extra)]


def confine(path: str | Path, what: str) -> Path:
    """The resolved path if it lies under an allowed root (symlinks and '..' resolved first), else a LabError."""
    resolved = Path(path).expanduser().resolve()
    roots = allowed_roots()
    if any(resolved == root or root in resolved.parents for root in roots):
        return resolved
    raise LabError(
        f"The {what} {path} is outside the folders this app may use.",
        "The app and the panels only read and write inside the workspace, LAB_HOME, the sample data and uploads, "
        "so a shared link cannot reach the rest of the machine.",
        "Upload the file, move it into the workspace, or start the app with LAB_ALLOWED_PATHS=/that/folder.",
    )


def confine_model(name: str) -> str:
    """Registry names and hub ids pass; a local folder must be allowed."""
    from lab.models.registry import MODELS

    if name in MODELS or not Path(name).expanduser().exists():
        return name
    return str(confine(name, "model folder"))
