"""Loads at once in one process (the app's requests) each get a whole model: transformers patches process-wide
state while it builds one, which left a concurrent load's tied output layer on the meta device."""

import threading

from lab.models import load_model


def test_models_loaded_at_once_in_threads_are_whole(tiny_model_dir):
    together, on_meta = threading.Barrier(4), []

    def load():
        together.wait()
        for _ in range(2):
            model = load_model(str(tiny_model_dir), "fp32").model
            on_meta.extend(name for name, tensor in [*model.named_parameters(), *model.named_buffers()]
                           if tensor.is_meta)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert on_meta == []
