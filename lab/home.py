"""Where the lab keeps its files: LAB_HOME (default: the user's cache dir) holds converted models; the sample data
sits beside the package."""

import os
from pathlib import Path

BUNDLED_SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"


def lab_home() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lab"
    return Path(os.environ.get("LAB_HOME", default)).expanduser()


def models_dir() -> Path:
    return lab_home() / "models"
