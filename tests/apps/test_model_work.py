"""The app's model process: answers, streams, errors whole, a killed process gives its request one LabError and
the next request a new process, and only model work is sent."""

import os
import signal

import pytest

from apps.model_work import ModelWork
from lab.errors import LabError


@pytest.fixture
def model_work():
    work = ModelWork()
    yield work
    if work.pid():
        os.kill(work.pid(), signal.SIGKILL)


def test_an_error_comes_back_whole_from_the_workspace_the_app_names(model_work, lab_home, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path / "empty"))  # set after the process started: it follows
    model_work.start()
    with pytest.raises(LabError) as raised:
        model_work.call("compare", ["no-such-run"], ["Hello"])
    assert "no-such-run" in raised.value.what and raised.value.fix
    with pytest.raises(ValueError, match="not model work"):
        model_work.call("delete_run", "no-such-run")


def test_a_killed_process_fails_its_request_once_and_the_next_starts_anew(model_work, lab_home, tiny_model_dir):
    chat = model_work.stream("stream_reply", "Hello", [], "base", str(tiny_model_dir), "fp32", "",
                             max_new_tokens=400, temperature=0, seed=0)
    first = next(chat)
    assert first[-1]["role"] == "assistant"
    killed = model_work.pid()
    os.kill(killed, signal.SIGKILL)
    with pytest.raises(LabError, match="model process ended"):
        for _ in chat:
            pass

    answers = list(model_work.stream("stream_reply", "Hello", [], "base", str(tiny_model_dir), "fp32", "",
                                     max_new_tokens=4, temperature=0, seed=0))
    assert model_work.pid() not in (None, killed)
    assert answers[-1][-1]["role"] == "assistant"
