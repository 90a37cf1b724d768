from lab.runs.sampling import ShuffledLengthBatches


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
