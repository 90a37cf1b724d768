"""Library noise (bitsandbytes' notices such as "pip install kernels", transformers' and peft's warnings) goes
to a log file instead of a notebook cell or the app's console. The interactive faces call `quiet_libraries()`
once; a worker does not, so its worker.log keeps everything. A failure is logged by `log_failure`: a user's error
(a LabError) as one line, what and why; a bug with its traceback."""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from pathlib import Path

from lab.errors import LabError
from lab.home import lab_home

LINE_LIMIT = 500  # characters of a logged user's error
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


def failure_line(error: LabError) -> str:
    """`[lab] <what> <why>` on one line: enough to know what went wrong; the fix is the face's to show. Cut at
    LINE_LIMIT characters: a request may echo a huge value."""
    line = "[lab] " + " ".join(" ".join(part.split()) for part in (error.what, error.why) if part)
    return line if len(line) <= LINE_LIMIT else f"{line[:LINE_LIMIT]}…"


def log_failure(exc: BaseException) -> None:
    """A LabError is the user's to fix: one line, a warning of the "lab" logger (with no logging set up, Python
    writes it to stderr: the app's console, a worker's worker.log). Anything else is a bug: its traceback, to
    stderr."""
    if isinstance(exc, LabError):
        logging.getLogger("lab").warning(failure_line(exc))
    else:
        traceback.print_exception(exc, file=sys.stderr)
