import pytest

from lab.errors import LabError
from lab.generation import GenerationSettings, build_messages, chat, stream_chat
from lab.models import load_model


@pytest.fixture(scope="module")
def loaded(tiny_model_dir):
    return load_model(str(tiny_model_dir))


def test_streaming_yields_several_pieces(loaded):
    model, tokenizer, _ = loaded
    pieces = list(stream_chat(model, tokenizer, "Hello", settings=GenerationSettings(max_new_tokens=12)))
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)


def test_greedy_is_deterministic_and_sampling_follows_the_seed(loaded):
    model, tokenizer, _ = loaded
    greedy = GenerationSettings(max_new_tokens=10, temperature=0)
    assert chat(model, tokenizer, "Hi", settings=greedy) == chat(model, tokenizer, "Hi", settings=greedy)
    sample = GenerationSettings(max_new_tokens=10, temperature=1.5, top_p=0.95, seed=7)
    assert chat(model, tokenizer, "Hi", settings=sample) == chat(model, tokenizer, "Hi", settings=sample)
    answers = {chat(model, tokenizer, "Hi", settings=GenerationSettings(max_new_tokens=10, temperature=1.5, seed=s))
               for s in range(4)}
    assert len(answers) > 1


def test_history_and_system_prompt_reach_the_template(loaded):
    _, tokenizer, _ = loaded
    history = [{"role": "user", "content": "first"}, {"role": "assistant", "content": "reply"}]
    messages = build_messages("second", history, system_prompt="Be brief.")
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert text.index("Be brief.") < text.index("first") < text.index("reply") < text.index("second")
    assert text.endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize(
    "field, value",
    [("max_new_tokens", 0), ("temperature", -1), ("top_p", 0), ("top_k", -1), ("repetition_penalty", 0),
     ("no_repeat_ngram_size", -1)],
)
def test_invalid_settings_fail_fast(field, value):
    with pytest.raises(LabError, match=field):
        GenerationSettings(**{field: value})


def test_empty_message_is_refused(loaded):
    model, tokenizer, _ = loaded
    with pytest.raises(LabError, match="empty"):
        list(stream_chat(model, tokenizer, "   "))


# --- defaults that don't loop (bench/generation_loops.py, bench/RESULTS.md) ----------------------------------


def recording(model, monkeypatch) -> list[tuple[dict, object]]:
    """Every model.generate call's keyword arguments and its output, the real generate still running."""
    calls, generate = [], model.generate

    def record(*args, **kwargs):
        out = generate(*args, **kwargs)
        calls.append((kwargs, out))
        return out

    monkeypatch.setattr(model, "generate", record)
    return calls


def test_default_settings_are_greedy_and_curb_repetition():
    settings = GenerationSettings()
    assert (settings.temperature, settings.repetition_penalty, settings.no_repeat_ngram_size) == (0.0, 1.1, 4)
    kwargs = settings.generate_kwargs()
    assert kwargs["do_sample"] is False and kwargs["repetition_penalty"] == 1.1
    assert kwargs["no_repeat_ngram_size"] == 4
    assert GenerationSettings(temperature=0.7).generate_kwargs()["no_repeat_ngram_size"] == 4  # sampling too


def test_the_defaults_reach_model_generate(loaded, monkeypatch):
    model, tokenizer, _ = loaded
    calls = recording(model, monkeypatch)
    chat(model, tokenizer, "Hi")
    (kwargs, _), = calls
    defaults = GenerationSettings()
    assert kwargs["repetition_penalty"] == defaults.repetition_penalty == 1.1
    assert kwargs["no_repeat_ngram_size"] == defaults.no_repeat_ngram_size == 4
    assert kwargs["do_sample"] is False and kwargs["max_new_tokens"] == defaults.max_new_tokens


def repeated_bigrams(call) -> int:
    """Token pairs ending in the answer that already came earlier in the sequence (prompt or answer)."""
    kwargs, out = call
    tokens, start = out[0].tolist(), kwargs["input_ids"].shape[1]
    seen = set(zip(tokens[:start - 1], tokens[1:start]))
    repeats = 0
    for pair in zip(tokens[start - 1:], tokens[start:]):
        repeats += pair in seen
        seen.add(pair)
    return repeats


def test_no_repeat_ngram_size_is_enforced_by_generate(loaded, monkeypatch):
    # The tiny random model repeats itself when greedy; with no_repeat_ngram_size 2 the answer repeats no token
    # pair of the whole sequence (prompt included), so the setting is not only passed on but honoured.
    model, tokenizer, _ = loaded
    calls = recording(model, monkeypatch)
    for size in (0, 2):
        chat(model, tokenizer, "Hello there", settings=GenerationSettings(max_new_tokens=40, repetition_penalty=1.0,
                                                                          no_repeat_ngram_size=size))
    free, curbed = calls
    assert (free[0]["no_repeat_ngram_size"], curbed[0]["no_repeat_ngram_size"]) == (0, 2)
    assert repeated_bigrams(free) > 0
    assert repeated_bigrams(curbed) == 0


def test_an_answer_can_cap_its_own_threads(loaded):
    """The cap holds inside the answer's own thread; the rest of the process keeps its threads."""
    import torch

    seen = []
    model, tokenizer = loaded.model, loaded.tokenizer
    original = model.generate

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(*args, **kwargs)

    model.generate = spy
    try:
        "".join(stream_chat(model, tokenizer, "Hi", settings=GenerationSettings(max_new_tokens=2), threads=1))
    finally:
        del model.generate
    assert seen == [1] and torch.get_num_threads() >= 1
