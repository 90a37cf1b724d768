"""Library noise lands in the lab's log file, not in a notebook cell or the app's console."""

import logging
import warnings

import pytest

from lab.logs import NOISY, library_log, quiet_libraries


@pytest.fixture
def restored(monkeypatch):
    """quiet_libraries changes process-wide state; put it back for the other tests."""
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    for name in NOISY:
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "handlers", list(logger.handlers))
        monkeypatch.setattr(logger, "propagate", logger.propagate)
        monkeypatch.setattr(logger, "level", logger.level)


def test_library_notices_go_to_the_log_and_the_users_warnings_still_show(lab_home, restored, capsys):
    shown = []  # where the user's warnings went before (a notebook's cell output)
    warnings.showwarning = lambda message, *args, **kwargs: shown.append(str(message))
    path = quiet_libraries()
    assert path == library_log()
    logging.getLogger("bitsandbytes.backends.cpu.ops").warning("Please `pip install kernels`")
    logging.getLogger("transformers.modeling_utils").warning("`torch_dtype` is deprecated")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn_explicit("peft says so", FutureWarning, "/x/site-packages/peft/tuners/lora.py", 3)
        warnings.warn("the user's own", UserWarning)
    err = capsys.readouterr().err
    assert "kernels" not in err and "torch_dtype" not in err and "peft says so" not in err
    assert shown == ["the user's own"]
    logged = path.read_text()
    assert "pip install kernels" in logged and "torch_dtype" in logged and "peft says so" in logged
