"""The classify task: encoder and causal LM with a classification head, across methods, scored by accuracy/F1."""

import pytest
import torch

from lab.errors import LabError
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from lab.runs.training import train

TOPICS = "sample_data/topics"


@pytest.fixture
def classify(tmp_path, lab_home):
    def run(model, method, **settings):
        config = TrainConfig(task="classify", model=str(model), precision="fp32", method=method, data=TOPICS,
                             max_steps=3,
                             batch_size=8, max_length=32, learning_rate=1e-2, eval_steps=3, save_steps=3,
                             max_validation_examples=40, **settings)
        run = create_run(config, tmp_path / "runs")
        state, tuned = train(run)
        assert state == "completed"
        return run, tuned

    return run


@pytest.mark.parametrize("method", ["head_only", "lora", "prompt_tuning", "full"])
def test_encoder_methods_train_and_report_accuracy_and_f1(classify, tiny_encoder_dir, method):
    params = {"method_params": {"top_layers": 0}} if method == "head_only" else {}
    run, tuned = classify(tiny_encoder_dir, method, **params)
    before, after = run.events("eval")[0], run.events("eval")[-1]
    assert before["step"] == 0 and after["step"] == 3
    assert 0 <= after["accuracy"] <= 1 and 0 <= after["f1"] <= 1
    start = run.events("start")[0]
    assert len(start["data"]["labels"]) == 21
    logits = tuned(input_ids=torch.tensor([[2, 5, 6, 3]])).logits
    assert logits.shape[-1] == 21


def test_head_only_on_an_encoder_trains_only_the_classifier(classify, tiny_encoder_dir):
    run, tuned = classify(tiny_encoder_dir, "head_only", method_params={"top_layers": 0})
    trainable = {name for name, p in tuned.named_parameters() if p.requires_grad}
    assert trainable and all(name.startswith("classifier") for name in trainable)


def test_causal_lm_gets_a_classification_head(classify, tiny_model_dir):
    run, tuned = classify(tiny_model_dir, "lora")
    assert "accuracy" in run.events("eval")[-1]
    assert (run.adapter_dir / "adapter_config.json").exists()


def test_classify_refuses_prefix_tuning_and_unknown_tasks():
    with pytest.raises(LabError, match="prefix_tuning is not offered"):
        TrainConfig(task="classify", method="prefix_tuning")
    with pytest.raises(LabError, match="Unknown task"):
        TrainConfig(task="summarise")


def test_classify_from_the_cli_app_handler_and_panel(capsys, lab_home, tiny_encoder_dir):
    import json

    from apps import handlers
    from lab.cli import main
    from lab.runs import get_run
    from lab.widgets import TrainPanel

    assert main(["train", "--task", "classify", "--model", str(tiny_encoder_dir), "--data", TOPICS, "--method",
                 "head_only", "--top-layers", "0", "--max-steps", "2", "--batch-size", "8", "--wait", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["state"] == "completed"

    run_id = handlers.train_start(str(tiny_encoder_dir), "fp32", "lora", "r: 4", "sample_data/topics", None, 2,
                                  1e-3, 8, 32, "classify")
    assert get_run(run_id).wait(timeout=120) == "completed"
    assert "accuracy" in get_run(run_id).events("eval")[-1]

    panel = TrainPanel(str(tiny_encoder_dir), "fp32", TOPICS)
    panel.task.value, panel.method.value, panel.steps.value = "classify", "prefix_tuning", 2
    panel.start_button.click()
    assert "prefix_tuning is not offered" in panel.message.value
