"""Batches of similar length, in random order: little padding, and a loss curve without length trends.

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
