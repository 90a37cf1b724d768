import os

# No test may reach a model hub or phone home; set before transformers/gradio are imported.
for key, value in {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}.items():
    os.environ[key] = value

import pytest  # noqa: E402

from tests.helpers import ASSETS, MESSAGES  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny random Llama and its tokenizer, saved as a normal Hugging Face folder."""
    from lab.models.tiny import build_tiny_llama

    folder = build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))
    # The app and panels only touch allowed folders (lab.paths); the fixtures live outside the workspace.
    os.environ["LAB_ALLOWED_PATHS"] = os.pathsep.join([str(folder), str(ASSETS)])
    return folder


@pytest.fixture
def lab_home(tmp_path, monkeypatch):
    """An empty LAB_HOME, so tests never touch the user's converted models."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory, tiny_model_dir):
    """A tiny random BERT-style encoder and WordPiece tokenizer (the shape of the MiniLM classification model)."""
    import string

    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-encoder")
    words = "what is ai cats dogs fish example hello history food the a of".split()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *string.ascii_lowercase, *string.digits, *words]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(folder)
    os.environ["LAB_ALLOWED_PATHS"] += os.pathsep + str(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_runs(tmp_path_factory, tiny_model_dir):
    """Finished runs on the tiny model, by method: lora (and a second, lora_b), prompt_tuning, full (for compare,
    evaluate and export)."""
    from lab.runs.config import TrainConfig
    from lab.runs.store import create_run
    from lab.runs.training import train
    from lab.runs.worker import write_report

    root = tmp_path_factory.mktemp("runs")
    made = {}
    for name, method, seed in (("lora", "lora", 0), ("lora_b", "lora", 1), ("prompt_tuning", "prompt_tuning", 0),
                               ("full", "full", 0)):
        config = TrainConfig(model=str(tiny_model_dir), precision="fp32", method=method, data=MESSAGES, max_steps=3,
                             batch_size=2, learning_rate=5e-2, max_length=64, validation_fraction=0.25, eval_steps=3,
                             save_steps=3, seed=seed)
        made[name] = create_run(config, root)
        train(made[name])
        write_report(made[name], "completed", os.getpid())  # as the worker ends a run
        made[name].set_status("completed", phase=None)
    return made
