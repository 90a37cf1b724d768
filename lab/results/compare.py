"""Side by side: the same prompts through the base model and each run's tuned model, same seed and settings."""

from __future__ import annotations

from lab.results.adapters import variants
from lab.generation import GenerationSettings, chat
from lab.runs.store import Run, get_run


def split_prompts(run: Run, split: str = "validation", limit: int = 5) -> list[str]:
    """The user turns that end a run's conversations: compare base and tuned where the run was scored."""
    from lab.results.evaluation import split_examples

    _, examples = split_examples(run, split, limit)
    return [e.messages[-2]["content"] for e in examples]


def compare(
    runs: list[str | Run],
    prompts: list[str],
    settings: GenerationSettings | None = None,
    system_prompt: str | None = None,
    precision: str | None = None,
) -> list[dict]:
    """One row per prompt: {"prompt", "answers": {"base": ..., <run id>: ...}}."""
    settings = settings or GenerationSettings(max_new_tokens=64)
    runs = [r if isinstance(r, Run) else get_run(r) for r in runs]
    rows = [{"prompt": p, "answers": {}} for p in prompts]
    for label, model, tokenizer in variants(runs, precision):
        for row in rows:
            row["answers"][label] = chat(model, tokenizer, row["prompt"], system_prompt=system_prompt,
                                         settings=settings)
    return rows
