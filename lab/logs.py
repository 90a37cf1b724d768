"""Library noise (bitsandbytes' notices such as "pip install kernels", transformers' and peft's warnings) goes
to a log file instead of a notebook cell or the app's console. The interactive faces call `quiet_libraries()`
once; a worker does not, so its worker.log keeps everything."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from lab.home import lab_home

NOISY = ("bitsandbytes", "transformers", "peft", "accelerate", "torchao", "datasets", "huggingface_hub")


def library_log() -> Path:
    return lab_home() / "logs" / "libraries.log"


class _LazyFileHandler(logging.FileHandler):
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, delay=True, encoding="utf-8")
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))


def _from_a_library(filename: str) -> bool:
    parts = Path(filename).parts
    return any(name in parts for name in NOISY)


def quiet_libraries() -> Path:
    """Send the NOISY libraries' log records and warnings to library_log(); the user's own warnings still show.
    Safe to call more than once. Returns the log's path."""
    import transformers.utils.logging as transformers_logging  # configures its stderr handler, which we drop

    handler = _LazyFileHandler(library_log())
    transformers_logging.disable_default_handler()
    for name in NOISY:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.WARNING)
    shown = warnings.showwarning
    if not getattr(shown, "lab_quiet", False):
        def show(message, category, filename, lineno, file=None, line=None):
            if _from_a_library(filename):
                handler.emit(logging.LogRecord("py.warnings", logging.WARNING, filename, lineno,
                                               f"{category.__name__}: {message}", None, None))
            else:
                shown(message, category, filename, lineno, file, line)

        show.lab_quiet = True
        warnings.showwarning = show
    return library_log()
