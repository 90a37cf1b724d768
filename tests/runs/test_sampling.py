import pytest
import torch

from lab.runs.sampling import LengthBatchTrainer, ShuffledLengthBatches


def test_batches_hold_similar_lengths_in_a_reproducible_random_order():
    lengths = [(i * 37) % 100 for i in range(100)]
    sampler = ShuffledLengthBatches(lengths, batch_size=10, seed=1)
    order = list(sampler)
    assert sorted(order) == list(range(100))
    batches = [[lengths[i] for i in order[k:k + 10]] for k in range(0, 100, 10)]
    assert all(max(b) - min(b) < 10 for b in batches)  # one length band per batch: little padding
    assert [min(b) for b in batches] != sorted(min(b) for b in batches)  # not longest- or shortest-first
    assert list(sampler) == order
    sampler.set_epoch(1)
    assert list(sampler) != order


@pytest.mark.parametrize("method", ["lora", "full", "prefix_tuning"])
def test_answer_logits_only_gives_the_plain_loss_and_gradients(tmp_path, tiny_config, method):
    """The output layer on labelled positions only: the same loss and the same gradients as the model's own."""
    from transformers import DataCollatorForSeq2Seq, TrainingArguments

    from lab.data import tokenize_examples
    from lab.models import load_model

    config = tiny_config(method=method)
    model, tokenizer, _ = load_model(config.model, "fp32")
    torch.manual_seed(0)
    model = config.method_config().apply(model, "fp32")
    rows, _ = tokenize_examples(tokenizer, config.read_data().train[:4], config.max_length, answer_only=True)
    batch = DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100)(rows)
    args = TrainingArguments(output_dir=str(tmp_path), use_cpu=True, report_to="none")
    results = []
    for answer_logits_only in (False, True):
        trainer = LengthBatchTrainer(model=model, args=args, answer_logits_only=answer_logits_only)
        for items in (None, (batch["labels"][:, 1:] != -100).sum()):  # an evaluation's mean, a training step's sum
            model.zero_grad()
            loss = trainer.compute_loss(model, dict(batch), num_items_in_batch=items)
            loss.backward()
            grads = [p.grad.clone() for p in model.parameters() if p.requires_grad]
            results.append((loss.item(), grads))
        assert trainer.answer_logits_only == answer_logits_only  # no fallback: the model kept the positions
    for (plain_loss, plain_grads), (fast_loss, fast_grads) in zip(results[:2], results[2:]):
        assert fast_loss == pytest.approx(plain_loss, rel=1e-5)
        assert all(torch.allclose(a, b, atol=1e-6, rtol=1e-4) for a, b in zip(plain_grads, fast_grads))
