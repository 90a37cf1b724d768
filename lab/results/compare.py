"""Side by side: the same prompts through the base model and each run's tuned model, same seed and settings,
answered in batches (base and LoRA runs in one pass)."""

from __future__ import annotations

from lab.errors import LabError
from lab.generation import GenerationSettings, Message, build_messages, generate_batch
from lab.results.adapters import groups, releases_models
from lab.runs.store import Run, get_run


def split_examples(run: Run, split: str, limit: int):
    config = run.train_config()
    splits = config.read_data()
    if split not in ("validation", "train"):
        raise LabError(f"Unknown split '{split}'.", "", "Use validation or train.")
    examples = [e for e in getattr(splits, split) if e.messages][:limit]
    if not examples:
        raise LabError(f"Run {run.id} has no {split} conversations to score.",
                       "Its data has no validation file and validation_fraction is 0, or it is plain text.",
                       "Train with a validation split (a validation file, or validation_fraction > 0).")
    return config, examples


def answered(runs: list[Run], conversations: list[list[Message]], settings: GenerationSettings,
             precision: str | None = None, with_base: bool = True, progress=None):
    """Yield (label, model, tokenizer, adapter, answers) for the base and each run: every model's answers to every
    conversation, while its model is loaded. Rows of the base and of every LoRA run go through one batched pass;
    other methods get a batched pass each. `progress(done, total)` counts answers."""
    total, done = len(conversations) * (len(runs) + with_base), 0
    for labels, model, tokenizer, adapters in groups(runs, precision, with_base):
        rows = [c for _ in labels for c in conversations]
        names = [name for name in adapters for _ in conversations] if adapters else None
        report = (lambda n, _total, done=done: progress(done + n, total)) if progress else None
        generated = generate_batch(model, tokenizer, rows, settings, adapter_names=names, progress=report)
        done += len(rows)
        for i, label in enumerate(labels):
            yield (label, model, tokenizer, adapters[i] if adapters else None,
                   generated[i * len(conversations):(i + 1) * len(conversations)])


def asked(example) -> list[Message]:
    """A conversation up to the turn the model should answer (its last message is the reference)."""
    return [{"role": m["role"], "content": m["content"]} for m in example.messages[:-1]]


def side_by_side(runs: list[Run], conversations: list[list[Message]], settings: GenerationSettings,
                 precision: str | None = None, progress=None) -> list[dict[str, str]]:
    """Per conversation, {"base": answer, <run id>: answer, ...}: the base first, then the runs as given."""
    answers = {label: texts for label, _, _, _, texts in answered(runs, conversations, settings, precision,
                                                                 progress=progress)}
    order = ["base", *(run.id for run in runs)]
    return [{label: answers[label][i] for label in order} for i in range(len(conversations))]


@releases_models
def compare(
    runs: list[str | Run],
    prompts: list[str],
    settings: GenerationSettings | None = None,
    system_prompt: str | None = None,
    precision: str | None = None,
    progress=None,
) -> list[dict]:
    """One row per prompt: {"prompt", "answers": {"base": ..., <run id>: ...}}."""
    runs = [r if isinstance(r, Run) else get_run(r) for r in runs]
    rows = side_by_side(runs, [build_messages(p, (), system_prompt) for p in prompts],
                        settings or GenerationSettings(max_new_tokens=64), precision, progress)
    return [{"prompt": p, "answers": answers} for p, answers in zip(prompts, rows)]


@releases_models
def compare_split(runs: list[str | Run], split: str = "validation", limit: int = 5,
                  settings: GenerationSettings | None = None, progress=None) -> list[dict]:
    """compare on the first run's own conversations of a split, each row with its reference answer."""
    runs = [r if isinstance(r, Run) else get_run(r) for r in runs]
    _, examples = split_examples(runs[0], split, limit)
    rows = side_by_side(runs, [asked(e) for e in examples], settings or GenerationSettings(max_new_tokens=64),
                        progress=progress)
    return [{"prompt": e.messages[-2]["content"], "reference": e.messages[-1]["content"], "answers": answers}
            for e, answers in zip(examples, rows)]
