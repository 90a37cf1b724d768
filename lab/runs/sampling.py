"""The lab's Trainer: batches of similar length, in random order, and the output layer only where there are labels.

transformers' LengthGroupedSampler runs each mega-batch from its longest to its shortest examples, so the
training loss drifts with example length inside every 50 steps; users read that as the model getting worse.
"""

from __future__ import annotations

import torch
from transformers import Trainer


class ShuffledLengthBatches(torch.utils.data.Sampler):
    def __init__(self, lengths: list[int], batch_size: int, seed: int):
        self.lengths, self.batch_size, self.seed, self.epoch = lengths, batch_size, seed, 0

    def set_epoch(self, epoch: int) -> None:  # the Trainer calls this, so a resumed run replays the same order
        self.epoch = epoch

    def __iter__(self):
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        shuffled = torch.randperm(len(self.lengths), generator=generator).tolist()  # random ties
        by_length = sorted(shuffled, key=self.lengths.__getitem__)
        batches = [by_length[i:i + self.batch_size] for i in range(0, len(by_length), self.batch_size)]
        for b in torch.randperm(len(batches), generator=generator).tolist():
            yield from batches[b]

    def __len__(self) -> int:
        return len(self.lengths)


class LengthBatchTrainer(Trainer):
    def _get_train_sampler(self, train_dataset=None):
        """Groups of one optimiser step's examples across all ranks. Every rank draws the same order (same seed)
        and accelerate deals its batches out in turn, so N processes train on the same examples per step as one
        process with an N-times larger batch."""
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        lengths = [len(ids) for ids in dataset["input_ids"]]
        args = self.args
        return ShuffledLengthBatches(lengths, args.train_batch_size * args.gradient_accumulation_steps * args.world_size,
                                     args.seed)

    def __init__(self, *args, answer_logits_only: bool = False, **kwargs):
        """`answer_logits_only`: compute the output layer and the loss only at positions with a label (see
        compute_loss); for causal LMs whose inputs keep their length (not prompt tuning)."""
        super().__init__(*args, **kwargs)
        self.answer_logits_only = answer_logits_only

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """With answer-only labels most positions are prompt, yet the output layer (vocabulary-wide: a fifth of a
        small model's FLOPs) and the loss normally run on every position. Here the model projects only the
        positions that predict a label (transformers' boolean `logits_to_keep`) and the loss is the same
        token-summed cross-entropy the model computes, scaled as the Trainer expects. A model whose forward
        cannot keep positions this way falls back to the plain loss."""
        labels = inputs.get("labels")
        if not self.answer_logits_only or labels is None:
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        from transformers.loss.loss_utils import fixed_cross_entropy

        targets = labels[:, 1:]
        keep = torch.zeros_like(labels, dtype=torch.bool)
        keep[:, :-1] = targets != -100  # the position before each labelled token predicts it
        outputs = model(**{k: v for k, v in inputs.items() if k != "labels"}, logits_to_keep=keep)
        logits, wanted = outputs.logits, targets[targets != -100]
        if logits.dim() != 2 or logits.shape[0] != wanted.numel():  # the model ignored a boolean logits_to_keep
            self.answer_logits_only = False
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        loss = fixed_cross_entropy(logits.float(), wanted, num_items_in_batch)
        scaled = self.model_accepts_loss_kwargs and num_items_in_batch is not None
        if self.args.average_tokens_across_devices and scaled:
            loss = loss * self.accelerator.num_processes  # as Trainer.compute_loss: DDP averages the gradients
        return (loss, outputs) if return_outputs else loss
