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
    "field, value", [("max_new_tokens", 0), ("temperature", -1), ("top_p", 0), ("top_k", -1), ("repetition_penalty", 0)]
)
def test_invalid_settings_fail_fast(field, value):
    with pytest.raises(LabError, match=field):
        GenerationSettings(**{field: value})


def test_empty_message_is_refused(loaded):
    model, tokenizer, _ = loaded
    with pytest.raises(LabError, match="empty"):
        list(stream_chat(model, tokenizer, "   "))
