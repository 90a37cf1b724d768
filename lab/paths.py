"""Which local paths the shared faces (app, widgets) may touch: the workspace, LAB_HOME, the bundled sample data,
Gradio's upload folder, and whatever LAB_ALLOWED_PATHS lists (os.pathsep-separated). The CLI is not confined:
there the user is already on the machine. A message shown to a page's visitor names none of this machine's paths.
"""

from __future__ import annotations

import os
import re
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
    try:
        resolved = Path(path).expanduser().resolve()
    except (OSError, ValueError, TypeError):  # a NUL byte, a name longer than a folder's, no text: no file here
        raise LabError(f"The {what} {str(path)[:60]!r} is not a path.", "", "Give a file or folder's path.") from None
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

    if not isinstance(name, str):  # a request may send any JSON value
        raise LabError(f"A model is a name or a folder, not {str(name)[:60]!r}.", "",
                       "Pick a model from the list, or type a model folder's path.")
    if name in MODELS or not Path(name).expanduser().exists():
        return name
    return str(confine(name, "model folder"))


# An absolute path (POSIX, home-relative or Windows) standing alone: after a space, a quote, a backtick or "(".
LOCAL_PATH = re.compile(r"""(?<![^\s"'`(])(?:~?/|[A-Za-z]:[\\/])[^\s"'`)]+""")


def without_local_paths(text: str) -> str:
    """Every local path cut to its last name: a visitor learns nothing about the server's folders."""
    return LOCAL_PATH.sub(lambda path: re.split(r"[\\/]", path.group().rstrip("/\\"))[-1], text)


def without_server_paths(text: str) -> str:
    """A message for a page's visitor: the workspace becomes "the workspace", LAB_HOME "the lab's home", the home
    folder "~" (what lies below them stays, the lab's own layout), any other local path its last name."""
    from lab.runs.store import workspace

    named = [(workspace(), "the workspace"), (lab_home(), "the lab's home"), (Path.home(), "~")]
    roots = [(str(form), name) for root, name in named for form in {root, root.resolve()} if str(form) != "/"]

    def shown(match: re.Match) -> str:
        path = match.group()
        for root, name in roots:  # the workspace first: by default it lies in LAB_HOME, which lies in the home
            if path == root or path.startswith(root.rstrip("/") + "/"):
                return name + path[len(root.rstrip("/")):]
        return without_local_paths(path)

    return LOCAL_PATH.sub(shown, text)
