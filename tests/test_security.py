"""Shared faces stay inside their folders, load no pickles and no remote code, and make no outbound connections."""

import inspect
import os
import socket

import pytest

from lab.errors import LabError
from lab.models import load_model
from lab.paths import confine, confine_model


@pytest.fixture
def confined(lab_home, monkeypatch):
    monkeypatch.setenv("LAB_ALLOWED_PATHS", "")
    (lab_home / "workspace").mkdir(parents=True)
    return lab_home / "workspace"


def test_paths_inside_the_workspace_are_allowed(confined):
    (confined / "data.jsonl").write_text("{}")
    assert confine(confined / "data.jsonl", "data path") == (confined / "data.jsonl").resolve()


@pytest.mark.parametrize("escape", ["../../../etc/passwd", "/etc/passwd", "~/.ssh/id_rsa"])
def test_traversal_and_absolute_paths_are_refused(confined, escape):
    with pytest.raises(LabError, match="outside the folders"):
        confine(confined / escape if escape.startswith("..") else escape, "data path")


def test_a_symlink_out_of_the_workspace_is_refused(confined):
    (confined / "link").symlink_to("/etc")
    with pytest.raises(LabError, match="outside the folders"):
        confine(confined / "link" / "passwd", "data path")


def test_model_names_pass_and_outside_folders_do_not(confined, tiny_model_dir):
    assert confine_model("smollm2-135m-instruct") == "smollm2-135m-instruct"
    assert confine_model("someone/hub-model") == "someone/hub-model"
    with pytest.raises(LabError, match="model folder"):
        confine_model(str(tiny_model_dir))


def test_pickled_weights_are_not_loaded(tmp_path, tiny_model_dir):
    import shutil

    import torch
    from safetensors.torch import load_file

    shutil.copytree(tiny_model_dir, tmp_path / "model")
    weights = tmp_path / "model" / "model.safetensors"
    torch.save(load_file(weights), tmp_path / "model" / "pytorch_model.bin")  # the same weights, pickled
    weights.unlink()
    with pytest.raises(LabError, match="Could not load model"):
        load_model(str(tmp_path / "model"))


def test_remote_code_is_off_unless_asked_for():
    assert inspect.signature(load_model).parameters["trust_remote_code"].default is False
    from lab.cli import build_parser

    assert build_parser().parse_args(["chat"]).trust_remote_code is False


def test_the_app_makes_no_outbound_connection_at_launch(lab_home, monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if not (host.startswith("127.") or host in ("localhost", "::1")):
            attempts.append(address)
            raise OSError("outbound connection blocked by the test")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    import urllib.request

    from apps.app import build

    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        assert urllib.request.urlopen(demo.local_url, timeout=10).status == 200
    finally:
        demo.close()
    assert attempts == [], f"outbound connections at launch: {attempts}"
    assert os.environ.get("GRADIO_ANALYTICS_ENABLED") == "False"
