"""The few validation prompts a run answers at step 0 and after every evaluation (its `sample` events), so the
same prompts show how the answers move as it trains."""

from __future__ import annotations

from contextlib import contextmanager
from functools import partial

import torch


class Answerer:
    """`answerer(model, count)`: the model's answers to the first `count` of a run's prompts, as event rows. The
    prompts are the first validation examples in data order: sample events show the first `samples`, and a chat
    run's report answers the first `report_examples` in the same pass."""

    def __init__(self, examples: list, answer):
        self.examples, self.answer = examples, answer

    def __call__(self, model, count: int) -> list[dict]:
        return self.answer(model, examples=self.examples[:count])

    def rows(self, answers: list[str]) -> list[dict]:
        """Chat rows of answers given earlier (a cached step 0's)."""
        return [chat_row(e, answer) for e, answer in zip(self.examples, answers)]


def answerer(config, splits, tokenizer) -> Answerer | None:
    """The run's Answerer, or None when it has no prompts to answer."""
    if config.task == "classify":
        examples = splits.validation[:config.samples]
        answer = partial(classify_rows, tokenizer=tokenizer, labels=splits.labels, max_length=config.max_length)
    else:
        wanted = max(config.samples, config.report_examples)
        examples = [e for e in splits.validation if answerable(e.messages)][:wanted]
        answer = partial(chat_rows, tokenizer=tokenizer, max_new_tokens=config.sample_new_tokens)
    return Answerer(examples, answer) if examples else None


def answerable(messages) -> bool:
    """A conversation that ends with the assistant's answer to an earlier turn: that answer is the reference."""
    return len(messages or ()) > 1 and messages[-1]["role"] == "assistant"


@contextmanager
def answering(model):
    """Eval mode and no autograd while the model answers; its previous mode afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            yield
    finally:
        model.train(was_training)


def chat_rows(model, tokenizer, examples, max_new_tokens: int) -> list[dict]:
    """Greedy answers in one batched pass, with the generation defaults that keep them from looping."""
    from lab.generation import GenerationSettings, generate_batch
    from lab.results.compare import asked

    # no seed: greedy needs none, and reseeding would change the training's own random numbers
    settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=0, seed=None)
    with answering(model):
        answers = generate_batch(model, tokenizer, [asked(e) for e in examples], settings)
    return [chat_row(e, answer) for e, answer in zip(examples, answers)]


def chat_row(example, answer: str) -> dict:
    return {"prompt": example.messages[-2]["content"], "reference": example.messages[-1]["content"], "answer": answer}


def classify_rows(model, tokenizer, examples, labels: list[str], max_length: int) -> list[dict]:
    """Each text's predicted label with its probability, beside the true label."""
    from lab.results.classify import probabilities

    with answering(model):
        scores = probabilities(model, tokenizer, [text for text, _ in examples], max_length)
    confidence, predicted = scores.max(-1)
    return [{"prompt": text, "reference": labels[label], "answer": labels[p], "confidence": round(c, 4)}
            for (text, label), p, c in zip(examples, predicted.tolist(), confidence.tolist())]
