"""What tuning changed: base and tuned answers side by side, scores on a split, label probabilities."""

from __future__ import annotations

from lab.actions import defaults
from lab.actions.inputs import chosen, lines, real, whole
from lab.generation import GenerationSettings


def generation(max_new_tokens=defaults.CHAT_NEW_TOKENS, **values) -> GenerationSettings:
    """Generation settings from a form's values, the defaults for the rest (validated by GenerationSettings)."""
    v = {**defaults.GENERATION, **values}
    return GenerationSettings(max_new_tokens=whole(max_new_tokens, "max new tokens"),
                              temperature=real(v["temperature"], "temperature"), top_p=real(v["top_p"], "top p"),
                              top_k=whole(v["top_k"], "top k"),
                              repetition_penalty=real(v["repetition_penalty"], "repetition penalty"),
                              no_repeat_ngram_size=whole(v["no_repeat_ngram_size"], "no repeat n-gram size"),
                              seed=whole(v["seed"], "seed"))


def compare(run_ids, prompts, system_prompt: str | None = None, max_new_tokens=defaults.COMPARE_NEW_TOKENS,
            progress=None, **settings) -> list[dict]:
    """The same prompts (a list, or one per line) through the base and each run's tuned model, same seed and
    settings, in batches: one row per prompt, {"prompt", "answers": {"base" | run id: answer}}.
    `progress(done, total)` counts answers."""
    from lab.errors import LabError
    from lab.results.compare import compare as compare_models

    ids, prompts = chosen(run_ids), lines(prompts)
    if not prompts:
        raise LabError("No prompt to compare.", "", "Type a prompt.")
    return compare_models(ids, prompts, generation(max_new_tokens, **settings), system_prompt=system_prompt or None,
                          progress=progress)


def compare_split(run_ids, examples=defaults.SPLIT_QUESTIONS, split: str = "validation",
                  max_new_tokens=defaults.COMPARE_NEW_TOKENS, progress=None, **settings) -> list[dict]:
    """compare on the first run's own validation (or train) conversations, each row with its reference."""
    from lab.results.compare import compare_split as compare_on_split

    return compare_on_split(chosen(run_ids), split, whole(examples, "questions"),
                            generation(max_new_tokens, **settings), progress=progress)


def evaluate(run_ids, examples=defaults.EVAL_EXAMPLES, max_new_tokens=defaults.EVAL_NEW_TOKENS,
             split: str = "validation", progress=None) -> dict:
    """The base and one or more runs (a list, or one id per line) on the first run's split, in one table: loss,
    perplexity, ROUGE-L, exact match and the share of changed answers for chat runs; accuracy, macro-F1 and the
    per-class report for classify runs. One run's result is stored as its eval.json; runs of different base
    models or tasks are refused. `progress(done, total)` counts answers."""
    from lab.results.evaluation import evaluate_runs

    return evaluate_runs(chosen(lines(run_ids)), max_examples=whole(examples, "examples"),
                         max_new_tokens=whole(max_new_tokens, "max new tokens"), split=split, progress=progress)


def predict(run_ids, texts) -> list[dict]:
    """Label probabilities of classify runs for texts (a list, or one per line), base (the untrained head) vs
    tuned: one row per text, {"text", "probabilities": {"base" | run id: {label: p}}}."""
    from lab.results.classify import predict as predict_labels

    return predict_labels(chosen(run_ids, "finished classify run"), lines(texts))


def classify_evaluate(run_ids) -> list[dict]:
    """evaluate for each chosen classify run (all of its validation split)."""
    from lab.results.classify import evaluate_classifier

    return [evaluate_classifier(run_id) for run_id in chosen(run_ids, "finished classify run")]
