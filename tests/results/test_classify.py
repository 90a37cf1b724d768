"""After a classify run: label probabilities base vs tuned, and the before/after evaluation with its pictures."""

import json

import pytest

from lab.results.classify import evaluate_classifier, predict
from lab.present.classify import confusion_svg, evaluation_html, probabilities_html
from lab.errors import LabError
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from lab.runs.training import train

TOPICS = "sample_data/topics"


@pytest.fixture(scope="module", params=["head_only", "lora"])
def trained(request, tmp_path_factory, tiny_encoder_dir):
    params = {"top_layers": 0} if request.param == "head_only" else {"r": 4}
    config = TrainConfig(task="classify", model=str(tiny_encoder_dir), precision="fp32", method=request.param,
                         method_params=params, data=TOPICS, max_steps=4, batch_size=8, max_length=32,
                         learning_rate=5e-2, eval_steps=4, save_steps=4, max_validation_examples=40)
    run = create_run(config, tmp_path_factory.mktemp("runs"))
    assert train(run)[0] == "completed"
    return run


def test_predict_gives_each_model_a_distribution_over_the_runs_labels(trained):
    rows = predict([trained], ["What is AI?", "  ", "Tell me about dogs"])
    assert [r["text"] for r in rows] == ["What is AI?", "Tell me about dogs"]
    for row in rows:
        assert list(row["probabilities"]) == ["base", trained.id]
        for probs in row["probabilities"].values():
            assert len(probs) == 21 and sum(probs.values()) == pytest.approx(1, abs=1e-4)
    assert rows[0]["probabilities"]["base"] != rows[0]["probabilities"][trained.id]
    assert "What is AI?" in probabilities_html(rows)


def test_base_is_the_untrained_head_the_run_started_from(trained):
    result = evaluate_classifier(trained, max_examples=40)
    base, tuned = result["rows"]
    start, end = trained.events("eval")[0], trained.events("eval")[-1]
    assert base["accuracy"] == pytest.approx(start["accuracy"]) and base["f1"] == pytest.approx(start["f1"])
    assert tuned["accuracy"] == pytest.approx(end["accuracy"])
    assert json.loads((trained.path / "eval.json").read_text())["task"] == "classify"
    matrix = tuned["report"]["confusion_matrix"]
    assert len(matrix) == 21 and sum(map(sum, matrix)) == result["examples"] == 40


def test_evaluation_pictures_show_every_cell_and_both_models(trained):
    result = evaluate_classifier(trained, max_examples=40)
    svg = confusion_svg(result["rows"][1]["report"])
    assert svg.count("<rect") == 21 * 21
    page = evaluation_html(result)
    assert page.count("<svg") == 2 and "macro-F1" in page and "support" in page


def test_predict_refuses_a_chat_run(tmp_path, lab_home, tiny_model_dir):
    run = create_run(TrainConfig(model=str(tiny_model_dir), data="tests/assets/data/messages.jsonl"), tmp_path)
    with pytest.raises(LabError, match="chat run, not a classifier"):
        predict([run], ["hello"])
    with pytest.raises(LabError, match="No text"):
        predict([run], ["", " "])


def test_cli_predict_and_eval_on_a_classify_run(trained, capsys):
    from lab.cli import main

    assert main(["predict", str(trained.path), "--text", "What is AI?", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["text"] == "What is AI?" and set(rows[0]["probabilities"]) == {"base", trained.id}
    assert main(["eval", str(trained.path), "--examples", "10"]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "precision" in out and "support" in out
