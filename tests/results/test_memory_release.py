"""Models loaded to answer once (compare, evaluate) or dropped by the model cache are freed at once, not at the
next full garbage collection: a prompt-tuning run's generate leaves its model in a reference cycle."""

import weakref

import lab.actions.models as models
import lab.results.adapters as adapters
from lab.generation import GenerationSettings, chat
from lab.results.compare import compare
from lab.results.evaluation import evaluate_runs


def watch_loaded_models(monkeypatch) -> list[weakref.ref]:
    """A weak reference to every model that load_model gives the adapters module (base or whole tuned model)."""
    loaded, load_model = [], adapters.load_model

    def watched(*args, **kwargs):
        result = load_model(*args, **kwargs)
        loaded.append(weakref.ref(result.model))
        return result

    monkeypatch.setattr(adapters, "load_model", watched)
    return loaded


def test_compare_and_evaluate_free_their_models_when_they_return(tiny_runs, monkeypatch):
    loaded = watch_loaded_models(monkeypatch)
    runs = [tiny_runs["lora"], tiny_runs["prompt_tuning"]]
    compare(runs, ["Hello"], GenerationSettings(max_new_tokens=2))
    evaluate_runs(runs, max_examples=2, max_new_tokens=2, split="train")  # two runs: no eval.json is stored
    assert len(loaded) == 2 and all(model() is None for model in loaded)


def test_the_model_cache_frees_the_model_it_evicts(tiny_runs, tiny_model_dir, monkeypatch):
    loaded = watch_loaded_models(monkeypatch)
    cache = models.ModelCache(capacity=1)
    tuned = cache.get(str(tiny_model_dir), "fp32", str(tiny_runs["prompt_tuning"].path))
    chat(tuned.model, tuned.tokenizer, "Hello", settings=GenerationSettings(max_new_tokens=2))
    del tuned
    cache.get(str(tiny_model_dir), "fp32")  # the base model takes its place
    assert loaded[0]() is None
