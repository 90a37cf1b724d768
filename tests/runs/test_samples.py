"""Sample answers during training: the same validation prompts at step 0 and after every evaluation, for chat and
classify runs and a prompt-learning method, left out of tokens/s, and never a reason for a run to fail."""

import json
from types import SimpleNamespace

import pytest
import torch

from lab.errors import LabError
from lab.runs import callbacks
from lab.runs.callbacks import RunFolderCallback
from lab.runs.samples import answering
from lab.runs.store import Run, create_run
from lab.runs.training import train
from tests.helpers import run_cli


@pytest.fixture
def chat_data(tmp_path):
    """12 short conversations: 9 to train on, 3 to validate."""
    path = tmp_path / "chat.jsonl"
    with open(path, "w") as f:
        for i in range(12):
            f.write(json.dumps({"messages": [{"role": "user", "content": f"What is {i} plus {i}?"},
                                             {"role": "assistant", "content": f"It is {2 * i}."}]}) + "\n")
    return str(path)


def trained(tmp_path, config):
    run = create_run(config, tmp_path / "runs")
    assert train(run)[0] == "completed"
    return run


def test_samples_at_step_0_and_after_every_evaluation(tmp_path, lab_home, tiny_config, chat_data):
    run = trained(tmp_path, tiny_config(data=chat_data, sample_new_tokens=8))
    samples = run.events("sample")
    assert [s["step"] for s in samples] == [e["step"] for e in run.events("eval")] == [0, 2, 4]
    prompts = [[row["prompt"] for row in s["rows"]] for s in samples]
    assert len(prompts[0]) == 3 and all(p == prompts[0] for p in prompts)
    assert all(isinstance(row["answer"], str) and row["reference"].startswith("It is")
               for s in samples for row in s["rows"])
    assert all(s["seconds"] >= 0 for s in samples)


def test_no_samples_when_set_to_0(tmp_path, lab_home, tiny_config, chat_data):
    run = trained(tmp_path, tiny_config(data=chat_data, samples=0))
    assert run.events("eval") and not run.events("sample")


def test_a_prompt_tuning_run_answers_its_samples(tmp_path, lab_home, tiny_config, chat_data):
    run = trained(tmp_path, tiny_config(data=chat_data, method="prompt_tuning", samples=2, sample_new_tokens=4,
                                        max_steps=2))
    samples = run.events("sample")
    assert [s["step"] for s in samples] == [0, 2] and all(len(s["rows"]) == 2 for s in samples)


def test_a_classify_run_samples_labels_with_confidence(tmp_path, lab_home, tiny_config, tiny_encoder_dir):
    run = trained(tmp_path, tiny_config(task="classify", model=str(tiny_encoder_dir), data="sample_data/topics",
                                        batch_size=8, max_length=32, max_steps=2, max_validation_examples=20))
    labels = run.events("start")[0]["data"]["labels"]
    samples = run.events("sample")
    assert [s["step"] for s in samples] == [0, 2]
    rows = [row for s in samples for row in s["rows"]]
    assert len(rows) == 6 and all(row["answer"] in labels and row["reference"] in labels for row in rows)
    assert all(0 <= row["confidence"] <= 1 for row in rows)


def test_a_failure_to_answer_is_logged_and_the_run_carries_on(tmp_path, lab_home, tiny_config, chat_data,
                                                               monkeypatch, capsys):
    import sys

    def broken(*args, **kwargs):
        raise RuntimeError("no answers today")

    monkeypatch.setattr(sys.modules["lab.generation"], "generate_batch", broken)  # `lab.generation` is a function
    run = trained(tmp_path, tiny_config(data=chat_data, max_steps=2))
    assert run.events("eval") and not run.events("sample")
    assert "no answers today" in capsys.readouterr().err


def test_answering_is_left_out_of_tokens_per_second(tmp_path, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(callbacks.time, "time", lambda: clock["now"])

    def slow_samples(model, count):
        clock["now"] += 50
        return [{"prompt": "p", "reference": "r", "answer": "a"}]

    run = Run(tmp_path / "run")
    run.path.mkdir()
    callback = RunFolderCallback(run, 10, 100, {}, samples=slow_samples)
    state = SimpleNamespace(global_step=0, max_steps=20, num_input_tokens_seen=0, is_world_process_zero=True,
                            epoch=0.0)
    args = SimpleNamespace(world_size=1, learning_rate=1e-3)
    callback.on_train_begin(args, state, None)
    callback.on_log(args, state, None, logs={"eval_loss": 2.0})  # the Trainer logs the metrics, then on_evaluate
    callback.on_evaluate(args, state, None, model=None)
    clock["now"] += 2
    state.global_step, state.num_input_tokens_seen = 1, 100
    callback.on_log(args, state, None, logs={"loss": 1.0})
    assert run.events("sample")[0]["seconds"] == 50
    assert run.events("train")[0]["tokens_per_s"] == 50.0


def test_answering_restores_the_model_mode():
    model = torch.nn.Linear(2, 2).train()
    with answering(model):
        assert not model.training and torch.is_inference_mode_enabled()
    assert model.training
    with answering(model.eval()):
        pass
    assert not model.training


def test_train_wait_prints_each_sample_as_it_arrives(capsys, lab_home, tiny_model_dir, chat_data):
    code, out, _ = run_cli(capsys, "train", "--model", str(tiny_model_dir), "--data", chat_data, "--max-steps", "2",
                           "--eval-steps", "2", "--batch-size", "2", "--max-length", "64", "--sample-new-tokens", "4",
                           "--wait")
    assert code == 0
    assert out.count("Samples at base (step 0)") == 1 and out.count("Samples at step 2") == 1
    assert out.index("Samples at step 2") < out.index("completed.")


@pytest.mark.parametrize("setting", [{"samples": -1}, {"report_examples": -2}, {"sample_new_tokens": 0}])
def test_bad_sample_settings_fail_before_a_run_exists(setting):
    from lab.runs.config import TrainConfig

    with pytest.raises(LabError, match=next(iter(setting))):
        TrainConfig(**setting)
